// The Cap'n Proto side of schema/record.h: reading flat messages with explicit limits, the
// builder inside a DossierMessage and the reader inside a DossierView. For src/schema/ and tests
// only (scripts/check-layers.sh).
#pragma once

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstdint>
#include <new>
#include <string>
#include <string_view>

#include "schema/dossier.capnp.h"
#include "schema/record.h"

namespace hsdt::schema {

// Reader limits for stored records (a dossier is at most ~1 MiB as JSON).
capnp::ReaderOptions StoredReaderOptions();

// A reader over 8-byte-aligned flat message bytes, for stored records.
// REQUIRES: `words` outlives the reader; size is a multiple of 8.
class FlatRecord final {
 public:
  FlatRecord(const std::uint64_t* words, std::size_t size_bytes)
      : reader_(kj::arrayPtr(reinterpret_cast<const capnp::word*>(words), size_bytes / 8),
                StoredReaderOptions()) {}
  Dossier::Reader dossier() { return reader_.getRoot<Dossier>(); }

 private:
  capnp::FlatArrayMessageReader reader_;
};

struct DossierMessage::Rep {
  capnp::MallocMessageBuilder message;
};

inline Dossier::Builder RootOf(DossierMessage& m) { return m.rep().message.getRoot<Dossier>(); }
inline Dossier::Reader ReaderOf(const DossierMessage& m) {
  // getRoot of a builder is not const; the message always has its root (ParseDossierJson,
  // CopyDossier), so nothing is written here.
  return const_cast<DossierMessage&>(m).rep().message.getRoot<Dossier>().asReader();
}

struct DossierView::Access {
  static Dossier::Reader Root(const DossierView& v) {
    return *std::launder(reinterpret_cast<const Dossier::Reader*>(v.root_));
  }
};
inline Dossier::Reader ReaderOf(const DossierView& v) { return DossierView::Access::Root(v); }

// A copy of the dossier `from` to change; `id` names it in errors.
// Returns: the copy; Corruption "<id>: record does not decode: <what>".
Result<std::unique_ptr<DossierMessage>> CopyDossier(Dossier::Reader from, std::string_view id);

// The flat bytes of a message (plaintext: the caller wipes them).
std::string FlatBytes(capnp::MessageBuilder& message);

// The size of FlatBytes(message), and writing them into `out` (exactly that many bytes).
std::size_t FlatSize(capnp::MessageBuilder& message);
void WriteFlat(capnp::MessageBuilder& message, char* out, std::size_t size);

// StampEngineFields of schema/record.h on the builder and reader.
void StampEngineFields(Dossier::Builder next, std::string_view id, const Dossier::Reader* previous,
                       std::string_view now_iso);

}  // namespace hsdt::schema
