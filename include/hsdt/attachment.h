// Scanned source documents (attachments): the decision, diploma or declaration behind a dossier
// version or one of its event rows, kept beside the dossier (article 8.3: the electronic dossier
// stands for the paper one). docs/format.md, "Attachments", says how they are stored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <hsdt/dossier.h>
#include <hsdt/policy.h>
#include <hsdt/status.h>

namespace hsdt {
#pragma GCC visibility push(default)

// What a scan is. The kind decides how sensitive its content is (AttachmentKindVisibility):
// reading it is a read of the dossier at that visibility.
enum class AttachmentKind : int {
  kDecision = 1,          // "decision": a decision (recruitment, appointment, salary, transfer)
  kDiploma = 2,           // "diploma": a diploma or certificate
  kPersonalForm = 3,      // "personal_form": the personal history form, a health certificate
  kDiscipline = 4,        // "discipline": a disciplinary decision or record (confidential)
  kAssetDeclaration = 5,  // "asset_declaration": an asset and income declaration (confidential)
  kEvaluation = 6,        // "evaluation": a yearly evaluation (confidential)
  kOther = 7,             // "other"
};
inline constexpr int kAttachmentKindCount = 7;

const char* AttachmentKindName(AttachmentKind kind);
std::optional<AttachmentKind> ParseAttachmentKind(std::string_view name);
// normal: decision, diploma, other; personal: personal_form; confidential: discipline,
// asset_declaration, evaluation (docs/security.md).
Visibility AttachmentKindVisibility(AttachmentKind kind);

// The default largest scan (OpenOptions::max_attachment_bytes).
inline constexpr std::uint64_t kDefaultMaxAttachmentBytes = std::uint64_t{20} << 20;

// A scan to attach.
struct AttachmentSpec {
  std::string dossier_id;
  // "" for the dossier as a whole, or an event row of its latest version: "<list>.<index>",
  // e.g. "disciplines.0", "salaryHistory.3" (a list of dossier.capnp; index from 0).
  std::string event;
  AttachmentKind kind = AttachmentKind::kOther;
  std::string title;      // what it is, 1 to 256 bytes of UTF-8 ("Quyết định nâng bậc lương")
  SourceDocument source;  // the document's number and date; required for decisions
  std::uint32_t pages = 0;  // 0: not known
  // "" for a new attachment; an attachment id of the same dossier: this scan supersedes it as
  // its next version (the old one stays readable).
  std::string supersedes;
};

// One version of an attachment.
struct AttachmentInfo {
  std::string id;  // "TL" and 8 or more digits
  std::uint32_t version = 0;
  std::uint32_t versions = 0;  // how many the attachment has (listings)
  std::string dossier_id;
  std::uint32_t dossier_version = 0;  // the dossier's latest version when it was attached
  std::string event;
  AttachmentKind kind = AttachmentKind::kOther;
  // False when the session may see that the attachment exists but not what it is (a district
  // auditor; a kind more sensitive than the session's visibility): title and source are empty.
  bool described = true;
  std::string title;
  SourceDocument source;
  std::uint32_t pages = 0;
  std::string media_type;  // "application/pdf", "image/jpeg", "image/png", "image/tiff"
  std::uint64_t size = 0;
  std::string sha256_hex;  // of the scan's bytes (empty when not described)
  std::int64_t recorded_at_micros = 0;
  std::string actor;
};

// Writes one scan in pieces: Append as the bytes come, then Finish. Nothing is visible until
// Finish commits it (with its audit entry, in one batch); a writer destroyed unfinished, or one
// whose Append failed, leaves nothing readable (its staged chunks are removed).
// Threads: one thread at a time. REQUIRES: destroyed before the Database that made it (Close
// refuses with Busy while writers or readers are open).
class AttachmentWriter final {
 public:
  ~AttachmentWriter();
  AttachmentWriter(const AttachmentWriter&) = delete;
  AttachmentWriter& operator=(const AttachmentWriter&) = delete;

  // Returns: Ok; InvalidArgument for bytes that are not a PDF, JPEG, PNG or TIFF (the first
  // Append decides, naming the byte at fault) or past max_attachment_bytes; IOError. After an
  // error the writer is spent: every later call returns the same error.
  Status Append(std::string_view bytes);
  // Commits the attachment: the same content stored before is not stored again.
  // Returns: its info; InvalidArgument for an empty scan; what Database::BeginAttachment
  // returns (the session and the policy are checked again); IOError.
  Result<AttachmentInfo> Finish();

  class __attribute__((visibility("hidden"))) Impl;
  explicit AttachmentWriter(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// Reads one attachment version into the caller's buffers, one authenticated chunk at a time.
// Threads: one thread at a time. REQUIRES: destroyed before the Database that made it.
class AttachmentReader final {
 public:
  ~AttachmentReader();
  AttachmentReader(const AttachmentReader&) = delete;
  AttachmentReader& operator=(const AttachmentReader&) = delete;

  const AttachmentInfo& info() const;
  // Copies up to `capacity` bytes into `buffer`.
  // Returns: the count, 0 at the end; Corruption naming the attachment and the chunk that is
  // missing, altered, moved or cut off (nothing of that chunk is returned); IOError.
  Result<std::size_t> Read(char* buffer, std::size_t capacity);

  class __attribute__((visibility("hidden"))) Impl;
  explicit AttachmentReader(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

#pragma GCC visibility pop
}  // namespace hsdt
