#include "policy/registry.h"

#include <type_traits>

#include "base/coding.h"
#include "schema/registry_codec.h"
#include "schema/text.h"

namespace hsdt::policy {
namespace {

constexpr char kAccountKind = 'a';
constexpr char kUnitKind = 'u';
constexpr char kGrantKind = 'g';
constexpr char kHandOverKind = 'h';
constexpr char kLoginKind = 'l';

// The stored form of a grant, and back (the other kinds are their stored fields).
schema::StoredGrant StoredOf(const GrantRecord& r) {
  const GrantView& g = r.view;
  return {g.id, g.grantee_user, g.grantee_unit, g.dossiers, g.scope_unit, g.rights, g.purposes,
          r.legal_number, r.legal_date, r.legal_signer, g.valid_from_micros, g.valid_until_micros,
          r.issued_by, g.revoked, r.change};
}

Result<std::string> Encode(const AccountRecord& r) { return schema::Encode(r); }
Result<std::string> Encode(const UnitRecord& r) { return schema::Encode(r); }
Result<std::string> Encode(const GrantRecord& r) { return schema::Encode(StoredOf(r)); }
Result<std::string> Encode(const HandOverRecord& r) { return schema::Encode(r); }

Status Decode(const std::uint64_t* words, std::size_t size, std::string_view key, AccountRecord* r) {
  return schema::Decode(words, size, key, static_cast<schema::StoredAccount*>(r));
}
Status Decode(const std::uint64_t* words, std::size_t size, std::string_view key, UnitRecord* r) {
  return schema::Decode(words, size, key, static_cast<schema::StoredUnit*>(r));
}
Status Decode(const std::uint64_t* words, std::size_t size, std::string_view key, HandOverRecord* r) {
  return schema::Decode(words, size, key, static_cast<schema::StoredHandOver*>(r));
}
Status Decode(const std::uint64_t* words, std::size_t size, std::string_view key, GrantRecord* r) {
  schema::StoredGrant s;
  HSDT_RETURN_IF_ERROR(schema::Decode(words, size, key, &s));
  r->view = {std::move(s.id), std::move(s.grantee_user), std::move(s.grantee_unit), std::move(s.dossiers),
             std::move(s.scope_unit), s.rights, std::move(s.purposes), s.valid_from_micros,
             s.valid_until_micros, s.revoked};
  r->legal_number = std::move(s.legal_number);
  r->legal_date = std::move(s.legal_date);
  r->legal_signer = std::move(s.legal_signer);
  r->issued_by = std::move(s.issued_by);
  r->change = std::move(s.change);
  return Status::Ok();
}

std::string NamePrefix(char kind, std::string_view name) {
  std::string k(1, kind);
  k.append(name);
  k.push_back('\0');
  return k;
}

// A registry value: recorded time (clear, bound as associated data) then the sealed record.
Result<storage::BatchOp> SealValue(storage::Store* store, std::string key, std::uint32_t version,
                                   std::string_view plain, std::int64_t micros) {
  std::string value;
  base::PutBigEndian64(&value, static_cast<std::uint64_t>(micros));
  const std::string ad = key + value;
  HSDT_RETURN_IF_ERROR(store->sealer().Seal(storage::ValueType::kRegistry, 0, version, plain, false, 0, &value, ad));
  return storage::BatchOp{storage::kRegistryCf, std::move(key), std::move(value), false};
}

// Opens the registry value of `key` (recorded-at micros u64 ‖ sealed message, the key and the
// time bound into the seal) and decodes the message into `*out` (schema/registry_codec.h).
// Returns: Ok; Corruption naming the key if it does not authenticate or decode.
template <typename R>
Status OpenSealed(storage::Store* store, std::string_view key, std::string_view value, R* out) {
  if (value.size() < 8) return Status::Corruption("registry/" + base::HexOf(key) + ": too short");
  const std::string ad = std::string(key) + std::string(value.substr(0, 8));
  auto plain = store->sealer().Open(storage::ValueType::kRegistry, 0, value.substr(8), ad);
  if (!plain.ok()) return plain.status().WithPrefix("registry/" + base::HexOf(key));
  return Decode(plain->words(), plain->size(), key, out);
}

template <typename R>
Result<R> OpenValue(storage::Store* store, std::string_view key, std::string_view value) {
  R r;
  HSDT_RETURN_IF_ERROR(OpenSealed(store, key, value, &r));
  r.micros = static_cast<std::int64_t>(base::GetBigEndian64(value.data()));
  if (key.size() >= 4) r.version = base::GetBigEndian32(key.data() + key.size() - 4);
  return r;
}

// The last version of `name` recorded at or before `micros`.
template <typename R>
Result<std::optional<R>> AsOf(storage::Store* store, char kind, std::string_view name, std::int64_t micros) {
  std::optional<R> found;
  const std::string prefix = NamePrefix(kind, name);
  HSDT_RETURN_IF_ERROR(store->Scan(storage::kRegistryCf, storage::ScanRange::Prefix(prefix),
                                   [&](std::string_view k, std::string_view v) -> Result<storage::Next> {
    if (v.size() < 8 || static_cast<std::int64_t>(base::GetBigEndian64(v.data())) > micros) {
      return storage::Next::kContinue;
    }
    HSDT_ASSIGN_OR_RETURN(R r, OpenValue<R>(store, k, v));
    found = std::move(r);
    return storage::Next::kContinue;
  }));
  return found;
}

}  // namespace

std::string FoldUserName(std::string_view user_name) { return schema::FoldCase(user_name); }

Result<std::unique_ptr<Registry>> Registry::Load(storage::Store* store) {
  std::unique_ptr<Registry> r(new Registry(store));
  HSDT_RETURN_IF_ERROR(r->ReadAll(true));
  return r;
}

Status Registry::Reload() { return ReadAll(false); }

Status Registry::VisitVersions(storage::Store* store, storage::SnapshotHandle at, const VersionVisitor& visit) {
  storage::ScanRange all = storage::ScanRange::All();
  all.snapshot = at;
  return store->Scan(storage::kRegistryCf, all, [&](std::string_view k, std::string_view v) -> Result<storage::Next> {
    if (k.empty()) return Status::Corruption("registry: empty key");
    switch (k[0]) {
      case kAccountKind: {
        HSDT_ASSIGN_OR_RETURN(AccountRecord a, OpenValue<AccountRecord>(store, k, v));
        if (visit.account) HSDT_RETURN_IF_ERROR(visit.account(std::move(a)));
        break;
      }
      case kUnitKind: {
        HSDT_ASSIGN_OR_RETURN(UnitRecord u, OpenValue<UnitRecord>(store, k, v));
        if (visit.unit) HSDT_RETURN_IF_ERROR(visit.unit(std::move(u)));
        break;
      }
      case kGrantKind: {
        HSDT_ASSIGN_OR_RETURN(GrantRecord g, OpenValue<GrantRecord>(store, k, v));
        if (visit.grant) HSDT_RETURN_IF_ERROR(visit.grant(std::move(g)));
        break;
      }
      case kHandOverKind: {
        HSDT_ASSIGN_OR_RETURN(HandOverRecord h, OpenValue<HandOverRecord>(store, k, v));
        if (visit.hand_over) HSDT_RETURN_IF_ERROR(visit.hand_over(std::move(h)));
        break;
      }
      case kLoginKind:
        break;
      default:
        return Status::Corruption("registry/" + base::HexOf(k) + ": unknown kind");
    }
    return storage::Next::kContinue;
  });
}

Status Registry::ReadAll(bool counters) {
  Registry* r = this;
  // Read into locals, then moved in under the locks. Versions come oldest first: the last one
  // of each record stays.
  Records<AccountRecord> accounts;
  Records<UnitRecord> units;
  Records<GrantRecord> grants;
  Records<HandOverRecord> handovers;
  std::uint64_t grant_seq = 0;
  std::uint64_t handover_seq = 0;
  VersionVisitor visit;
  visit.account = [&](AccountRecord a) {
    const std::string folded = FoldUserName(a.user_name);
    accounts[folded] = std::make_shared<const AccountRecord>(std::move(a));
    return Status::Ok();
  };
  visit.unit = [&](UnitRecord u) {
    const std::string code = u.code;
    units[code] = std::make_shared<const UnitRecord>(std::move(u));
    return Status::Ok();
  };
  visit.grant = [&](GrantRecord g) {
    grant_seq = std::max(grant_seq, base::ParsePrefixedId(g.view.id, "GR").value_or(0));
    const std::string id = g.view.id;
    grants[id] = std::make_shared<const GrantRecord>(std::move(g));
    return Status::Ok();
  };
  visit.hand_over = [&](HandOverRecord h) {
    handover_seq = std::max(handover_seq, base::ParsePrefixedId(h.id, "HO").value_or(0));
    const std::string id = h.id;
    handovers[id] = std::make_shared<const HandOverRecord>(std::move(h));
    return Status::Ok();
  };
  HSDT_RETURN_IF_ERROR(VisitVersions(store_, nullptr, visit));
  if (counters) {  // a view that reloads writes nothing: its counters do not matter
    base::MutexLock lock(r->write_mutex());
    r->grant_seq_ = grant_seq;
    r->handover_seq_ = handover_seq;
  }
  base::WriterLock lock(r->mu_);
  r->accounts_ = std::move(accounts);
  r->units_ = std::move(units);
  r->grants_ = std::move(grants);
  r->handovers_ = std::move(handovers);
  r->RebuildGrantViews();
  return Status::Ok();
}

void Registry::RebuildGrantViews() {
  auto views = std::make_shared<std::vector<GrantView>>();
  for (const auto& [k, g] : grants_) views->push_back(g->view);
  grant_views_ = std::move(views);
}

std::shared_ptr<const AccountRecord> Registry::FindAccount(std::string_view user_name) const {
  return FindFoldedAccount(FoldUserName(user_name));
}

namespace {
// The latest version of the record named `key` in `records`, or null. REQUIRES the lock of
// `records`, shared.
template <typename Map>
typename Map::mapped_type Find(const Map& records, std::string_view key) {
  auto it = records.find(key);
  return it == records.end() ? nullptr : it->second;
}

// A copy of the latest version of every record, in key order. REQUIRES the lock of `records`.
template <typename Map>
auto CopyAll(const Map& records) {
  std::vector<std::remove_const_t<typename Map::mapped_type::element_type>> out;
  for (const auto& entry : records) out.push_back(*entry.second);
  return out;
}
}  // namespace

std::shared_ptr<const AccountRecord> Registry::FindFoldedAccount(const std::string& folded) const {
  base::ReaderLock lock(mu_);
  return Find(accounts_, folded);
}
std::vector<AccountRecord> Registry::Accounts() const {
  base::ReaderLock lock(mu_);
  return CopyAll(accounts_);
}

std::shared_ptr<const UnitRecord> Registry::FindUnit(std::string_view code) const {
  base::ReaderLock lock(mu_);
  return Find(units_, code);
}
std::vector<UnitRecord> Registry::Units() const {
  base::ReaderLock lock(mu_);
  return CopyAll(units_);
}

std::shared_ptr<const GrantRecord> Registry::FindGrant(std::string_view id) const {
  base::ReaderLock lock(mu_);
  return Find(grants_, id);
}
std::vector<GrantRecord> Registry::Grants() const {
  base::ReaderLock lock(mu_);
  return CopyAll(grants_);
}

std::shared_ptr<const std::vector<GrantView>> Registry::GrantViews() const {
  base::ReaderLock lock(mu_);
  return grant_views_;
}

std::shared_ptr<const HandOverRecord> Registry::FindHandOver(std::string_view id) const {
  base::ReaderLock lock(mu_);
  return Find(handovers_, id);
}
std::vector<HandOverRecord> Registry::HandOvers() const {
  base::ReaderLock lock(mu_);
  return CopyAll(handovers_);
}

int Registry::ActiveAdmins() const {
  base::ReaderLock lock(mu_);
  int n = 0;
  for (const auto& [k, a] : accounts_) {
    n += a->role == Role::kDistrictAdmin && a->state == AccountState::kActive;
  }
  return n;
}

bool Registry::empty() const {
  base::ReaderLock lock(mu_);
  return accounts_.empty();
}

Result<std::optional<AccountRecord>> Registry::AccountAsOf(std::string_view user_name, std::int64_t micros) {
  return AsOf<AccountRecord>(store_, kAccountKind, FoldUserName(user_name), micros);
}

Result<std::optional<UnitRecord>> Registry::UnitAsOf(std::string_view code, std::int64_t micros) {
  return AsOf<UnitRecord>(store_, kUnitKind, code, micros);
}

Result<std::vector<GrantView>> Registry::GrantViewsAsOf(std::int64_t micros) {
  std::vector<GrantView> out;
  for (const auto& g : Grants()) {
    HSDT_ASSIGN_OR_RETURN(auto then, AsOf<GrantRecord>(store_, kGrantKind, g.view.id, micros));
    if (then) out.push_back(then->view);
  }
  return out;
}

template <typename R>
Result<storage::BatchOp> Registry::StageRecord(char kind, const std::string& name, R* r, std::int64_t now) {
  r->version += 1;
  r->micros = now;
  std::string key = NamePrefix(kind, name);
  base::PutBigEndian32(&key, r->version);
  HSDT_ASSIGN_OR_RETURN(std::string plain, Encode(*r));
  return SealValue(store_, std::move(key), r->version, plain, now);
}

// A staged record starts from the version in memory (0 for a new one), so versions never skip.
Result<storage::BatchOp> Registry::Stage(AccountRecord* r, std::int64_t now) {
  const std::string folded = FoldUserName(r->user_name);
  auto current = FindAccount(r->user_name);
  r->version = current ? current->version : 0;
  return StageRecord(kAccountKind, folded, r, now);
}

Result<storage::BatchOp> Registry::Stage(UnitRecord* r, std::int64_t now) {
  auto current = FindUnit(r->code);
  r->version = current ? current->version : 0;
  return StageRecord(kUnitKind, r->code, r, now);
}

Result<storage::BatchOp> Registry::Stage(GrantRecord* r, std::int64_t now) {
  auto current = FindGrant(r->view.id);
  r->version = current ? current->version : 0;
  return StageRecord(kGrantKind, r->view.id, r, now);
}

Result<storage::BatchOp> Registry::Stage(HandOverRecord* r, std::int64_t now) {
  auto current = FindHandOver(r->id);
  r->version = current ? current->version : 0;
  return StageRecord(kHandOverKind, r->id, r, now);
}

void Registry::Apply(const AccountRecord& r) {
  auto copy = std::make_shared<const AccountRecord>(r);
  const std::string folded = FoldUserName(r.user_name);
  base::WriterLock lock(mu_);
  accounts_[folded] = std::move(copy);
}
void Registry::Apply(const UnitRecord& r) {
  auto copy = std::make_shared<const UnitRecord>(r);
  base::WriterLock lock(mu_);
  units_[r.code] = std::move(copy);
}
void Registry::Apply(const GrantRecord& r) {
  auto copy = std::make_shared<const GrantRecord>(r);
  base::WriterLock lock(mu_);
  grants_[r.view.id] = std::move(copy);
  RebuildGrantViews();
}
void Registry::Apply(const HandOverRecord& r) {
  auto copy = std::make_shared<const HandOverRecord>(r);
  base::WriterLock lock(mu_);
  handovers_[r.id] = std::move(copy);
}

Result<LoginState> Registry::ReadLoginState(std::string_view user_name) {
  const std::string key = std::string(1, kLoginKind) + FoldUserName(user_name);
  std::string value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(store_->Get(storage::kRegistryCf, key, &value, &found));
  LoginState s;
  if (!found) return s;
  HSDT_RETURN_IF_ERROR(OpenSealed(store_, key, value, &s));
  return s;
}

Result<storage::BatchOp> Registry::StageLoginState(std::string_view user_name, const LoginState& state,
                                                   std::int64_t now) {
  HSDT_ASSIGN_OR_RETURN(std::string plain, schema::Encode(state));
  return SealValue(store_, std::string(1, kLoginKind) + FoldUserName(user_name), 0, plain, now);
}

std::string Registry::NextGrantId() { return base::FormatPrefixedId("GR", ++grant_seq_); }
std::string Registry::NextHandOverId() { return base::FormatPrefixedId("HO", ++handover_seq_); }

}  // namespace hsdt::policy
