// Fuzz target: sealed values (src/storage/envelope.h) and the stored records inside them.
// Whatever the bytes, nothing crashes, hangs or leaks, and:
//   mode 0  PeekEnvelope and Sealer::Open of arbitrary bytes give a header / plaintext or
//           Corruption, nothing else (Open of forged bytes never succeeds);
//   mode 1  a value sealed from the input opens to the same bytes, and any one byte changed in
//           it, or the value opened as another type or dossier, fails with Corruption;
//   mode 2  zstd frames of arbitrary bytes (what an envelope carries) decompress or give
//           Corruption;
//   mode 3  a dossier JSON, serialised as a stored record and then damaged at up to 4 places the
//           input names, passes CheckStoredDossier or gives Corruption; a record that passes
//           encodes to JSON or gives Corruption (stored bytes are never an Internal error).
// Built as a replay program over tests/fuzz/corpus/envelope/ (run by CTest), or as a libFuzzer
// binary with HSDT_BUILD_FUZZERS=ON under clang.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <hsdt/status.h>

#include "crypto/secret.h"
#include "schema/internal/json.h"
#include "schema/internal/record.h"
#include "storage/compressor.h"
#include "storage/envelope.h"

namespace {

using hsdt::StatusCode;
using hsdt::storage::ValueType;

constexpr std::uint32_t kDictId = 7;
constexpr char kId[] = "HS00000001";

struct Fixture {
  hsdt::storage::Compressor compressor;
  hsdt::storage::Sealer sealer{&compressor};
  Fixture() {
    unsigned char key[hsdt::crypto::kKeyBytes];
    for (std::size_t i = 0; i < sizeof key; ++i) key[i] = static_cast<unsigned char>(i * 3 + 1);
    auto secret = hsdt::crypto::SecretBytes::CopyOf(std::string_view(reinterpret_cast<char*>(key), sizeof key));
    if (!secret.ok() || !sealer.AddKey(1, *secret).ok()) __builtin_trap();
    // A raw-content dictionary: zstd accepts any bytes as one.
    if (!compressor.AddDictionary(kDictId, "{\"name\":{\"surname\":\"Nguyễn\",\"given\":\"An\"},"
                                           "\"managingUnit\":\"27460\",\"status\":\"dangCongTac\"}")
             .ok()) {
      __builtin_trap();
    }
    sealer.SetWriteGeneration(1);
  }
};

Fixture& F() {
  static Fixture* f = new Fixture();  // never destroyed: no exit-time destructor
  return *f;
}

constexpr ValueType kTypes[] = {ValueType::kRecord, ValueType::kVersionInfo, ValueType::kDictionary,
                                ValueType::kRegistry};

void MustBeCorruption(const hsdt::Status& s) {
  if (s.code() != StatusCode::kCorruption) __builtin_trap();
}

void OpenArbitrary(std::uint8_t selector, std::string_view value) {
  auto h = hsdt::storage::PeekEnvelope(value);
  if (h.ok()) {
    if (h->format != 1 || h->codec > 1 || value.size() < hsdt::storage::kEnvelopeHeaderBytes) __builtin_trap();
  } else {
    MustBeCorruption(h.status());
  }
  auto plain = F().sealer.Open(kTypes[selector & 3], selector >> 2, value);
  if (plain.ok()) __builtin_trap();  // a forgery passed authentication
  MustBeCorruption(plain.status());
}

void SealRoundTrip(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return;
  const std::uint8_t flags = data[0];
  const std::size_t flip_at = std::size_t{data[1]} << 8 | data[2];
  const std::uint8_t flip = data[3] != 0 ? data[3] : 1;
  const std::string_view plain(reinterpret_cast<const char*>(data + 4), size - 4);
  const ValueType type = kTypes[flags & 3];
  const bool compress = (flags & 4) != 0;
  const std::uint32_t dict = (flags & 8) != 0 ? kDictId : 0;
  const std::uint64_t id = flags >> 4;
  const std::uint32_t version = static_cast<std::uint32_t>(size);
  std::string sealed;
  if (!F().sealer.Seal(type, id, version, plain, compress, dict, &sealed).ok()) __builtin_trap();
  auto h = hsdt::storage::PeekEnvelope(sealed);
  if (!h.ok() || h->codec != (compress ? 1 : 0) || h->version != version || h->key_generation != 1 ||
      h->dict_id != (compress ? dict : 0)) {
    __builtin_trap();
  }
  auto opened = F().sealer.Open(type, id, sealed);
  if (!opened.ok() || opened->view() != plain) __builtin_trap();
  // Bound to its type and its dossier.
  auto other_type = F().sealer.Open(kTypes[(flags + 1) & 3], id, sealed);
  if (other_type.ok()) __builtin_trap();
  MustBeCorruption(other_type.status());
  auto other_id = F().sealer.Open(type, id + 1, sealed);
  if (other_id.ok()) __builtin_trap();
  MustBeCorruption(other_id.status());
  // Any byte changed: header (format, codec, version, dictionary, generation) or body.
  sealed[flip_at % sealed.size()] = static_cast<char>(sealed[flip_at % sealed.size()] ^ flip);
  auto damaged = F().sealer.Open(type, id, sealed);
  if (damaged.ok()) __builtin_trap();
  MustBeCorruption(damaged.status());
}

void DecompressArbitrary(std::uint8_t selector, std::string_view frame) {
  auto out = F().compressor.Decompress((selector & 1) != 0 ? kDictId : 0, frame, std::size_t{1} << 20);
  if (!out.ok()) MustBeCorruption(out.status());
}

void DamagedRecord(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kFlips = 4;
  if (size < kFlips * 3) return;
  auto parsed = hsdt::schema::ParseDossierJson(
      std::string_view(reinterpret_cast<const char*>(data + kFlips * 3), size - kFlips * 3));
  if (!parsed.ok()) {
    if (parsed.status().code() != StatusCode::kInvalidArgument) __builtin_trap();
    return;
  }
  hsdt::schema::RootOf(**parsed).setId(kId);
  const std::string flat = hsdt::schema::FlatBytes((*parsed)->rep().message);
  hsdt::storage::PlainBytes bytes(flat.size());
  std::memcpy(bytes.data(), flat.data(), flat.size());
  bool damaged = false;
  for (std::size_t i = 0; i < kFlips; ++i) {
    const std::uint8_t x = data[i * 3 + 2];
    if (x == 0 || bytes.size() == 0) continue;
    const std::size_t at = (std::size_t{data[i * 3]} << 8 | data[i * 3 + 1]) % bytes.size();
    bytes.data()[at] = static_cast<char>(bytes.data()[at] ^ x);
    damaged = true;
  }
  const hsdt::Status checked = hsdt::schema::CheckStoredDossier(bytes.words(), bytes.size(), kId);
  if (!checked.ok()) {
    if (!damaged) __builtin_trap();  // a record we just wrote must pass
    MustBeCorruption(checked);
    return;
  }
  hsdt::Result<std::string> json = [&]() -> hsdt::Result<std::string> {
    try {
      hsdt::schema::FlatRecord r(bytes.words(), bytes.size());
      return hsdt::schema::EncodeJson(r.dossier(), false);
    } catch (const kj::Exception& e) {
      return hsdt::Status::Corruption(e.getDescription().cStr());
    }
  }();
  if (!json.ok()) MustBeCorruption(json.status());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  switch (data[0] & 3) {
    case 0: OpenArbitrary(data[1], rest); break;
    case 1: SealRoundTrip(data + 1, size - 1); break;
    case 2: DecompressArbitrary(data[1], rest); break;
    case 3: DamagedRecord(data + 1, size - 1); break;
  }
  return 0;
}
