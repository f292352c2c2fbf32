// Fuzz target: dossier JSON decode and validation must never crash, hang or leak, whatever the
// bytes; it returns a Status. Built as a replay program over tests/fuzz/corpus/dossier_json/ (run
// by CTest), or as a libFuzzer binary with HSDT_BUILD_FUZZERS=ON under clang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <hsdt/dossier.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto draft = hsdt::DossierDraft::FromJson(std::string_view(reinterpret_cast<const char*>(data), size));
  if (draft.ok()) {
    (void)draft->warnings().size();
  } else if (draft.status().code() != hsdt::StatusCode::kInvalidArgument) {
    __builtin_trap();  // bad input is InvalidArgument, nothing else
  }
  return 0;
}
