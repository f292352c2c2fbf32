// The registry codec (schema/registry_codec.h) writes byte for byte what the registry wrote
// before the codec moved to schema/, so existing databases open: the reference encoder below is
// that earlier code, kept verbatim as the pin. Decoding gives back what was encoded, and bytes
// that do not decode are Corruption naming the record's key.
#include <gtest/gtest.h>

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstring>
#include <string>
#include <vector>

#include "schema/registry.capnp.h"
#include "schema/registry_codec.h"

namespace hsdt::schema {
namespace {

// ---- the reference: the encoder of policy/registry.cc before the move
std::string Flat(capnp::MessageBuilder& m) {
  auto words = capnp::messageToFlatArray(m);
  auto chars = words.asChars();
  return std::string(chars.begin(), chars.size());
}

void PutChange(Change::Builder b, const RegistryChange& c) {
  b.setActor(c.actor);
  b.setReason(c.reason);
  b.setSourceNumber(c.source_number);
  b.setSourceDate(c.source_date);
}

std::string Reference(const StoredAccount& r) {
  capnp::MallocMessageBuilder m(128);
  auto b = m.initRoot<Account>();
  b.setUserName(r.user_name);
  b.setDisplayName(r.display_name);
  b.setUnit(r.unit);
  b.setRole(static_cast<std::uint8_t>(r.role));
  b.setState(static_cast<std::uint8_t>(r.state));
  b.setPasswordHash(r.password_hash);
  b.setMustChangePassword(r.must_change_password);
  b.setSessionEpoch(r.session_epoch);
  PutChange(b.initChange(), r.change);
  return Flat(m);
}

std::string Reference(const StoredUnit& r) {
  capnp::MallocMessageBuilder m(64);
  auto b = m.initRoot<Unit>();
  b.setCode(r.code);
  b.setNameVi(r.name_vi);
  b.setKind(r.kind);
  b.setTier(static_cast<std::uint8_t>(r.tier));
  b.setActive(r.active);
  PutChange(b.initChange(), r.change);
  return Flat(m);
}

std::string Reference(const StoredGrant& g) {
  capnp::MallocMessageBuilder m(128);
  auto b = m.initRoot<Grant>();
  b.setId(g.id);
  b.setGranteeUser(g.grantee_user);
  b.setGranteeUnit(g.grantee_unit);
  auto dossiers = b.initDossiers(static_cast<unsigned>(g.dossiers.size()));
  for (unsigned i = 0; i < g.dossiers.size(); ++i) dossiers.set(i, g.dossiers[i]);
  b.setScopeUnit(g.scope_unit);
  b.setRights(g.rights);
  auto purposes = b.initPurposes(static_cast<unsigned>(g.purposes.size()));
  for (unsigned i = 0; i < g.purposes.size(); ++i) purposes.set(i, static_cast<std::uint8_t>(g.purposes[i]));
  b.setLegalNumber(g.legal_number);
  b.setLegalDate(g.legal_date);
  b.setLegalSigner(g.legal_signer);
  b.setValidFromMicros(g.valid_from_micros);
  b.setValidUntilMicros(g.valid_until_micros);
  b.setIssuedBy(g.issued_by);
  b.setRevoked(g.revoked);
  PutChange(b.initChange(), g.change);
  return Flat(m);
}

std::string Reference(const StoredHandOver& r) {
  capnp::MallocMessageBuilder m(64);
  auto b = m.initRoot<HandOver>();
  b.setId(r.id);
  b.setDossierId(r.dossier_id);
  b.setFromUnit(r.from_unit);
  b.setToUnit(r.to_unit);
  b.setRequestNumber(r.request_number);
  b.setRequestDate(r.request_date);
  b.setRequestedBy(r.requested_by);
  b.setState(static_cast<std::uint8_t>(r.state));
  b.setDecidedBy(r.decided_by);
  PutChange(b.initChange(), r.change);
  return Flat(m);
}

std::string Reference(const StoredLoginState& r) {
  capnp::MallocMessageBuilder m(16);
  auto b = m.initRoot<LoginState>();
  b.setFailedLogins(r.failed_logins);
  b.setLockedUntilMicros(r.locked_until_micros);
  return Flat(m);
}
// ---- end of the reference

RegistryChange SomeChange(std::size_t reason_bytes) {
  return {"Trần.Bình", std::string(reason_bytes, 'r'), "12/QĐ-UBND", "2026-03-01"};
}

// Decodes `bytes` (copied into aligned words) into a T.
template <typename T>
Status DecodeBytes(const std::string& bytes, T* out) {
  std::vector<std::uint64_t> words((bytes.size() + 7) / 8);
  std::memcpy(words.data(), bytes.data(), bytes.size());
  return Decode(words.data(), bytes.size(), "a\x01key", out);
}

template <typename T>
void ExpectPinned(const T& r) {
  auto encoded = Encode(r);
  ASSERT_TRUE(encoded.ok()) << encoded.status().ToString();
  EXPECT_EQ(*encoded, Reference(r));
  T back;
  ASSERT_TRUE(DecodeBytes(*encoded, &back).ok());
  auto again = Encode(back);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *encoded);
}

// Small records and records past the first segment (which the sizes of the first segment decide).
TEST(RegistryCodecTest, AccountsEncodeAsBeforeAndRoundTrip) {
  for (std::size_t reason : {std::size_t{0}, std::size_t{40}, std::size_t{5000}}) {
    StoredAccount a;
    a.user_name = "Nguyễn.An";
    a.display_name = "Nguyễn Văn An";
    a.unit = "27460";
    a.role = Role::kDistrictAdmin;
    a.state = AccountState::kRestricted;
    a.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
    a.must_change_password = true;
    a.session_epoch = 7;
    a.change = SomeChange(reason);
    ExpectPinned(a);
  }
  ExpectPinned(StoredAccount{});
}

TEST(RegistryCodecTest, UnitsGrantsHandOversAndLoginStatesEncodeAsBefore) {
  for (std::size_t reason : {std::size_t{0}, std::size_t{700}}) {
    StoredUnit u;
    u.code = "777-NV";
    u.name_vi = "Phòng Nội vụ";
    u.kind = "phong";
    u.tier = 2;
    u.active = false;
    u.change = SomeChange(reason);
    ExpectPinned(u);

    StoredGrant g;
    g.id = "GR00000012";
    g.grantee_user = "nguyễn.an";
    g.dossiers = {"HS00000001", "HS00000002", "HS00000003"};
    g.rights = 5;
    g.purposes = {Purpose::kAppointment, Purpose::kInspection};
    g.legal_number = "15/CV";
    g.legal_date = "2026-02-02";
    g.legal_signer = "Lê Chủ Tịch";
    g.valid_from_micros = 1'700'000'000'000'000;
    g.valid_until_micros = 1'800'000'000'000'000;
    g.issued_by = "admin";
    g.revoked = true;
    g.change = SomeChange(reason);
    ExpectPinned(g);
    g.dossiers.clear();
    g.purposes.clear();
    g.scope_unit = "27460";
    ExpectPinned(g);

    StoredHandOver h;
    h.id = "HO00000003";
    h.dossier_id = "HS00000009";
    h.from_unit = "27460";
    h.to_unit = "27463";
    h.request_number = "3/CV-UBND";
    h.request_date = "2026-01-05";
    h.requested_by = "thu.ha";
    h.state = HandOverState::kApproved;
    h.decided_by = "admin";
    h.change = SomeChange(reason);
    ExpectPinned(h);
  }
  ExpectPinned(StoredLoginState{});
  ExpectPinned(StoredLoginState{4, 1'800'000'000'000'000});
}

TEST(RegistryCodecTest, BytesThatDoNotDecodeAreCorruptionNamingTheKey) {
  const std::string garbage(16, '\xff');
  StoredAccount a;
  Status s = DecodeBytes(garbage, &a);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("registry/61016b6579"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace hsdt::schema
