#include "audit/audit_log.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "base/coding.h"
#include "crypto/crypto.h"
#include "crypto/secret.h"
#include "storage/change_feed.h"

namespace hsdt::audit {
namespace {

constexpr std::size_t kMaxGroup = storage::CommitQueue::kMaxGroup;  // entries per block at most
constexpr std::size_t kLinkBytes = crypto::kMacBytes;
constexpr std::size_t kTailBytes = 4 + kLinkBytes;  // key generation, link

std::string_view ViewOf(const std::array<char, kLinkBytes>& h) { return {h.data(), h.size()}; }

// A stored value is a block: the entries of one group, numbered from the block's key:
//   count u32 || count x ( length u32 || entry bytes || key generation u32 || link[32] )
struct Stored {
  std::string_view entry;
  std::uint32_t generation = 0;
  std::string_view link;
};

// Splits a block into its entries; false if it is malformed.
bool SplitBlock(std::string_view block, std::vector<Stored>* out) {
  out->clear();
  std::uint32_t count = 0;
  if (!base::ConsumeBigEndian32(&block, &count) || count == 0) return false;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t length = 0;
    if (!base::ConsumeBigEndian32(&block, &length) || block.size() < std::size_t{length} + kTailBytes) return false;
    Stored s;
    s.entry = block.substr(0, length);
    s.generation = base::GetBigEndian32(block.data() + length);
    s.link = block.substr(length + 4, kLinkBytes);
    block.remove_prefix(length + kTailBytes);
    out->push_back(s);
  }
  return block.empty();
}

// The entry's bytes: everything but its sequence and key generation, which the sealing of its group
// assigns and the chain binds (they live in the key and beside the entry). A flat, versioned
// layout (docs/format.md): the log is written for every read, so an entry is short and cheap
// to encode and hash.
//   version u8 (1) || recorded_at i64 || allowed u8 ||
//   for actor, action, target, purpose, reason, rule: length u32 || UTF-8 bytes
constexpr char kEntryVersion = 1;

std::string Encode(const AuditRecord& e) {
  const std::string* texts[] = {&e.actor, &e.action, &e.target, &e.purpose, &e.reason, &e.rule};
  std::size_t size = 10;
  for (const std::string* t : texts) size += 4 + t->size();
  std::string out;
  out.reserve(size);
  out.push_back(kEntryVersion);
  base::PutBigEndian64(&out, static_cast<std::uint64_t>(e.recorded_at_micros));
  out.push_back(e.allowed ? 1 : 0);
  for (const std::string* t : texts) {
    base::PutBigEndian32(&out, static_cast<std::uint32_t>(t->size()));
    out += *t;
  }
  return out;
}

Result<AuditRecord> Decode(std::string_view bytes) {
  AuditRecord e;
  std::uint64_t at = 0;
  if (bytes.size() < 10 || bytes[0] != kEntryVersion) return Status::Corruption("entry: unknown format version");
  bytes.remove_prefix(1);
  base::ConsumeBigEndian64(&bytes, &at);
  e.recorded_at_micros = static_cast<std::int64_t>(at);
  if (bytes[0] != 0 && bytes[0] != 1) return Status::Corruption("entry: outcome byte is neither 0 nor 1");
  e.allowed = bytes[0] == 1;
  bytes.remove_prefix(1);
  for (std::string* t : {&e.actor, &e.action, &e.target, &e.purpose, &e.reason, &e.rule}) {
    std::uint32_t length = 0;
    if (!base::ConsumeBigEndian32(&bytes, &length) || bytes.size() < length) {
      return Status::Corruption("entry: a text runs past its end");
    }
    t->assign(bytes.substr(0, length));
    bytes.remove_prefix(length);
  }
  if (!bytes.empty()) return Status::Corruption("entry: trailing bytes");
  return e;
}

}  // namespace

std::string AuditLog::Key(std::uint64_t sequence) {
  std::string k;
  base::PutBigEndian64(&k, sequence);
  return k;
}

Result<AuditRecord> AuditLog::DecodeEntryForTesting(std::string_view bytes) { return Decode(bytes); }

Result<std::unique_ptr<AuditLog>> AuditLog::OpenLog(storage::Store* store) {
  std::unique_ptr<AuditLog> log(new AuditLog(store));
  HSDT_ASSIGN_OR_RETURN(log->key_watch_, store->WatchSubkeys(crypto::Purpose::kAudit,
      [raw = log.get()](std::uint32_t generation, crypto::SecretBytes key) -> Status {
        std::lock_guard lock(raw->keys_mu_);
        raw->keys_.emplace(generation, std::move(key));  // kept if there: pointers stay valid
        return Status::Ok();
      }));
  HSDT_RETURN_IF_ERROR(log->ReadHead());
  log->first_sequence_ = log->last_sequence_;
  return log;
}

