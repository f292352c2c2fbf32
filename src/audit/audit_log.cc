#include "audit/audit_log.h"

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <algorithm>
#include <map>

#include "base/coding.h"
#include "crypto/crypto.h"
#include "schema/audit.capnp.h"

namespace hsdt::audit {
namespace {

constexpr std::size_t kMaxGroup = 1024;
constexpr std::size_t kMaxQueued = 1 << 16;  // readers wait beyond this (back-pressure)
constexpr std::size_t kLinkBytes = crypto::kMacBytes;
constexpr std::size_t kTailBytes = 4 + kLinkBytes;  // key generation, link

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

std::string DigestOf(std::string_view entry) {
  std::string d(crypto::kMacBytes, '\0');
  crypto::Checksum(entry, reinterpret_cast<std::uint8_t*>(d.data()));
  return d;
}

// The entry's bytes: everything but its sequence and key generation, which the sequencer
// assigns and the chain binds (they live in the key and beside the link).
std::string Encode(const AuditRecord& e) {
  capnp::word scratch[64];
  std::memset(scratch, 0, sizeof scratch);
  capnp::MallocMessageBuilder message(kj::arrayPtr(scratch, 64));
  auto b = message.initRoot<schema::AuditEntry>();
  b.setRecordedAtMicros(e.recorded_at_micros);
  b.setActor(e.actor);
  b.setAction(e.action);
  b.setTarget(e.target);
  b.setAllowed(e.allowed);
  b.setPurpose(e.purpose);
  b.setReason(e.reason);
  b.setRule(e.rule);
  std::string out(capnp::computeSerializedSizeInWords(message) * sizeof(capnp::word), '\0');
  kj::ArrayOutputStream stream(kj::arrayPtr(reinterpret_cast<kj::byte*>(out.data()), out.size()));
  capnp::writeMessage(stream, message);
  return out;
}

Result<AuditRecord> Decode(std::string_view bytes) {
  if (bytes.size() % sizeof(capnp::word) != 0 || bytes.empty()) {
    return Status::Corruption("entry is not whole words");
  }
  std::vector<capnp::word> words(bytes.size() / sizeof(capnp::word));
  std::memcpy(words.data(), bytes.data(), bytes.size());
  try {
    capnp::ReaderOptions limits;
    limits.traversalLimitInWords = 1 << 16;
    limits.nestingLimit = 4;
    capnp::FlatArrayMessageReader reader(kj::arrayPtr(words.data(), words.size()), limits);
    auto r = reader.getRoot<schema::AuditEntry>();
    AuditRecord e;
    e.recorded_at_micros = r.getRecordedAtMicros();
    e.actor = r.getActor();
    e.action = r.getAction();
    e.target = r.getTarget();
    e.allowed = r.getAllowed();
    e.purpose = r.getPurpose();
    e.reason = r.getReason();
    e.rule = r.getRule();
    return e;
  } catch (const kj::Exception& ex) {
    return Status::Corruption(std::string("entry does not decode: ") + ex.getDescription().cStr());
  }
}


}  // namespace

std::string AuditLog::Key(std::uint64_t sequence) {
  std::string k;
  base::PutBigEndian64(&k, sequence);
  return k;
}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(storage::Store* store) {
  std::unique_ptr<AuditLog> log(new AuditLog(store));
  log->last_link_.assign(kLinkBytes, '\0');
  std::string key, value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(store->Last(storage::kAuditCf, &key, &value, &found));
  if (found) {
    std::vector<Stored> entries;
    if (key.size() != 8 || !SplitBlock(value, &entries)) return Status::Corruption("audit: malformed last block");
    log->last_sequence_ = base::GetBigEndian64(key.data()) + entries.size() - 1;
    log->last_link_ = std::string(entries.back().link);
  }
  log->thread_ = std::thread([raw = log.get()] { raw->Run(); });
  return log;
}

AuditLog::~AuditLog() { (void)Stop(); }

Result<const crypto::SecretBytes*> AuditLog::KeyOf(std::uint32_t generation) {
  std::lock_guard lock(keys_mu_);
  auto it = keys_.find(generation);
  if (it == keys_.end()) {
    HSDT_ASSIGN_OR_RETURN(crypto::SecretBytes key, store_->AuditKey(generation));
    it = keys_.emplace(generation, std::move(key)).first;
  }
  return &it->second;  // entries are never erased: the pointer stays valid
}

Result<std::string> AuditLog::Link(std::uint32_t generation, std::uint64_t sequence,
                                   std::string_view entry_digest, std::string_view previous_link) {
  HSDT_ASSIGN_OR_RETURN(const crypto::SecretBytes* key_ptr, KeyOf(generation));
  const crypto::SecretBytes& key = *key_ptr;
  static constexpr char kEntryDomain[] = "hsdt-audit-entry";  // with its NUL: domain separation
  static constexpr char kLinkDomain[] = "hsdt-audit-link";
  char numbers[12];
  const std::string seq_gen = [&] {
    std::string n;
    base::PutBigEndian64(&n, sequence);
    base::PutBigEndian32(&n, generation);
    return n;
  }();
  std::memcpy(numbers, seq_gen.data(), sizeof numbers);
  std::uint8_t entry_hash[kLinkBytes];
  crypto::MacParts(key, {std::string_view(kEntryDomain, sizeof kEntryDomain), std::string_view(numbers, sizeof numbers),
                         entry_digest}, entry_hash);
  std::uint8_t link[kLinkBytes];
  crypto::MacParts(key, {std::string_view(kLinkDomain, sizeof kLinkDomain), previous_link,
                         std::string_view(reinterpret_cast<const char*>(entry_hash), kLinkBytes)}, link);
  return std::string(reinterpret_cast<const char*>(link), kLinkBytes);
}

Result<std::uint64_t> AuditLog::Append(AuditRecord entry, std::vector<storage::BatchOp> ops,
                                       bool wait, bool sync) {
  auto p = std::make_shared<Pending>();
  if (entry.recorded_at_micros == 0) entry.recorded_at_micros = store_->NowMicros();
  // Encoding and hashing happen here, on the caller's thread; the sequencer only links.
  p->bytes = Encode(entry);
  p->digest = DigestOf(p->bytes);
  p->ops = std::move(ops);
  p->wait = wait;
  p->sync = sync;
  std::unique_lock lock(mu_);
  if (!wait) written_.wait(lock, [&] { return queue_.size() < kMaxQueued || stopping_ || !failed_.ok(); });
  if (!failed_.ok()) return failed_;
  if (stopping_) return Status::IOError("the database is closed");
  queue_.push_back(p);
  queued_.notify_one();
  if (!wait) return std::uint64_t{0};
  written_.wait(lock, [&] { return p->done; });
  if (!p->result.ok()) return p->result;
  return p->sequence;
}

Status AuditLog::Flush() {
  std::unique_lock lock(mu_);
  written_.wait(lock, [&] { return (queue_.empty() && in_flight_ == 0) || stopping_; });
  return failed_;
}

Status AuditLog::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queued_.notify_all();
    written_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  return failed_;
}

