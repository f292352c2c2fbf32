// Fuzz target: decoding audit entries (src/audit/audit_log.cc, docs/format.md "Audit log").
// Whatever the bytes, nothing crashes or reads out of bounds; the bytes decode to an entry or
// give Corruption; and an entry decodes only from its one encoding (re-encoded here from the
// documented layout, independently of audit_log.cc, it gives back the same bytes), so no two
// byte strings hash-chain as the same entry.
// Built as a replay program over tests/fuzz/corpus/audit_entry/ (run by CTest), or as a libFuzzer
// binary with HSDT_BUILD_FUZZERS=ON under clang.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <hsdt/audit.h>

#include "audit/audit_log.h"
#include "base/coding.h"

namespace {

//   version u8 (1) || recorded_at i64 || allowed u8 ||
//   for actor, action, target, purpose, reason, rule: length u32 || UTF-8 bytes
std::string Encode(const hsdt::AuditRecord& e) {
  std::string out(1, '\x01');
  hsdt::base::PutBigEndian64(&out, static_cast<std::uint64_t>(e.recorded_at_micros));
  out.push_back(e.allowed ? 1 : 0);
  for (const std::string* t : {&e.actor, &e.action, &e.target, &e.purpose, &e.reason, &e.rule}) {
    hsdt::base::PutBigEndian32(&out, static_cast<std::uint32_t>(t->size()));
    out += *t;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto e = hsdt::audit::AuditLog::DecodeEntryForTesting(bytes);
  if (!e.ok()) {
    if (e.status().code() != hsdt::StatusCode::kCorruption) __builtin_trap();
    return 0;
  }
  if (e->sequence != 0 || e->key_generation != 0) __builtin_trap();
  if (Encode(*e) != bytes) __builtin_trap();  // one encoding per entry
  // Any proper prefix is malformed (an entry cut short is never read as a shorter one).
  auto cut = hsdt::audit::AuditLog::DecodeEntryForTesting(bytes.substr(0, size - 1));
  if (cut.ok() || cut.status().code() != hsdt::StatusCode::kCorruption) __builtin_trap();
  return 0;
}
