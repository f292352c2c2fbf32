// What the db layer shares between its files: the Impl classes of the public value types, the
// dossier id format and the index entries a dossier has.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/dossier.h>

#include "schema/json.h"
#include "schema/record.h"
#include "storage/record_cache.h"
#include "storage/store.h"
#include "db/index.h"

namespace hsdt {

class DossierDraft::Impl final {
 public:
  std::unique_ptr<schema::DossierMessage> message;
};

class Dossier::Impl final {
 public:
  Impl(std::string id, std::shared_ptr<const storage::CachedRecord> record)
      : id_(std::move(id)), record_(std::move(record)) {}
  const std::string& id() const { return id_; }
  const storage::CachedRecord& record() const { return *record_; }
  // A view of the record (valid while this Impl lives).
  schema::DossierView View() const { return schema::DossierView(record_->bytes.words(), record_->bytes.size()); }

 private:
  std::string id_;
  std::shared_ptr<const storage::CachedRecord> record_;
};

namespace db {

// "HS00000042" <-> 42. Ids are "HS" and at least 8 digits.
std::string FormatId(std::uint64_t id);
std::optional<std::uint64_t> ParseId(std::string_view id);

// The scans kept as attachments: media type, the archive's file extension, and the first bytes
// that say what a file is (TIFF has two byte orders).
struct ScanType {
  std::string_view media_type;
  std::string_view extension;
  std::string_view magic;
};
inline constexpr ScanType kScanTypes[] = {
    {"application/pdf", "pdf", "%PDF-"},
    {"image/png", "png", "\x89PNG\r\n\x1a\n"},
    {"image/jpeg", "jpg", "\xff\xd8\xff"},
    {"image/tiff", "tif", std::string_view("II*\0", 4)},
    {"image/tiff", "tif", std::string_view("MM\0*", 4)},
};
// The type of `media_type`, or null for one not kept.
inline const ScanType* ScanTypeOf(std::string_view media_type) {
  for (const ScanType& t : kScanTypes) {
    if (t.media_type == media_type) return &t;
  }
  return nullptr;
}

}  // namespace db
}  // namespace hsdt