Status AuditLog::ReadHead() {
  std::string key, value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(store_->Last(storage::kAuditCf, &key, &value, &found));
  if (!found) return Status::Ok();
  std::vector<Stored> entries;
  if (key.size() != 8 || !SplitBlock(value, &entries)) return Status::Corruption("audit: malformed last block");
  std::lock_guard lock(head_mu_);
  last_sequence_ = base::GetBigEndian64(key.data()) + entries.size() - 1;
  std::memcpy(last_link_.data(), entries.back().link.data(), kLinkBytes);
  return Status::Ok();
}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(storage::Store* store) {
  HSDT_ASSIGN_OR_RETURN(std::unique_ptr<AuditLog> log, OpenLog(store));
  storage::CommitHook* hook = log.get();  // a private base: converted here, where it is accessible
  log->queue_ = std::make_unique<storage::CommitQueue>(store, hook);
  return log;
}

Result<std::unique_ptr<AuditLog>> AuditLog::OpenView(storage::Store* store) {
  HSDT_ASSIGN_OR_RETURN(std::unique_ptr<AuditLog> log, OpenLog(store));
  log->view_ = true;
  return log;
}

Status AuditLog::Refresh() { return ReadHead(); }

Result<std::string> AuditLog::SpoolMac(std::uint32_t generation, const std::string& file, std::uint64_t index,
                                       std::string_view record) {
  static constexpr char kSpoolDomain[] = "hsdt-audit-spool";  // with its NUL
  HSDT_ASSIGN_OR_RETURN(const crypto::SecretBytes* key, KeyOf(generation));
  char numbers[12];
  base::StoreBigEndian64(numbers, index);
  base::StoreBigEndian32(numbers + 8, generation);
  std::string mac(kLinkBytes, '\0');
  crypto::MacParts(*key, {std::string_view(kSpoolDomain, sizeof kSpoolDomain), file, std::string_view(numbers, 12),
                          record},
                   reinterpret_cast<std::uint8_t*>(mac.data()));
  return mac;
}

// A frame: generation u32 ‖ entry bytes ‖ MAC (32 bytes) over the file name, the frame's index,
// the generation and the entry.
Status AuditLog::Spool(const AuditRecord& entry, bool sync) {
  std::lock_guard lock(spool_mu_);
  if (spool_stopped_) return Status::IOError("the database is closed");
  if (!spool_) {
    HSDT_ASSIGN_OR_RETURN(spool_, store_->CreateSpool());
    spooled_ = 0;
  }
  const std::uint32_t generation = store_->WriteGeneration();
  const std::string record = Encode(entry);
  HSDT_ASSIGN_OR_RETURN(std::string mac, SpoolMac(generation, spool_->name(), spooled_, record));
  std::string frame;
  base::PutBigEndian32(&frame, generation);
  frame += record;
  frame += mac;
  if (Status appended = spool_->Append(frame, sync); !appended.ok()) {
    // The file may now end mid-frame: the next entry starts a new one. This one stays linked up
    // to its last whole frame.
    spool_->Abandon();
    spool_.reset();
    return appended;
  }
  ++spooled_;
  return Status::Ok();
}

Result<std::uint64_t> AuditLog::IngestSpools() {
  if (view_) return std::uint64_t{0};
  std::lock_guard lock(spool_mu_);  // one ingestion at a time: none links a frame twice
  std::uint64_t linked = 0;
  HSDT_RETURN_IF_ERROR(store_->ReadSpools([&](const std::string& name, const std::vector<std::string>& frames,
                                              bool finished) -> Status {
    HSDT_ASSIGN_OR_RETURN(std::uint64_t n, IngestSpool(name, frames, finished));
    linked += n;
    return Status::Ok();
  }));
  return linked;
}

