// Stored dossiers as the layers above schema see them, without Cap'n Proto: a read view over a
// record's flat bytes (DossierView), a dossier being built that they may change
// (DossierMessage), its flat bytes, and the fields the engine sets (id, recordedAt). The Cap'n
// Proto side of both is schema/internal/record.h (src/schema/ and tests only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/status.h>

namespace hsdt::schema {

class DossierMessage;

// A dossier status as stored (the ordinals of dossier.capnp DossierStatus; 0 is "unspecified").
enum class DossierStatusCode : std::uint16_t { kUnspecified = 0 };

// The status named exactly `name` as the schema spells it ("dangCongTac", "unspecified"), or
// nullopt.
std::optional<DossierStatusCode> DossierStatusByName(std::string_view name);

// A read-only view of one dossier: over 8-byte-aligned flat message bytes (a stored record), or
// over a DossierMessage. No copy and no allocation: the text accessors return views into the
// message. Cap'n Proto's exceptions (a record that does not decode) escape as kj::Exception, as
// everywhere below schema/guard.h.
// REQUIRES: the bytes (or the message) outlive the view and every string_view it returns; for
// flat bytes, size is a multiple of 8.
class DossierView final {
 public:
  DossierView(const std::uint64_t* words, std::size_t size_bytes);
  explicit DossierView(const DossierMessage& message);
  ~DossierView();
  DossierView(const DossierView&) = delete;
  DossierView& operator=(const DossierView&) = delete;

  std::string_view id() const;
  std::string_view managing_unit() const;
  std::string_view working_unit() const;
  std::string_view birth_date() const;
  std::string_view national_id_number() const;
  DossierStatusCode status_code() const;
  // The status's enumerant name ("dangCongTac"; "unspecified" for 0).
  std::string status() const;
  // "Surname Middle Given" (no middle name: "Surname Given").
  std::string full_name() const;

  // The Cap'n Proto readers inside (schema/internal/record.h).
  struct Access;

 private:
  friend struct Access;
  // Room for a capnp::FlatArrayMessageReader and a Dossier::Reader (checked in record.cc).
  static constexpr std::size_t kReaderBytes = 320;
  static constexpr std::size_t kRootBytes = 64;
  alignas(8) unsigned char reader_[kReaderBytes];  // used over flat bytes only
  alignas(8) unsigned char root_[kRootBytes];
  bool owns_reader_ = false;
};

// A dossier being built: decoded from JSON (schema/json.h) or copied from a stored one
// (CopyDossier).
class DossierMessage final {
 public:
  // The Cap'n Proto message builder (schema/internal/record.h).
  struct Rep;

  DossierMessage();
  ~DossierMessage();
  DossierMessage(const DossierMessage&) = delete;
  DossierMessage& operator=(const DossierMessage&) = delete;

  std::vector<std::string> warnings;
  // The id the client sent, if any (the engine overwrites the message's id when it commits).
  std::string client_id;

  // A view of the message as it is now.
  DossierView reader() const { return DossierView(*this); }

  // The changes the engine makes itself (a status change, a hand-over).
  void SetStatus(DossierStatusCode status);
  void SetManagingUnit(std::string_view unit);

  Rep& rep() { return *rep_; }
  const Rep& rep() const { return *rep_; }

 private:
  std::unique_ptr<Rep> rep_;
};

// A copy of the dossier `from` to change (a status change, a hand-over, a redaction); `id` names
// it in errors.
// Returns: the copy; Corruption "<id>: record does not decode: <what>".
Result<std::unique_ptr<DossierMessage>> CopyDossier(const DossierView& from, std::string_view id);

// Checks that `path` ("disciplines.0") names an event row of `dossier`: a list of dated rows
// (rows with an effectiveDate) and an index within it.
// Returns: Ok; InvalidArgument "event: ..." for a path that is not one; NotFound "event: ..."
// for an index past the list's end.
Status CheckEventPath(const DossierView& dossier, std::string_view path);

// Checks that flat bytes hold a well-formed dossier message: traverses all of it within the
// limits and checks the id. Returns Corruption describing the fault.
Status CheckStoredDossier(const std::uint64_t* words, std::size_t size_bytes,
                          std::string_view expected_id);

// The size of the flat bytes of `m`, and writing them into `out` (exactly that many bytes;
// plaintext: the caller wipes them).
std::size_t FlatSize(DossierMessage& m);
void WriteFlat(DossierMessage& m, char* out, std::size_t size);

// Sets the engine-owned fields of `next`: its id, and each event row's recordedAt, kept from an
// equal row of `previous` (if any) or else set to `now_iso`.
void StampEngineFields(DossierMessage& next, std::string_view id, const DossierView* previous,
                       std::string_view now_iso);

}  // namespace hsdt::schema
