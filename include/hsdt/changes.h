// The change feed: every commit that changes something has a position in one ordered, durable
// feed, so that a host can keep caches, search indexes and replicas in step
// (Database::Changes, Database::AddChangeObserver; docs/format.md, "Change feed").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <hsdt/dossier.h>

namespace hsdt {

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

// The most entries one Changes call returns.
inline constexpr std::size_t kMaxChangesPage = 10000;

// What a change is about.
enum class ChangeSubject : int {
  kDossier = 1,
  kAccount = 2,
  kUnit = 3,
  kGrant = 4,
  kHandOver = 5,
  kAttachment = 6,  // id: the attachment ("TL..."); unit: its dossier's managing unit. Since 1.1
};

// One thing a commit changed: ids, versions and units, never content (read the dossier with Get).
struct ChangeEntry {
  // The commit's position: the audit sequence of the entry that recorded it. Positions grow in
  // commit order; they are not consecutive (reads are audited too). One commit may change two
  // things (an approved hand-over: the hand-over and the dossier), with the same position.
  std::uint64_t position = 0;
  ChangeSubject subject = ChangeSubject::kDossier;
  // Dossiers: create, update, status change or hand-over. Registry records: kCreate for their
  // first version, kUpdate for any later one.
  ChangeKind kind = ChangeKind::kCreate;
  std::string id;  // "HS00000042", a user name, a unit code, "GR00000001", "HO00000001"
  std::uint32_t version = 0;  // the version the commit made
  std::int64_t recorded_at_micros = 0;
  std::string unit;  // a dossier's managing unit after the change; an account's unit; the unit
                     // itself; a grant's grantee or scope unit; a hand-over's receiving unit
  std::string previous_unit;  // a dossier handed over, and a hand-over: the unit it left
};

struct ChangesPage {
  std::vector<ChangeEntry> entries;
  // Resume from here: the next call with `since` = next continues after what this page read
  // (entries the session may not see are skipped, not returned). Equal to `since` when the
  // feed has nothing newer.
  std::uint64_t next = 0;
};

const char* ChangeSubjectName(ChangeSubject subject);
const char* ChangeKindName(ChangeKind kind);

#pragma GCC visibility pop
}  // namespace hsdt