Result<std::uint64_t> AuditLog::IngestSpool(const std::string& name, const std::vector<std::string>& frames,
                                            bool finished) {
  const std::string watermark_key = "audit-spool/" + name;
  std::string value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(store_->Get(storage::kMetaCf, watermark_key, &value, &found));
  if (found && value.size() != 8) return Status::Corruption("meta/" + watermark_key + ": bad length");
  // kRejected: a frame of this file failed authentication; nothing more of it is linked.
  constexpr std::uint64_t kRejected = UINT64_MAX;
  const std::uint64_t done = found ? base::GetBigEndian64(value.data()) : 0;
  auto watermark = [&](std::uint64_t n) {
    std::string v;
    base::PutBigEndian64(&v, n);
    return std::vector<storage::BatchOp>{{storage::kMetaCf, watermark_key, std::move(v), false}};
  };
  std::uint64_t linked = 0;
  for (std::uint64_t i = done; i < frames.size(); ++i) {
    const std::string& frame = frames[i];
    std::string problem;
    AuditRecord entry;
    if (frame.size() < 4 + kLinkBytes) {
      problem = "frame " + std::to_string(i) + " is too short";
    } else {
      const std::uint32_t generation = base::GetBigEndian32(frame.data());
      const std::string_view record(frame.data() + 4, frame.size() - 4 - kLinkBytes);
      auto mac = SpoolMac(generation, name, i, record);
      auto decoded = Decode(record);
      const auto* tag = reinterpret_cast<const std::uint8_t*>(frame.data() + frame.size() - kLinkBytes);
      if (!mac.ok() ||
          !crypto::SecretEquals({reinterpret_cast<const std::uint8_t*>(mac->data()), kLinkBytes}, {tag, kLinkBytes}) ||
          !decoded.ok()) {
        problem = "frame " + std::to_string(i) + " fails authentication";
      } else {
        entry = std::move(decoded).value();
        entry.sequence = 0;
        entry.reason = "(read-only view) " + entry.reason;
      }
    }
    if (!problem.empty()) {
      // Nothing of a damaged spool past the damage is linked; the rejection is.
      AuditRecord rejected;
      rejected.actor = "-";
      rejected.action = "audit_spool_rejected";
      rejected.target = name;
      rejected.rule = "spool-authentication";
      rejected.reason = problem + "; the rest of the file is not linked";
      HSDT_RETURN_IF_ERROR(Append(std::move(rejected), watermark(kRejected), true, true).status());
      break;
    }
    const bool last = i + 1 == frames.size();
    HSDT_RETURN_IF_ERROR(Append(std::move(entry), watermark(i + 1), last, last).status());
    ++linked;
  }
  // Removed only once its view has ended it: a view still writing keeps its file.
  if (finished) HSDT_RETURN_IF_ERROR(store_->RemoveSpool(name));
  return linked;
}

AuditLog::~AuditLog() {
  (void)Stop();
  if (key_watch_ != 0) store_->UnwatchSubkeys(key_watch_);
}

Result<const crypto::SecretBytes*> AuditLog::KeyOf(std::uint32_t generation) {
  std::lock_guard lock(keys_mu_);
  auto it = keys_.find(generation);
  if (it == keys_.end()) {
    return Status::Corruption("key generation " + std::to_string(generation) + " is not in the keyring");
  }
  return &it->second;  // entries are never erased: the pointer stays valid
}

AuditLog::Hash AuditLog::EntryHash(std::uint32_t generation, std::string_view bytes) {
  static constexpr char kEntryDomain[] = "hsdt-audit-entry";  // with its NUL: domain separation
  char gen[4];
  base::StoreBigEndian32(gen, generation);
  Hash out;
  crypto::HashParts({std::string_view(kEntryDomain, sizeof kEntryDomain), std::string_view(gen, 4), bytes},
                    reinterpret_cast<std::uint8_t*>(out.data()));
  return out;
}

Result<AuditLog::Hash> AuditLog::Link(KeyCache& keys, std::uint32_t generation, std::uint64_t sequence,
                                      const Hash& entry_hash, const Hash& previous_link) {
  if (keys.key == nullptr || keys.generation != generation) {
    HSDT_ASSIGN_OR_RETURN(keys.key, KeyOf(generation));
    keys.generation = generation;
  }
  const crypto::SecretBytes* key = keys.key;
  static constexpr char kLinkDomain[] = "hsdt-audit-link";
  char seq[8];
  base::StoreBigEndian64(seq, sequence);
  Hash out;
  crypto::MacParts(*key, {std::string_view(kLinkDomain, sizeof kLinkDomain), ViewOf(previous_link),
                          std::string_view(seq, 8), ViewOf(entry_hash)},
                   reinterpret_cast<std::uint8_t*>(out.data()));
  return out;
}

