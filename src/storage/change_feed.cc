#include "storage/change_feed.h"

#include "base/coding.h"

namespace hsdt::storage {

namespace {

void PutText(std::string* out, std::string_view s) {
  base::PutBigEndian32(out, static_cast<std::uint32_t>(s.size()));
  out->append(s);
}

bool ConsumeText(std::string_view* in, std::string* s) {
  std::uint32_t n = 0;
  if (!base::ConsumeBigEndian32(in, &n) || in->size() < n) return false;
  s->assign(in->substr(0, n));
  in->remove_prefix(n);
  return true;
}

}  // namespace

std::string FeedKey(std::uint64_t position) {
  std::string key;
  base::PutBigEndian64(&key, position);
  return key;
}

std::string EncodeFeedEntry(const std::vector<FeedItem>& items) {
  std::string out;
  base::PutBigEndian32(&out, static_cast<std::uint32_t>(items.size()));
  for (const FeedItem& item : items) {
    out.push_back(static_cast<char>(item.subject));
    out.push_back(static_cast<char>(item.kind));
    base::PutBigEndian32(&out, item.version);
    base::PutBigEndian64(&out, static_cast<std::uint64_t>(item.recorded_at_micros));
    PutText(&out, item.id);
    PutText(&out, item.unit);
    PutText(&out, item.previous_unit);
  }
  return out;
}

Result<std::vector<FeedItem>> DecodeFeedEntry(std::uint64_t position, std::string_view value) {
  const auto bad = [position] {
    return Status::Corruption("changes/" + std::to_string(position) + ": malformed feed entry");
  };
  std::uint32_t count = 0;
  // Each item takes at least 26 bytes: a count beyond what the value holds is damage.
  if (!base::ConsumeBigEndian32(&value, &count) || count > value.size() / 26) return bad();
  std::vector<FeedItem> items(count);
  for (FeedItem& item : items) {
    std::uint64_t micros = 0;
    if (value.size() < 2) return bad();
    item.subject = static_cast<std::uint8_t>(value[0]);
    item.kind = static_cast<std::uint8_t>(value[1]);
    value.remove_prefix(2);
    if (!base::ConsumeBigEndian32(&value, &item.version) || !base::ConsumeBigEndian64(&value, &micros) ||
        !ConsumeText(&value, &item.id) || !ConsumeText(&value, &item.unit) ||
        !ConsumeText(&value, &item.previous_unit)) {
      return bad();
    }
    item.recorded_at_micros = static_cast<std::int64_t>(micros);
  }
  if (!value.empty()) return bad();
  return items;
}

}  // namespace hsdt::storage