void AuditLog::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    queued_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping, and everything is written
    std::vector<std::shared_ptr<Pending>> group;
    while (!queue_.empty() && group.size() < kMaxGroup) {
      group.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    in_flight_ = group.size();
    lock.unlock();
    Status s = failed_.ok() ? WriteGroup(group) : failed_;
    lock.lock();
    if (!s.ok() && failed_.ok()) failed_ = s;
    for (auto& p : group) {
      p->result = s;
      p->done = true;
    }
    in_flight_ = 0;
    written_.notify_all();
  }
}

Status AuditLog::WriteGroup(std::vector<std::shared_ptr<Pending>>& group) {
  const std::uint64_t first = last_sequence_;
  std::string link = last_link_;
  std::vector<storage::BatchOp> ops;
  bool sync = false;
  const std::uint32_t generation = store_->WriteGeneration();
  std::uint64_t sequence = first;
  // One block per group: one key, however many entries (docs/security.md).
  std::string block;
  base::PutBigEndian32(&block, static_cast<std::uint32_t>(group.size()));
  for (auto& p : group) {
    p->sequence = ++sequence;
    HSDT_ASSIGN_OR_RETURN(link, Link(generation, sequence, p->digest, link));
    base::PutBigEndian32(&block, static_cast<std::uint32_t>(p->bytes.size()));
    block += p->bytes;
    base::PutBigEndian32(&block, generation);
    block += link;
    for (auto& op : p->ops) ops.push_back(std::move(op));
    sync |= p->sync;
  }
  ops.push_back({storage::kAuditCf, Key(first + 1), std::move(block), false});
  HSDT_RETURN_IF_ERROR(store_->WriteOps(ops, sync));
  std::lock_guard lock(mu_);
  last_sequence_ = sequence;
  last_link_ = link;
  return Status::Ok();
}

