// The registry: accounts, units, grants and hand-overs, versioned and sealed in the registry
// column family (docs/format.md, "Registry"), with the latest version of each kept in memory for
// the policy evaluator. Changes are staged as batch operations that the caller writes together
// with their audit entry, then applied to the memory copy.
//
// Threads: reads are safe from any thread; changes are serialised by write_mutex() (rank 2 of
// the lock order in storage/store.h; mu_ is a leaf).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <hsdt/accounts.h>
#include <hsdt/policy.h>

#include "base/mutex.h"
#include "base/thread_annotations.h"
#include "policy/evaluator.h"
#include "schema/registry_codec.h"
#include "storage/store.h"

namespace hsdt::policy {

// The stored fields of each kind are schema's (schema/registry_codec.h); a record adds its
// version (counted from 1) and the transaction time it was recorded at.
using Change = schema::RegistryChange;
using LoginState = schema::StoredLoginState;

struct AccountRecord : schema::StoredAccount {
  std::uint32_t version = 0;
  std::int64_t micros = 0;
};

struct UnitRecord : schema::StoredUnit {
  std::uint32_t version = 0;
  std::int64_t micros = 0;
};

// A grant keeps its scope as the evaluator sees it.
struct GrantRecord {
  GrantView view;
  std::string legal_number;
  std::string legal_date;
  std::string legal_signer;
  std::string issued_by;
  Change change;
  std::uint32_t version = 0;
  std::int64_t micros = 0;
};

struct HandOverRecord : schema::StoredHandOver {
  std::uint32_t version = 0;
  std::int64_t micros = 0;
};

// The case-insensitive key of a user name.
std::string FoldUserName(std::string_view user_name);

class Registry final {
 public:
  static Result<std::unique_ptr<Registry>> Load(storage::Store* store);
  // Every version of every record (not login states) as stored at `at` (null: now), in key
  // order: accounts by folded name, then grants, hand-overs, units, each oldest first.
  struct VersionVisitor {
    std::function<Status(AccountRecord)> account;
    std::function<Status(UnitRecord)> unit;
    std::function<Status(GrantRecord)> grant;
    std::function<Status(HandOverRecord)> hand_over;
  };
  static Status VisitVersions(storage::Store* store, storage::SnapshotHandle at, const VersionVisitor& visit);
  // Reads every record again (a read-only view after catching up); readers holding records of
  // before keep them. Takes mu_ only (not the write mutex).
  Status Reload();

  // Latest versions, shared and immutable (null if absent).
  std::shared_ptr<const AccountRecord> FindAccount(std::string_view user_name) const;
  // The same, for a name already folded (FoldUserName): no Unicode work on the hot path.
  std::shared_ptr<const AccountRecord> FindFoldedAccount(const std::string& folded) const;
  std::vector<AccountRecord> Accounts() const;
  std::shared_ptr<const UnitRecord> FindUnit(std::string_view code) const;
  std::vector<UnitRecord> Units() const;
  std::shared_ptr<const GrantRecord> FindGrant(std::string_view id) const;
  std::vector<GrantRecord> Grants() const;
  // Every grant as the evaluator sees it (a snapshot, rebuilt when a grant changes).
  std::shared_ptr<const std::vector<GrantView>> GrantViews() const;
  std::shared_ptr<const HandOverRecord> FindHandOver(std::string_view id) const;
  std::vector<HandOverRecord> HandOvers() const;
  int ActiveAdmins() const;
  bool empty() const;

  // The versions in force at transaction time `micros` (Explain).
  Result<std::optional<AccountRecord>> AccountAsOf(std::string_view user_name, std::int64_t micros);
  Result<std::optional<UnitRecord>> UnitAsOf(std::string_view code, std::int64_t micros);
  Result<std::vector<GrantView>> GrantViewsAsOf(std::int64_t micros);

  // Stages the next version of a record (sets its version and time); write the op, then Apply.
  Result<storage::BatchOp> Stage(AccountRecord* r, std::int64_t now);
  Result<storage::BatchOp> Stage(UnitRecord* r, std::int64_t now);
  Result<storage::BatchOp> Stage(GrantRecord* r, std::int64_t now);
  Result<storage::BatchOp> Stage(HandOverRecord* r, std::int64_t now);
  void Apply(const AccountRecord& r);
  void Apply(const UnitRecord& r);
  void Apply(const GrantRecord& r);
  void Apply(const HandOverRecord& r);

  Result<LoginState> ReadLoginState(std::string_view user_name);
  Result<storage::BatchOp> StageLoginState(std::string_view user_name, const LoginState& state,
                                           std::int64_t now);

  // Fresh ids: "GR00000001", "HO00000001".
  std::string NextGrantId() HSDT_REQUIRES(write_mutex());
  std::string NextHandOverId() HSDT_REQUIRES(write_mutex());

  // Serialises changes of the registry family (records and login states); a re-key takes it
  // to reseal that family (Store::Rekey).
  base::Mutex& write_mutex() HSDT_RETURN_CAPABILITY(write_mu_) { return write_mu_; }

 private:
  explicit Registry(storage::Store* store) : store_(store) {}
  // With `counters`, also the id counters of new grants and hand-overs (under the write mutex).
  Status ReadAll(bool counters) HSDT_NO_THREAD_SAFETY_ANALYSIS;
  template <typename R>
  Result<storage::BatchOp> StageRecord(char kind, const std::string& name, R* r, std::int64_t now);

  storage::Store* const store_;
  base::Mutex write_mu_;  // rank 2 of the lock order (storage/store.h)
  mutable base::SharedMutex mu_;  // a leaf: guards the memory copy
  void RebuildGrantViews() HSDT_REQUIRES(mu_);

  template <typename R>
  using Records = std::map<std::string, std::shared_ptr<const R>, std::less<>>;
  Records<AccountRecord> accounts_ HSDT_GUARDED_BY(mu_);  // by folded name
  Records<UnitRecord> units_ HSDT_GUARDED_BY(mu_);
  Records<GrantRecord> grants_ HSDT_GUARDED_BY(mu_);
  Records<HandOverRecord> handovers_ HSDT_GUARDED_BY(mu_);
  std::shared_ptr<const std::vector<GrantView>> grant_views_ HSDT_GUARDED_BY(mu_) =
      std::make_shared<std::vector<GrantView>>();
  std::uint64_t grant_seq_ HSDT_GUARDED_BY(write_mutex()) = 0;
  std::uint64_t handover_seq_ HSDT_GUARDED_BY(write_mutex()) = 0;
};

}  // namespace hsdt::policy
