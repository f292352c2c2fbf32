// Database::Impl, shared by database.cc and check.cc.
#pragma once

#include <hsdt/database.h>

#include "db/internal.h"

namespace hsdt {

class Database::Impl final {
 public:
  Impl(std::unique_ptr<storage::Store> store, const OpenOptions& options)
      : store_(std::move(store)), cache_(options.record_cache_bytes), options_(options) {}

  storage::Store& store() { return *store_; }
  storage::RecordCache& cache() { return cache_; }
  const OpenOptions& options() const { return options_; }

  Result<WriteResult> Create(const DossierDraft& draft, const ChangeContext& ctx);
  Result<WriteResult> Update(std::string_view id, std::uint32_t expected,
                             const DossierDraft* draft, std::string_view new_status,
                             const ChangeContext& ctx);
  Result<Dossier> Read(std::string_view id, std::uint32_t version);

 private:
  Result<WriteResult> Commit(std::uint64_t id, std::uint32_t expected, capnp::MessageBuilder& next,
                             const schema::Dossier::Reader* previous, ChangeKind kind,
                             const ChangeContext& ctx, std::vector<std::string> warnings);
  Result<std::shared_ptr<const storage::CachedRecord>> Load(std::uint64_t id,
                                                            std::uint32_t version);

  std::unique_ptr<storage::Store> store_;
  storage::RecordCache cache_;
  OpenOptions options_;
};

}  // namespace hsdt
