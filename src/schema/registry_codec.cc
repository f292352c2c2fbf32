#include "schema/registry_codec.h"

#include <capnp/message.h>
#include <capnp/serialize.h>

#include "base/coding.h"
#include "schema/registry.capnp.h"
#include "schema/internal/text.h"

namespace hsdt::schema {
namespace {

// Builds a message of root type T in a first segment of `first_words` words (the sizes the
// registry has always used, so that the flat bytes stay the same) and flattens it.
template <typename T, typename Fn>
Result<std::string> EncodeFlat(unsigned first_words, Fn&& write) {
  try {
    capnp::MallocMessageBuilder m(first_words);
    write(m.initRoot<T>());
    auto words = capnp::messageToFlatArray(m);
    auto chars = words.asChars();
    return std::string(chars.begin(), chars.size());
  } catch (const kj::Exception& e) {
    return Status::InvalidArgument(std::string("registry record: ") + e.getDescription().cStr());
  }
}

// Reads the root of type T of flat bytes stored under `key`.
template <typename T, typename Fn>
Status DecodeFlat(const std::uint64_t* words, std::size_t size_bytes, std::string_view key, Fn&& read) {
  try {
    capnp::FlatArrayMessageReader reader(
        kj::arrayPtr(reinterpret_cast<const capnp::word*>(words), size_bytes / 8));
    read(reader.getRoot<T>());
    return Status::Ok();
  } catch (const kj::Exception& e) {
    return Status::Corruption("registry/" + base::HexOf(key) + ": " + e.getDescription().cStr());
  }
}

void PutChange(Change::Builder b, const RegistryChange& c) {
  b.setActor(c.actor);
  b.setReason(c.reason);
  b.setSourceNumber(c.source_number);
  b.setSourceDate(c.source_date);
}

RegistryChange GetChange(Change::Reader r) {
  return {Str(r.getActor()), Str(r.getReason()), Str(r.getSourceNumber()), Str(r.getSourceDate())};
}

}  // namespace

Result<std::string> Encode(const StoredAccount& r) {
  return EncodeFlat<Account>(128, [&](Account::Builder b) {
    b.setUserName(r.user_name);
    b.setDisplayName(r.display_name);
    b.setUnit(r.unit);
    b.setRole(static_cast<std::uint8_t>(r.role));
    b.setState(static_cast<std::uint8_t>(r.state));
    b.setPasswordHash(r.password_hash);
    b.setMustChangePassword(r.must_change_password);
    b.setSessionEpoch(r.session_epoch);
    PutChange(b.initChange(), r.change);
  });
}

Status Decode(const std::uint64_t* words, std::size_t size_bytes, std::string_view key, StoredAccount* r) {
  return DecodeFlat<Account>(words, size_bytes, key, [&](Account::Reader b) {
    r->user_name = Str(b.getUserName());
    r->display_name = Str(b.getDisplayName());
    r->unit = Str(b.getUnit());
    r->role = static_cast<Role>(b.getRole());
    r->state = static_cast<AccountState>(b.getState());
    r->password_hash = Str(b.getPasswordHash());
    r->must_change_password = b.getMustChangePassword();
    r->session_epoch = b.getSessionEpoch();
    r->change = GetChange(b.getChange());
  });
}

Result<std::string> Encode(const StoredLoginState& r) {
  return EncodeFlat<LoginState>(16, [&](LoginState::Builder b) {
    b.setFailedLogins(r.failed_logins);
    b.setLockedUntilMicros(r.locked_until_micros);
  });
}

Status Decode(const std::uint64_t* words, std::size_t size_bytes, std::string_view key, StoredLoginState* r) {
  return DecodeFlat<LoginState>(words, size_bytes, key, [&](LoginState::Reader b) {
    r->failed_logins = b.getFailedLogins();
    r->locked_until_micros = b.getLockedUntilMicros();
  });
}

Result<std::string> Encode(const StoredUnit& r) {
  return EncodeFlat<Unit>(64, [&](Unit::Builder b) {
    b.setCode(r.code);
    b.setNameVi(r.name_vi);
    b.setKind(r.kind);
    b.setTier(static_cast<std::uint8_t>(r.tier));
    b.setActive(r.active);
    PutChange(b.initChange(), r.change);
  });
}

Status Decode(const std::uint64_t* words, std::size_t size_bytes, std::string_view key, StoredUnit* r) {
  return DecodeFlat<Unit>(words, size_bytes, key, [&](Unit::Reader b) {
    r->code = Str(b.getCode());
    r->name_vi = Str(b.getNameVi());
    r->kind = Str(b.getKind());
    r->tier = b.getTier();
    r->active = b.getActive();
    r->change = GetChange(b.getChange());
  });
}

Result<std::string> Encode(const StoredGrant& g) {
  return EncodeFlat<Grant>(128, [&](Grant::Builder b) {
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
  });
}

Status Decode(const std::uint64_t* words, std::size_t size_bytes, std::string_view key, StoredGrant* g) {
  return DecodeFlat<Grant>(words, size_bytes, key, [&](Grant::Reader b) {
    g->id = Str(b.getId());
    g->grantee_user = Str(b.getGranteeUser());
    g->grantee_unit = Str(b.getGranteeUnit());
    for (auto d : b.getDossiers()) g->dossiers.push_back(Str(d));
    g->scope_unit = Str(b.getScopeUnit());
    g->rights = b.getRights();
    for (auto p : b.getPurposes()) g->purposes.push_back(static_cast<Purpose>(p));
    g->legal_number = Str(b.getLegalNumber());
    g->legal_date = Str(b.getLegalDate());
    g->legal_signer = Str(b.getLegalSigner());
    g->valid_from_micros = b.getValidFromMicros();
    g->valid_until_micros = b.getValidUntilMicros();
    g->issued_by = Str(b.getIssuedBy());
    g->revoked = b.getRevoked();
    g->change = GetChange(b.getChange());
  });
}

Result<std::string> Encode(const StoredHandOver& r) {
  return EncodeFlat<HandOver>(64, [&](HandOver::Builder b) {
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
  });
}

Status Decode(const std::uint64_t* words, std::size_t size_bytes, std::string_view key, StoredHandOver* r) {
  return DecodeFlat<HandOver>(words, size_bytes, key, [&](HandOver::Reader b) {
    r->id = Str(b.getId());
    r->dossier_id = Str(b.getDossierId());
    r->from_unit = Str(b.getFromUnit());
    r->to_unit = Str(b.getToUnit());
    r->request_number = Str(b.getRequestNumber());
    r->request_date = Str(b.getRequestDate());
    r->requested_by = Str(b.getRequestedBy());
    r->state = static_cast<HandOverState>(b.getState());
    r->decided_by = Str(b.getDecidedBy());
    r->change = GetChange(b.getChange());
  });
}

}  // namespace hsdt::schema
