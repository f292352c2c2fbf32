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

}  // namespace db
}  // namespace hsdt
