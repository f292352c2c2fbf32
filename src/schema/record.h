// Stored records as Cap'n Proto flat (unpacked) messages: serialising, reading them back with
// explicit limits, a dossier message the layers above may change (DossierMessage), and the fields
// the engine sets (id, recordedAt).
#pragma once

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/status.h>

#include "schema/dossier.capnp.h"

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

// A dossier being built: decoded from JSON (json.h) or copied from a stored one (CopyDossier).
struct DossierMessage {
  capnp::MallocMessageBuilder message;
  std::vector<std::string> warnings;
  // The id the client sent, if any (the engine overwrites the message's id when it commits).
  std::string client_id;
  Dossier::Builder root() { return message.getRoot<Dossier>(); }
  Dossier::Reader reader() { return message.getRoot<Dossier>().asReader(); }
};

// A copy of the stored dossier `from` to change (a status change, a hand-over, a redaction);
// `id` names it in errors.
// Returns: the copy; Corruption "<id>: record does not decode: <what>".
Result<std::unique_ptr<DossierMessage>> CopyDossier(Dossier::Reader from, std::string_view id);

// Checks that flat bytes hold a well-formed dossier message: traverses all of it within the
// limits and checks the id. Returns Corruption describing the fault.
Status CheckStoredDossier(const std::uint64_t* words, std::size_t size_bytes,
                          std::string_view expected_id);

// The flat bytes of a message (plaintext: the caller wipes them).
std::string FlatBytes(capnp::MessageBuilder& message);

// The size of FlatBytes(message), and writing them into `out` (exactly that many bytes).
std::size_t FlatSize(capnp::MessageBuilder& message);
void WriteFlat(capnp::MessageBuilder& message, char* out, std::size_t size);
inline std::size_t FlatSize(DossierMessage& m) { return FlatSize(m.message); }
inline void WriteFlat(DossierMessage& m, char* out, std::size_t size) { WriteFlat(m.message, out, size); }

// Sets the engine-owned fields of `next`: its id, and each event row's recordedAt, kept from an
// equal row of `previous` (if any) or else set to `now_iso`.
void StampEngineFields(Dossier::Builder next, std::string_view id, const Dossier::Reader* previous,
                       std::string_view now_iso);

}  // namespace hsdt::schema