Result<std::uint64_t> AuditLog::Append(AuditRecord entry, std::vector<storage::BatchOp> ops,
                                       bool wait, bool sync, std::string feed) {
  if (entry.recorded_at_micros == 0) entry.recorded_at_micros = store_->NowMicros();
  if (view_) {
    if (!ops.empty() || !feed.empty()) return Status::IOError(storage::kReadOnlyView);
    HSDT_RETURN_IF_ERROR(Spool(entry, wait));
    return std::uint64_t{0};
  }
  storage::QueuedCommit c;
  // Encoding happens here, on the caller's thread, and hashing too once a group's worth of
  // entries waits (the group writer hashes the rest).
  c.record = Encode(entry);
  c.generation = store_->WriteGeneration();
  if (queue_->backlog() >= kMaxGroup) {
    const Hash h = EntryHash(c.generation, c.record);
    std::memcpy(c.digest.data(), h.data(), h.size());
    c.digested = true;
  }
  c.ops = std::move(ops);
  c.sync = sync;
  c.feed = std::move(feed);
  HSDT_ASSIGN_OR_RETURN(std::uint64_t ticket, queue_->Submit(std::move(c), wait));
  return wait ? first_sequence_ + ticket : 0;
}

Status AuditLog::Flush() { return queue_ ? queue_->Flush() : Status::Ok(); }

Status AuditLog::Stop() {
  if (view_) {
    std::lock_guard lock(spool_mu_);
    spool_stopped_ = true;
    if (!spool_) return Status::Ok();
    Status finished = spool_->Finish();
    spool_.reset();
    return finished;
  }
  return queue_ ? queue_->Stop() : Status::Ok();
}

Status AuditLog::Seal(std::span<storage::QueuedCommit> group, std::vector<storage::BatchOp>* ops) {
  std::uint64_t sequence;
  Hash link;
  {
    std::lock_guard lock(head_mu_);
    sequence = last_sequence_;
    link = last_link_;
  }
  KeyCache keys;
  // One block per kMaxGroup entries: one key, however many entries (docs/format.md).
  for (std::size_t begin = 0; begin < group.size(); begin += kMaxGroup) {
    const std::size_t end = std::min(group.size(), begin + kMaxGroup);
    std::string block;
    base::PutBigEndian32(&block, static_cast<std::uint32_t>(end - begin));
    const std::string key = Key(sequence + 1);
    for (std::size_t i = begin; i < end; ++i) {
      storage::QueuedCommit& c = group[i];
      Hash entry_hash;
      if (c.digested) {
        std::memcpy(entry_hash.data(), c.digest.data(), entry_hash.size());
      } else {
        entry_hash = EntryHash(c.generation, c.record);
      }
      ++sequence;
      HSDT_ASSIGN_OR_RETURN(link, Link(keys, c.generation, sequence, entry_hash, link));
      if (!c.feed.empty()) ops->push_back({storage::kFeedCf, storage::FeedKey(sequence), std::move(c.feed), false});
      base::PutBigEndian32(&block, static_cast<std::uint32_t>(c.record.size()));
      block += c.record;
      base::PutBigEndian32(&block, c.generation);
      block += ViewOf(link);
    }
    ops->push_back({storage::kAuditCf, key, std::move(block), false});
  }
  sealed_sequence_ = sequence;
  sealed_link_ = link;
  return Status::Ok();
}

void AuditLog::Sealed(bool written) {
  if (!written) return;
  std::lock_guard lock(head_mu_);
  last_sequence_ = sealed_sequence_;
  last_link_ = sealed_link_;
}

void AuditLog::SkipToNextEpoch() {
  std::lock_guard lock(head_mu_);
  last_sequence_ = (last_sequence_ / kEpoch + 1) * kEpoch - 1;
  first_sequence_ = last_sequence_;
}

AuditDigest AuditLog::Digest() {
  std::lock_guard lock(head_mu_);
  return AuditDigest{last_sequence_, base::HexOf(ViewOf(last_link_))};
}

// A jump in the numbering is allowed only where a recovery that lost entries put it: onto the next
// multiple of kEpoch, at a `recover_log` entry (its link still binds the entry before the gap).
static bool IsRecoveryJump(std::uint64_t expected, std::uint64_t first,
                           const std::vector<Stored>& entries) {
  if (first < expected || first % AuditLog::kEpoch != 0 || entries.empty()) return false;
  if (first != ((expected - 1) / AuditLog::kEpoch + 1) * AuditLog::kEpoch) return false;
  auto e = Decode(entries.front().entry);
  return e.ok() && e->action == "recover_log";
}