AuditDigest AuditLog::Digest() {
  std::lock_guard lock(mu_);
  return AuditDigest{last_sequence_, base::HexOf(last_link_)};
}

Result<AuditVerification> AuditLog::Verify(const AuditDigest* against) {
  HSDT_RETURN_IF_ERROR(Flush());
  AuditVerification v;
  std::string link(kLinkBytes, '\0');
  std::uint64_t expected = 1;
  std::string link_at_digest;
  auto bad = [&](std::uint64_t seq, std::string what) {
    v.first_bad_sequence = seq;
    v.problem = std::move(what);
    return Status::NotFound("stop");
  };
  std::vector<Stored> entries;
  Status walked = store_->ForEach(storage::kAuditCf, "", [&](std::string_view k, std::string_view val) {
    if (k.size() != 8) return bad(expected, "malformed key " + base::HexOf(k));
    const std::uint64_t first = base::GetBigEndian64(k.data());
    if (first != expected) {
      return bad(expected, first > expected ? "entry " + std::to_string(expected) + " is missing"
                                            : "entry out of order");
    }
    if (!SplitBlock(val, &entries)) return bad(first, "block malformed");
    for (const Stored& stored : entries) {
      const std::uint64_t seq = expected;
      auto entry = Decode(stored.entry);
      if (!entry.ok()) return bad(seq, std::string(entry.status().message()));
      auto computed = Link(stored.generation, seq, DigestOf(stored.entry), link);
      if (!computed.ok()) return bad(seq, std::string(computed.status().message()));
      if (!crypto::SecretEquals({reinterpret_cast<const std::uint8_t*>(computed->data()), kLinkBytes},
                                {reinterpret_cast<const std::uint8_t*>(stored.link.data()), kLinkBytes})) {
        return bad(seq, "link does not match: the entry, its number or one before it was altered");
      }
      link = *computed;
      if (against != nullptr && seq == against->sequence) link_at_digest = base::HexOf(link);
      v.entries = seq;
      ++expected;
    }
    return Status::Ok();
  });
  if (!walked.ok() && walked.code() != StatusCode::kNotFound) return walked;
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
  std::vector<Stored> entries;
  // The block holding `from_sequence` starts at or before it.
  std::string start;
  bool found = false;
  std::string ignored;
  HSDT_RETURN_IF_ERROR(store_->Floor(storage::kAuditCf, Key(std::max<std::uint64_t>(from_sequence, 1)), &start, &ignored, &found));
  if (!found) start = Key(1);
  Status s = store_->ForEachFrom(storage::kAuditCf, start, [&](std::string_view k, std::string_view v) {
    if (k.size() != 8 || !SplitBlock(v, &entries)) return Status::Corruption("audit block malformed");
    std::uint64_t seq = base::GetBigEndian64(k.data());
    for (const Stored& stored : entries) {
      if (out.size() >= limit) return Status::NotFound("enough");
      if (seq >= from_sequence) {
        HSDT_ASSIGN_OR_RETURN(AuditRecord e, Decode(stored.entry));
        e.sequence = seq;
        e.key_generation = stored.generation;
        out.push_back(std::move(e));
      }
      ++seq;
    }
    return Status::Ok();
  });
  if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
  return out;
}

}  // namespace hsdt::audit
