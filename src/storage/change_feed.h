// The change feed's stored form (docs/format.md, "Change feed"): one value per commit that
// changed something, in the family "changes", keyed by the commit's position, which is the
// audit sequence of the entry that recorded it (so a change and its audit entry name each
// other). The value lists what the commit changed: ids, versions, kinds and units, no content.
//
//   key   = position u64 (big-endian)
//   value = count u32, then per item: subject u8, kind u8, version u32, recorded_at i64,
//           then id, unit, previous_unit, each as length u32 + UTF-8 bytes
//
// Written in the commit's own batch (audit/audit_log.cc, the commit queue's hook), so a change
// and its feed entry are durable together or not at all.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/status.h>

namespace hsdt::storage {

struct FeedItem {
  std::uint8_t subject = 0;  // hsdt::ChangeSubject
  std::uint8_t kind = 0;     // hsdt::ChangeKind
  std::uint32_t version = 0;
  std::int64_t recorded_at_micros = 0;
  std::string id;             // dossier id, user name, unit code, grant or hand-over id
  std::string unit;           // the unit the change concerns (a dossier: its managing unit)
  std::string previous_unit;  // a hand-over: the unit the dossier left; else empty
};

std::string FeedKey(std::uint64_t position);
std::string EncodeFeedEntry(const std::vector<FeedItem>& items);
// Returns: the items; Corruption naming the position if the bytes are malformed.
Result<std::vector<FeedItem>> DecodeFeedEntry(std::uint64_t position, std::string_view value);

}  // namespace hsdt::storage
