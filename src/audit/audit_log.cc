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

std::string Encode(const AuditRecord& e) {
  capnp::MallocMessageBuilder message(64);
  auto b = message.initRoot<schema::AuditEntry>();
  b.setSequence(e.sequence);
  b.setRecordedAtMicros(e.recorded_at_micros);
  b.setKeyGeneration(e.key_generation);
  b.setActor(e.actor);
  b.setAction(e.action);
  b.setTarget(e.target);
  b.setAllowed(e.allowed);
  b.setPurpose(e.purpose);
  b.setReason(e.reason);
  b.setRule(e.rule);
  auto words = capnp::messageToFlatArray(message);
  auto chars = words.asChars();
  return std::string(chars.begin(), chars.size());
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
    e.sequence = r.getSequence();
    e.recorded_at_micros = r.getRecordedAtMicros();
    e.key_generation = r.getKeyGeneration();
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
    if (key.size() != 8 || value.size() < kLinkBytes) return Status::Corruption("audit: malformed last entry");
    log->last_sequence_ = base::GetBigEndian64(key.data());
    log->last_link_ = value.substr(value.size() - kLinkBytes);
  }
  log->thread_ = std::thread([raw = log.get()] { raw->Run(); });
  return log;
}

AuditLog::~AuditLog() { (void)Stop(); }

Result<std::string> AuditLog::Link(std::uint32_t generation, std::uint64_t sequence,
                                   std::string_view entry, std::string_view previous_link) {
  HSDT_ASSIGN_OR_RETURN(crypto::SecretBytes key, store_->AuditKey(generation));
  std::string in = "hsdt-audit-entry";
  in.push_back('\0');
  base::PutBigEndian64(&in, sequence);
  in.append(entry);
  std::uint8_t entry_hash[kLinkBytes];
  crypto::Mac(key, in, entry_hash);
  std::string link_in = "hsdt-audit-link";
  link_in.push_back('\0');
  link_in.append(previous_link);
  link_in.append(reinterpret_cast<const char*>(entry_hash), kLinkBytes);
  std::uint8_t link[kLinkBytes];
  crypto::Mac(key, link_in, link);
  return std::string(reinterpret_cast<const char*>(link), kLinkBytes);
}

Result<std::uint64_t> AuditLog::Append(AuditRecord entry, std::vector<storage::BatchOp> ops,
                                       bool wait, bool sync) {
  auto p = std::make_shared<Pending>();
  if (entry.recorded_at_micros == 0) entry.recorded_at_micros = store_->NowMicros();
  p->entry = std::move(entry);
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
  for (auto& p : group) {
    p->sequence = ++sequence;
    p->entry.sequence = sequence;
    p->entry.key_generation = generation;
    std::string bytes = Encode(p->entry);
    HSDT_ASSIGN_OR_RETURN(link, Link(generation, sequence, bytes, link));
    bytes += link;
    ops.push_back({storage::kAuditCf, Key(sequence), std::move(bytes), false});
    for (auto& op : p->ops) ops.push_back(std::move(op));
    sync |= p->sync;
  }
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
  Status walked = store_->ForEach(storage::kAuditCf, "", [&](std::string_view k, std::string_view val) {
    if (k.size() != 8) return bad(expected, "malformed key " + base::HexOf(k));
    const std::uint64_t seq = base::GetBigEndian64(k.data());
    if (seq != expected) {
      return bad(expected, seq > expected ? "entry " + std::to_string(expected) + " is missing"
                                          : "entry out of order");
    }
    if (val.size() <= kLinkBytes) return bad(seq, "entry too short");
    const std::string_view bytes = val.substr(0, val.size() - kLinkBytes);
    auto entry = Decode(bytes);
    if (!entry.ok()) return bad(seq, std::string(entry.status().message()));
    if (entry->sequence != seq) return bad(seq, "entry says it is number " + std::to_string(entry->sequence));
    auto computed = Link(entry->key_generation, seq, bytes, link);
    if (!computed.ok()) return bad(seq, std::string(computed.status().message()));
    if (!crypto::SecretEquals({reinterpret_cast<const std::uint8_t*>(computed->data()), kLinkBytes},
                              {reinterpret_cast<const std::uint8_t*>(val.data()) + bytes.size(), kLinkBytes})) {
      return bad(seq, "link does not match: the entry or one before it was altered");
    }
    link = *computed;
    if (against != nullptr && seq == against->sequence) link_at_digest = base::HexOf(link);
    v.entries = seq;
    ++expected;
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
  Status s = store_->ForEachFrom(storage::kAuditCf, Key(from_sequence), [&](std::string_view, std::string_view v) {
    if (out.size() >= limit) return Status::NotFound("enough");
    if (v.size() <= kLinkBytes) return Status::Corruption("audit entry too short");
    HSDT_ASSIGN_OR_RETURN(AuditRecord e, Decode(v.substr(0, v.size() - kLinkBytes)));
    out.push_back(std::move(e));
    return Status::Ok();
  });
  if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
  return out;
}

}  // namespace hsdt::audit
