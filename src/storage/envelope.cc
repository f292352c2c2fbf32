#include "storage/envelope.h"

#include <cstring>
#include <mutex>

#include "base/coding.h"

namespace hsdt::storage {
namespace {

// The layout of the associated data below, fixed at 1. It is not the database's format version
// (kFormatVersion): a later format that keeps this layout must go on opening every value sealed
// under it, so a format upgrade never has to reseal a database.
constexpr std::uint32_t kAssociatedDataLayout = 1;

std::string AssociatedData(ValueType type, std::uint64_t id, const EnvelopeHeader& h,
                           std::string_view extra) {
  std::string ad = "hsdt";
  ad.push_back(static_cast<char>(type));
  base::PutBigEndian32(&ad, kAssociatedDataLayout);
  base::PutBigEndian64(&ad, id);
  ad.push_back(static_cast<char>(h.format));
  ad.push_back(static_cast<char>(h.codec));
  base::PutBigEndian32(&ad, h.version);
  base::PutBigEndian32(&ad, h.dict_id);
  base::PutBigEndian32(&ad, h.key_generation);
  ad.append(extra);
  return ad;
}

// Reused per thread: holds compressed plaintext between decryption and decompression.
std::string& Scratch() {
  thread_local std::string scratch;
  return scratch;
}

}  // namespace

Result<EnvelopeHeader> PeekEnvelope(std::string_view v) {
  if (v.size() < kEnvelopeHeaderBytes + crypto::kSealOverhead || v[0] != 1) {
    return Status::Corruption("not a sealed value");
  }
  EnvelopeHeader h;
  h.format = static_cast<std::uint8_t>(v[0]);
  h.codec = static_cast<std::uint8_t>(v[1]);
  h.version = base::GetBigEndian32(v.data() + 2);
  h.dict_id = base::GetBigEndian32(v.data() + 6);
  h.key_generation = base::GetBigEndian32(v.data() + 10);
  if (h.codec > 1) return Status::Corruption("unknown codec " + std::to_string(h.codec));
  return h;
}

Status Sealer::AddKey(std::uint32_t gen, const crypto::SecretBytes& records_key) {
  HSDT_ASSIGN_OR_RETURN(crypto::SecretBytes copy, records_key.Clone());
  std::unique_lock lock(mu_);
  keys_[gen] = std::make_shared<const crypto::SecretBytes>(std::move(copy));
  return Status::Ok();
}

void Sealer::SetWriteGeneration(std::uint32_t gen) {
  std::unique_lock lock(mu_);
  write_gen_ = gen;
}

std::uint32_t Sealer::write_generation() const {
  std::shared_lock lock(mu_);
  return write_gen_;
}

std::shared_ptr<const crypto::SecretBytes> Sealer::KeyOf(std::uint32_t gen) const {
  std::shared_lock lock(mu_);
  auto it = keys_.find(gen);
  return it == keys_.end() ? nullptr : it->second;
}

Status Sealer::Seal(ValueType type, std::uint64_t id, std::uint32_t version,
                    std::string_view plain, bool compress, std::uint32_t dict_id,
                    std::string* out, std::string_view extra_ad) const {
  EnvelopeHeader h;
  h.codec = compress ? 1 : 0;
  h.version = version;
  h.dict_id = compress ? dict_id : 0;
  h.key_generation = write_generation();
  auto key = KeyOf(h.key_generation);
  if (key == nullptr) return Status::Internal("no record key for generation " + std::to_string(h.key_generation));
  std::string& body = Scratch();
  body.clear();
  if (compress) {
    HSDT_RETURN_IF_ERROR(compressor_->Compress(h.dict_id, plain, &body));
    plain = body;
  }
  out->push_back(static_cast<char>(h.format));
  out->push_back(static_cast<char>(h.codec));
  base::PutBigEndian32(out, h.version);
  base::PutBigEndian32(out, h.dict_id);
  base::PutBigEndian32(out, h.key_generation);
  crypto::Seal(*key, plain, AssociatedData(type, id, h, extra_ad), out);
  crypto::Wipe(body.data(), body.size());
  return Status::Ok();
}

Result<PlainBytes> Sealer::Open(ValueType type, std::uint64_t id, std::string_view value,
                                std::string_view extra_ad) const {
  HSDT_ASSIGN_OR_RETURN(EnvelopeHeader h, PeekEnvelope(value));
  auto key = KeyOf(h.key_generation);
  if (key == nullptr) {
    return Status::Corruption("sealed under key generation " + std::to_string(h.key_generation) +
                              ", which the keyring lacks");
  }
  std::string& plain = Scratch();
  if (!crypto::Open(*key, value.substr(kEnvelopeHeaderBytes), AssociatedData(type, id, h, extra_ad), &plain)) {
    return Status::Corruption("authentication failed");
  }
  Result<PlainBytes> result = [&]() -> Result<PlainBytes> {
    if (h.codec == 1) return compressor_->Decompress(h.dict_id, plain, kMaxPlaintextBytes);
    PlainBytes raw(plain.size());
    if (!plain.empty()) std::memcpy(raw.data(), plain.data(), plain.size());
    return raw;
  }();
  crypto::Wipe(plain.data(), plain.size());
  return result;
}

}  // namespace hsdt::storage
