// Helpers shared by the files of Store (store*.cc); not for other users.
#pragma once

#include <rocksdb/slice.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace hsdt::storage {

// The keys of the meta family that hold sealed compression dictionaries start with this.
inline constexpr char kDictPrefix[] = "dict/";

inline std::string IdName(std::uint64_t id) { return "dossier " + std::to_string(id); }

inline std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
inline rocksdb::Slice SliceOf(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace hsdt::storage
