// Dossier: one version of one person's electronic personnel file, and the records that describe
// its changes. The canonical JSON form and its validation rules are in docs/format.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/status.h>

namespace hsdt {

namespace internal {
struct ImplAccess;  // the library's own access to the implementation (src/base/impl_access.h)
}  // namespace internal

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

// The written document that caused a change (a decision, a report...).
struct SourceDocument {
  std::string number;  // e.g. "1351/QĐ-UBND"
  std::string date;    // YYYY-MM-DD
};

// Why a change is made and on what authority; stored with every version (the acting account
// comes from the session).
struct ChangeContext {
  std::string reason;  // free text, at most 512 bytes
  SourceDocument source;
};

enum class ChangeKind : std::uint8_t {
  kCreate = 1,
  kUpdate = 2,
  kStatusChange = 3,
  kHandOver = 4,  // the managing unit changed through an approved hand-over
};

// One entry of a dossier's history.
struct VersionInfo {
  std::uint32_t version = 0;
  std::int64_t recorded_at_micros = 0;  // transaction time, microseconds since the Unix epoch (UTC)
  ChangeKind kind = ChangeKind::kCreate;
  std::string status;  // the dossier's status in this version
  std::string actor;  // the account that made the change
  std::string reason;
  SourceDocument source;
};

// What a successful write returns.
struct WriteResult {
  std::string id;
  std::uint32_t version = 0;
  std::int64_t recorded_at_micros = 0;
  // Accepted but suspicious values, kept as entered (e.g. a salary coefficient that does not
  // match its rank's table), each "<json path>: <what>".
  std::vector<std::string> warnings;
};

// A dossier parsed from JSON and validated, ready to be written. Parsing is the expensive part of
// a write and needs no database, so it can happen before and outside the commit.
// Committing a draft sets its engine-owned fields (id, recordedAt) in place, without copying it;
// a draft may be committed again (after a Conflict, say) and always writes the same content.
// Ownership: owns its parsed content; needs no Database and may be committed to any. Movable,
// not copyable; a moved-from draft may only be destroyed or assigned to.
// Threads: not synchronised; one thread at a time, including the commits that use it (Create
// and Update take it by const reference but stamp it). Since: 1.0
class DossierDraft final {
 public:
  // Parses and validates one dossier JSON object (docs/format.md). Strings are normalised to NFC.
  // Returns:   the draft; InvalidArgument naming the JSON path ("$.training[2].to: 2023-02-30 is
  //            not a date"); ResourceExhausted.
  // Ownership: copies what it needs from `json`. Since: 1.0
  static Result<DossierDraft> FromJson(std::string_view json);

  DossierDraft(DossierDraft&&) noexcept;
  DossierDraft& operator=(DossierDraft&&) noexcept;
  ~DossierDraft();

  // Warnings found while validating (see WriteResult::warnings).
  const std::vector<std::string>& warnings() const;

  class __attribute__((visibility("hidden"))) Impl;  // not exported (docs/abi.md)

 private:
  friend struct internal::ImplAccess;
  explicit DossierDraft(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// An immutable, decrypted version of a dossier, redacted to what the session that read it may
// see. Cheap to copy (shared); its plaintext is wiped when the last copy and the record cache
// have let it go.
// Ownership: owns (shares) its plaintext; holds no reference to the Database, and stays
// readable after Close and destruction. Returned strings are copies.
// Threads: immutable; any number of threads may read one Dossier and its copies at once.
// Since: 1.0
class Dossier final {
 public:
  const std::string& id() const;
  std::uint32_t version() const;

  // A few top-level fields, read without a JSON round trip ("" for a field the record lacks,
  // or if memory runs out: these do not fail).
  std::string status() const;
  std::string managing_unit() const;
  std::string working_unit() const;
  std::string full_name() const;  // "surname middle given"
  std::string birth_date() const;

  // The canonical JSON form (docs/format.md).
  // Returns: the JSON text; Internal if the record cannot be encoded, Corruption naming the id
  //          if it cannot be read (checked when loaded: either is a bug); ResourceExhausted.
  // Threads: as the class. Since: 1.0
  Result<std::string> ToJson(bool pretty = false) const;

  class __attribute__((visibility("hidden"))) Impl;  // not exported (docs/abi.md)

 private:
  friend struct internal::ImplAccess;
  explicit Dossier(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

#pragma GCC visibility pop
}  // namespace hsdt