Result<AuditVerification> AuditLog::Verify(const AuditDigest* against) {
  HSDT_RETURN_IF_ERROR(Flush());
  AuditVerification v;
  Hash link{};
  std::uint64_t expected = 1;
  std::string link_at_digest;
  // Stops the walk at the first bad entry (a clean stop: an error the store reports, whatever
  // its code, ends the verification as an error, never as a short clean walk).
  auto bad = [&](std::uint64_t seq, std::string what) {
    v.first_bad_sequence = seq;
    v.problem = std::move(what);
    return storage::Next::kStop;
  };
  std::vector<Stored> entries;
  KeyCache keys;
  HSDT_RETURN_IF_ERROR(store_->Scan(storage::kAuditCf, storage::ScanRange::All(),
                                    [&](std::string_view k, std::string_view val) -> Result<storage::Next> {
    if (k.size() != 8) return bad(expected, "malformed key " + base::HexOf(k));
    const std::uint64_t first = base::GetBigEndian64(k.data());
    if (!SplitBlock(val, &entries)) return bad(first, "block malformed");
    if (first != expected && !IsRecoveryJump(expected, first, entries)) {
      return bad(expected, first > expected ? "entry " + std::to_string(expected) + " is missing"
                                            : "entry out of order");
    }
    expected = first;
    for (const Stored& stored : entries) {
      const std::uint64_t seq = expected;
      auto entry = Decode(stored.entry);
      if (!entry.ok()) return bad(seq, std::string(entry.status().message()));
      auto computed = Link(keys, stored.generation, seq, EntryHash(stored.generation, stored.entry), link);
      if (!computed.ok()) return bad(seq, std::string(computed.status().message()));
      if (!crypto::SecretEquals({reinterpret_cast<const std::uint8_t*>(computed->data()), kLinkBytes},
                                {reinterpret_cast<const std::uint8_t*>(stored.link.data()), kLinkBytes})) {
        return bad(seq, "link does not match: the entry, its number or one before it was altered");
      }
      link = *computed;
      if (against != nullptr && seq == against->sequence) link_at_digest = base::HexOf(ViewOf(link));
      v.entries = seq;
      ++expected;
    }
    return storage::Next::kContinue;
  }));
  if (v.first_bad_sequence == 0 && against != nullptr && against->sequence > 0) {
    if (v.entries < against->sequence) {
      v.first_bad_sequence = v.entries + 1;
      v.problem = "the log ends at entry " + std::to_string(v.entries) + " but the digest names entry " +
                  std::to_string(against->sequence) + ": entries were dropped";
    } else if (link_at_digest != against->head_hex) {
      v.first_bad_sequence = against->sequence;
      v.problem = "entry " + std::to_string(against->sequence) + " differs from the digest: history was rewritten";
    }
  }
  v.ok = v.first_bad_sequence == 0;
  return v;
}

Result<std::vector<AuditRecord>> AuditLog::Read(std::uint64_t from_sequence, std::size_t limit) {
  HSDT_RETURN_IF_ERROR(Flush());
  std::vector<AuditRecord> out;
  if (limit == 0) return out;
  HSDT_RETURN_IF_ERROR(Visit(nullptr, from_sequence, [&](AuditRecord e) -> Result<bool> {
    out.push_back(std::move(e));
    return out.size() < limit;
  }));
  return out;
}

Status AuditLog::Visit(storage::SnapshotHandle at, std::uint64_t from_sequence,
                       const std::function<Result<bool>(AuditRecord)>& visit) {
  std::vector<Stored> entries;
  // The block holding `from_sequence` starts at or before it.
  std::string start;
  bool found = false;
  std::string ignored;
  HSDT_RETURN_IF_ERROR(store_->Floor(storage::kAuditCf, Key(std::max<std::uint64_t>(from_sequence, 1)), &start, &ignored, &found));
  if (!found) start = Key(1);
  storage::ScanRange range = storage::ScanRange::From(start);
  range.snapshot = at;
  return store_->Scan(storage::kAuditCf, range, [&](std::string_view k, std::string_view v) -> Result<storage::Next> {
    if (k.size() != 8 || !SplitBlock(v, &entries)) return Status::Corruption("audit block malformed");
    std::uint64_t seq = base::GetBigEndian64(k.data());
    for (const Stored& stored : entries) {
      if (seq >= from_sequence) {
        HSDT_ASSIGN_OR_RETURN(AuditRecord e, Decode(stored.entry));
        e.sequence = seq;
        e.key_generation = stored.generation;
        HSDT_ASSIGN_OR_RETURN(bool more, visit(std::move(e)));
        if (!more) return storage::Next::kStop;
      }
      ++seq;
    }
    return storage::Next::kContinue;
  });
}

}  // namespace hsdt::audit
