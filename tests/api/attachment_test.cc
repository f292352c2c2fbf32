// Scanned source documents (include/hsdt/attachment.h): streamed round trips, one copy of the same
// scan, versions, bad input that changes nothing, the policy and its audit, chunks that fail
// authentication when altered, swapped or dropped, backups.
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <vector>

#include "base/impl_access.h"
#include "db/database_impl.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::AccountOrDie;
using testing::Ctx;
using testing::TempDir;

constexpr std::size_t kChunk = std::size_t{256} << 10;  // storage's chunk size (docs/format.md)

// A fake scan of `size` bytes: a PNG signature, then bytes that differ with `seed`.
std::string Scan(std::size_t size, unsigned seed = 1) {
  std::string s("\x89PNG\r\n\x1a\n", 8);
  std::uint32_t x = seed * 2654435761u + 1;
  while (s.size() < size) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s.push_back(static_cast<char>(x));
  }
  s.resize(size);
  return s;
}

// Reads an attachment through reads of the given sizes, cycling.
Result<std::string> ReadAll(AttachmentReader& reader, std::vector<std::size_t> sizes = {65536}) {
  std::string out;
  std::vector<char> buffer(*std::max_element(sizes.begin(), sizes.end()));
  for (std::size_t i = 0;; ++i) {
    auto n = reader.Read(buffer.data(), sizes[i % sizes.size()]);
    if (!n.ok()) return n.status();
    if (*n == 0 && sizes[i % sizes.size()] != 0) return out;
    out.append(buffer.data(), *n);
  }
}

class AttachmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto w = t_->Create(t_.editor, testing::TestData("sample-dossier.json"), Ctx());
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    id_ = w->id;
  }

  AttachmentSpec Spec(AttachmentKind kind = AttachmentKind::kDecision) const {
    AttachmentSpec spec;
    spec.dossier_id = id_;
    spec.kind = kind;
    spec.title = "Quyết định nâng bậc lương";
    spec.source = {"125/QĐ-UBND", "2024-07-01"};
    spec.pages = 2;
    return spec;
  }

  // Attaches `bytes` in pieces of `piece` bytes.
  Result<AttachmentInfo> Attach(const AttachmentSpec& spec, const std::string& bytes, std::size_t piece = 100000,
                                const Session* as = nullptr) {
    auto writer = t_->BeginAttachment(as != nullptr ? *as : t_.editor, spec, Ctx("scan"));
    if (!writer.ok()) return writer.status();
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      const Status s = (*writer)->Append(std::string_view(bytes).substr(at, piece));
      if (!s.ok()) return s;
    }
    return (*writer)->Finish();
  }

  Result<std::string> Content(const std::string& id, std::uint32_t version = 0) {
    auto reader = t_->OpenAttachment(t_.editor, id, version);
    if (!reader.ok()) return reader.status();
    return ReadAll(**reader);
  }

  storage::Store& Raw() { return internal::ImplAccess::Of(*t_.db).store(); }

  // The keys of the attachments family that start with `prefix` ('a', 'd', 'h', 'c').
  std::vector<std::string> RawKeys(char prefix) {
    std::vector<std::string> keys;
    std::unique_ptr<rocksdb::Iterator> it(Raw().raw_db()->NewIterator({}, Raw().raw_cf(storage::kAttachCf)));
    for (it->Seek(std::string(1, prefix)); it->Valid() && it->key()[0] == prefix; it->Next()) {
      keys.push_back(it->key().ToString());
    }
    EXPECT_TRUE(it->status().ok());
    return keys;
  }

  std::vector<AuditRecord> AuditFrom(std::uint64_t from) {
    auto log = t_->ReadAudit(t_.admin, from, 100000);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? *log : std::vector<AuditRecord>{};
  }
  std::uint64_t AuditEnd() { return t_->DigestAudit(t_.admin)->sequence + 1; }

  TempDir dir_;
  testing::TestDb t_ = testing::OpenOrDie(dir_.Sub("db"));
  std::string id_;
};

TEST_F(AttachmentTest, RoundTripsInChunksThroughReadsOfAnySize) {
  const std::string scan = Scan(2 * kChunk + 12345);
  auto info = Attach(Spec(), scan, 77777);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->id, "TL00000001");
  EXPECT_EQ(info->version, 1u);
  EXPECT_EQ(info->dossier_id, id_);
  EXPECT_EQ(info->media_type, "image/png");
  EXPECT_EQ(info->size, scan.size());
  EXPECT_EQ(info->sha256_hex.size(), 64u);
  EXPECT_EQ(info->actor, testing::kEditorUser);
  EXPECT_EQ(RawKeys('c').size(), 3u);

  auto reader = t_->OpenAttachment(t_.editor, info->id);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->info().title, "Quyết định nâng bậc lương");
  EXPECT_EQ((*reader)->info().source.number, "125/QĐ-UBND");
  EXPECT_EQ((*reader)->info().pages, 2u);
  auto back = ReadAll(**reader, {1, 3, 0, 4096, 300000, kChunk, 7});
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == scan);
  reader->reset();

  // Survives a reopen; ids go on after the last.
  ASSERT_TRUE(t_->Close().ok());
  t_ = testing::OpenOrDie(dir_.Sub("db"), testing::ReopenOptions());
  EXPECT_TRUE(*Content("TL00000001") == scan);
  auto second = Attach(Spec(), Scan(100, 2));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->id, "TL00000002");

  auto check = t_->Check(t_.admin);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->problems.empty()) << check->problems[0];
  EXPECT_EQ(check->attachment_versions, 2u);
  EXPECT_EQ(check->attachment_chunks, 4u);
}

TEST_F(AttachmentTest, OneAppendOfManyChunksAndAppendsOfOneByte) {
  const std::string big = Scan(5 * kChunk / 2);
  auto one = Attach(Spec(), big, big.size());  // a single Append
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_TRUE(*Content(one->id) == big);
  const std::string small = Scan(1000, 3);
  auto bytewise = Attach(Spec(), small, 1);  // the media type decided across eight Appends
  ASSERT_TRUE(bytewise.ok()) << bytewise.status().ToString();
  EXPECT_EQ(bytewise->media_type, "image/png");
  EXPECT_TRUE(*Content(bytewise->id) == small);
  EXPECT_EQ(RawKeys('c').size(), 4u);  // 3 + 1
}

TEST_F(AttachmentTest, MediaTypeComesFromTheBytes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"%PDF-1.7\n%\xe2\xe3", "application/pdf"},
      {std::string("\xff\xd8\xff\xe0\0\x10JFIF", 10), "image/jpeg"},
      {std::string("II*\0\x08\0\0\0", 8), "image/tiff"},
      {std::string("MM\0*\0\0\0\x08", 8), "image/tiff"},
  };
  for (const auto& [bytes, type] : cases) {
    auto info = Attach(Spec(), bytes + "rest of the scan", 3);
    ASSERT_TRUE(info.ok()) << type << ": " << info.status().ToString();
    EXPECT_EQ(info->media_type, type);
  }
}

TEST_F(AttachmentTest, TheSameScanIsStoredOnce) {
  auto other = t_->Create(t_.editor, testing::SampleWithNationalId("079184099999"), Ctx());
  ASSERT_TRUE(other.ok());
  const std::string scan = Scan(kChunk + 10);
  auto a = Attach(Spec(), scan);
  AttachmentSpec spec = Spec(AttachmentKind::kDiploma);
  spec.dossier_id = other->id;
  auto b = Attach(spec, scan, 5000);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->id, b->id);
  EXPECT_EQ(a->sha256_hex, b->sha256_hex);
  EXPECT_EQ(RawKeys('c').size(), 2u);  // one copy, and the second upload's chunks removed
  EXPECT_EQ(RawKeys('h').size(), 1u);
  EXPECT_TRUE(*Content(a->id) == scan);
  EXPECT_TRUE(*Content(b->id) == scan);
  auto c = Attach(Spec(), Scan(kChunk + 10, 9));
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->sha256_hex, a->sha256_hex);
  EXPECT_EQ(RawKeys('h').size(), 2u);
}

TEST_F(AttachmentTest, ANewScanSupersedesTheOldAsItsNextVersion) {
  const std::string first = Scan(5000, 1), second = Scan(kChunk + 1, 2);
  auto v1 = Attach(Spec(), first);
  ASSERT_TRUE(v1.ok());
  AttachmentSpec spec = Spec();
  spec.supersedes = v1->id;
  spec.title = "Quyết định nâng bậc lương (bản rõ hơn)";
  auto v2 = Attach(spec, second);
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ(v2->id, v1->id);
  EXPECT_EQ(v2->version, 2u);

  auto list = t_->ListAttachments(t_.editor, id_);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].version, 2u);
  EXPECT_EQ((*list)[0].versions, 2u);
  EXPECT_EQ((*list)[0].title, spec.title);
  auto history = t_->AttachmentHistory(t_.editor, v1->id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].size, first.size());
  EXPECT_EQ((*history)[1].size, second.size());
  EXPECT_TRUE(*Content(v1->id, 1) == first);
  EXPECT_TRUE(*Content(v1->id) == second);
  EXPECT_EQ(Content(v1->id, 3).status().code(), StatusCode::kNotFound);

  // Only an attachment of the same dossier can be superseded.
  auto other = t_->Create(t_.editor, testing::SampleWithNationalId("079184099998"), Ctx());
  spec.dossier_id = other->id;
  EXPECT_EQ(Attach(spec, first).status().code(), StatusCode::kNotFound);
}

TEST_F(AttachmentTest, AnEventRowCanCarryItsScan) {
  AttachmentSpec spec = Spec();
  spec.event = "salaryHistory.2";
  auto info = Attach(spec, Scan(300));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->event, "salaryHistory.2");
  EXPECT_EQ(info->dossier_version, 1u);
  auto list = t_->ListAttachments(t_.editor, id_);
  EXPECT_EQ((*list)[0].event, "salaryHistory.2");
}

TEST_F(AttachmentTest, BadInputGetsAClearErrorAndChangesNothing) {
  auto expect = [&](AttachmentSpec spec, const std::string& bytes, StatusCode code, const std::string& names) {
    auto r = Attach(spec, bytes);
    ASSERT_FALSE(r.ok()) << names;
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(names), std::string::npos) << r.status().ToString();
  };
  const std::string scan = Scan(kChunk * 2);
  expect(Spec(), "GIF89a not kept", StatusCode::kInvalidArgument, "bytes 0 to 7");
  expect(Spec(), std::string(kChunk * 2, 'x'), StatusCode::kInvalidArgument, "not the start of a PDF");
  expect(Spec(), "", StatusCode::kInvalidArgument, "empty");
  AttachmentSpec spec = Spec();
  spec.title = "";
  expect(spec, scan, StatusCode::kInvalidArgument, "title");
  spec = Spec();
  spec.source = {};
  expect(spec, scan, StatusCode::kInvalidArgument, "source");
  spec.kind = AttachmentKind::kDiscipline;
  expect(spec, scan, StatusCode::kInvalidArgument, "source");
  spec = Spec();
  spec.source.date = "2024-02-30";
  expect(spec, scan, StatusCode::kInvalidArgument, "source");
  spec = Spec();
  spec.kind = static_cast<AttachmentKind>(42);
  expect(spec, scan, StatusCode::kInvalidArgument, "kind");
  spec = Spec();
  spec.dossier_id = "HS123";
  expect(spec, scan, StatusCode::kInvalidArgument, "dossier_id");
  spec.dossier_id = "HS09999999";
  expect(spec, scan, StatusCode::kNotFound, "no such dossier");
  spec = Spec();
  spec.event = "salaryHistory";
  expect(spec, scan, StatusCode::kInvalidArgument, "event");
  spec.event = "name.0";
  expect(spec, scan, StatusCode::kInvalidArgument, "event");
  spec.event = "family.0";
  expect(spec, scan, StatusCode::kInvalidArgument, "not a list of dated events");
  spec.event = "salaryHistory.3";
  expect(spec, scan, StatusCode::kNotFound, "has 3 rows");
  spec = Spec();
  spec.supersedes = "TL1";
  expect(spec, scan, StatusCode::kInvalidArgument, "supersedes");
  spec.supersedes = "TL00000099";
  expect(spec, scan, StatusCode::kNotFound, "supersedes");

  // Too large: refused at the Append that passes the limit, and the writer is spent.
  ASSERT_TRUE(t_->Close().ok());
  OpenOptions o = testing::ReopenOptions();
  o.max_attachment_bytes = kChunk + 100;
  t_ = testing::OpenOrDie(dir_.Sub("db"), o);
  auto writer = t_->BeginAttachment(t_.editor, Spec(), Ctx());
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(scan.substr(0, kChunk + 100)).ok());
  EXPECT_EQ((*writer)->Append("x").code(), StatusCode::kInvalidArgument);
  auto finished = (*writer)->Finish();
  EXPECT_NE(finished.status().message().find("max_attachment_bytes"), std::string::npos);
  writer->reset();
  o.max_attachment_bytes = 0;
  ASSERT_TRUE(t_->Close().ok());
  EXPECT_EQ(Database::Open(dir_.Sub("db"), testing::TestKey(), o).status().code(), StatusCode::kInvalidArgument);
  t_ = testing::OpenOrDie(dir_.Sub("db"), testing::ReopenOptions());

  auto list = t_->ListAttachments(t_.editor, id_);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  EXPECT_TRUE(RawKeys('a').empty());
  EXPECT_TRUE(RawKeys('c').empty());  // no chunk of a refused upload stays
  EXPECT_TRUE(RawKeys('h').empty());
}

TEST_F(AttachmentTest, AnUnfinishedWriterLeavesNothing) {
  {
    auto writer = t_->BeginAttachment(t_.editor, Spec(), Ctx());
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append(Scan(3 * kChunk)).ok());
    EXPECT_EQ(RawKeys('c').size(), 2u);  // sealed as they come; the last is held back
    EXPECT_EQ(t_->Close().code(), StatusCode::kBusy);
  }
  EXPECT_TRUE(RawKeys('c').empty());
  EXPECT_TRUE(t_->ListAttachments(t_.editor, id_)->empty());
}

TEST_F(AttachmentTest, CloseWaitsForReadersToBeDestroyed) {
  auto info = Attach(Spec(), Scan(1000));
  ASSERT_TRUE(info.ok());
  auto reader = t_->OpenAttachment(t_.editor, info->id);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(t_->Close().code(), StatusCode::kBusy);
  reader->reset();
  EXPECT_TRUE(t_->Close().ok());
}

TEST_F(AttachmentTest, ReadingIsAReadOfTheDossierAtTheKindsSensitivity) {
  auto decision = Attach(Spec(), Scan(1000, 1));
  auto discipline = Attach(Spec(AttachmentKind::kDiscipline), Scan(1000, 2));
  ASSERT_TRUE(decision.ok() && discipline.ok());
  Session auditor = AccountOrDie(*t_.db, t_.admin, "nv.kiemtra", "777-NV", Role::kDistrictAuditor);
  Session viewer = AccountOrDie(*t_.db, t_.admin, "anlac.xem", "27460", Role::kUnitViewer);
  Session other = AccountOrDie(*t_.db, t_.admin, "binhhunghoa.editor", "27436", Role::kUnitEditor);
  const std::uint64_t from = AuditEnd();

  // The district auditor sees that they exist, never what they are.
  auto seen = t_->ListAttachments(auditor, id_);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  ASSERT_EQ(seen->size(), 2u);
  for (const auto& a : *seen) {
    EXPECT_FALSE(a.described);
    EXPECT_TRUE(a.title.empty() && a.source.number.empty() && a.sha256_hex.empty());
    EXPECT_EQ(a.size, 1000u);
  }
  EXPECT_EQ(t_->OpenAttachment(auditor, decision->id).status().code(), StatusCode::kPermissionDenied);

  // The unit's viewer reads personal-level content, not a disciplinary record.
  auto listed = t_->ListAttachments(viewer, id_);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE((*listed)[0].described);
  EXPECT_FALSE((*listed)[1].described);
  EXPECT_TRUE(t_->OpenAttachment(viewer, decision->id).ok());
  auto denied = t_->OpenAttachment(viewer, discipline->id);
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(denied.status().message().find("confidential"), std::string::npos) << denied.status().ToString();
  EXPECT_TRUE(t_->OpenAttachment(t_.editor, discipline->id).ok());

  // Another unit neither reads nor writes them; viewers do not write.
  EXPECT_EQ(t_->OpenAttachment(other, decision->id).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(t_->ListAttachments(other, id_).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Attach(Spec(), Scan(10), 100, &other).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Attach(Spec(), Scan(10), 100, &viewer).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(t_->ListAttachments(viewer, "HS00000099").status().code(), StatusCode::kNotFound);

  // Every one audited, allowed or denied, with ids and never the title.
  const std::string decision_target = id_ + " attachment " + decision->id + "@v1";
  const std::string discipline_target = id_ + " attachment " + discipline->id + "@v1";
  struct Want {
    std::string actor, action, target;
    bool allowed;
    std::string rule;
  };
  const std::vector<Want> want = {
      {"nv.kiemtra", "read_reports", id_ + " attachments", true, "tier-2-reports"},
      {"nv.kiemtra", "read_dossier", decision_target, false, "auditor-no-content"},
      {"anlac.xem", "read_dossier", id_ + " attachments", true, "own-unit-viewer"},
      {"anlac.xem", "read_dossier", decision_target, true, "own-unit-viewer"},
      {"anlac.xem", "read_dossier", discipline_target, false, "below-sensitivity"},
      {testing::kEditorUser, "read_dossier", discipline_target, true, "own-unit-editor"},
      {"binhhunghoa.editor", "read_dossier", decision_target, false, ""},
      {"binhhunghoa.editor", "read_dossier", id_ + " attachments", false, ""},
      {"binhhunghoa.editor", "update_dossier", id_, false, ""},
      {"anlac.xem", "update_dossier", id_, false, ""},
      {"anlac.xem", "read_dossier", "HS00000099", false, "not-found"},
  };
  std::vector<AuditRecord> log;
  for (const auto& e : AuditFrom(from)) {
    if (e.action != "read_audit" && e.action != "verify_audit") log.push_back(e);
  }
  ASSERT_EQ(log.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(log[i].actor, want[i].actor);
    EXPECT_EQ(log[i].action, want[i].action);
    EXPECT_EQ(log[i].target, want[i].target);
    EXPECT_EQ(log[i].allowed, want[i].allowed);
    if (!want[i].rule.empty()) {
      EXPECT_EQ(log[i].rule, want[i].rule);
    }
    EXPECT_EQ(log[i].reason.find("lương"), std::string::npos) << log[i].reason;
  }
  // The write itself: one entry, fsynced with the attachment.
  auto writes = AuditFrom(1);
  const auto written = std::find_if(writes.begin(), writes.end(), [&](const AuditRecord& e) {
    return e.action == "update_dossier" && e.target == decision_target;
  });
  ASSERT_NE(written, writes.end());
  EXPECT_TRUE(written->allowed);
  EXPECT_EQ(written->reason, "scan");
}

// Promise 4 and the "fail authentication when a chunk is altered, swapped or dropped".
class AttachmentTamperTest : public AttachmentTest {
 protected:
  void SetUp() override {
    AttachmentTest::SetUp();
    scan_ = Scan(3 * kChunk);
    auto info = Attach(Spec(), scan_);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    aid_ = info->id;
    chunks_ = RawKeys('c');
    ASSERT_EQ(chunks_.size(), 3u);
  }

  std::string Get(const std::string& key) {
    std::string v;
    EXPECT_TRUE(Raw().raw_db()->Get({}, Raw().raw_cf(storage::kAttachCf), key, &v).ok());
    return v;
  }
  void Put(const std::string& key, const std::string& value) {
    ASSERT_TRUE(Raw().raw_db()->Put({}, Raw().raw_cf(storage::kAttachCf), key, value).ok());
  }

  // Reading fails with Corruption naming the attachment and `chunk`; check names it too.
  void ExpectCaught(const std::string& chunk) {
    auto reader = t_->OpenAttachment(t_.editor, aid_);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto read = ReadAll(**reader);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.status().code(), StatusCode::kCorruption);
    EXPECT_NE(read.status().message().find(aid_), std::string::npos) << read.status().ToString();
    EXPECT_NE(read.status().message().find(chunk), std::string::npos) << read.status().ToString();
    reader->reset();
    auto check = t_->Check(t_.admin);
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    ASSERT_FALSE(check->problems.empty());
    bool named = false;
    for (const auto& p : check->problems) named |= p.find(chunk) != std::string::npos;
    EXPECT_TRUE(named) << check->problems[0];
  }

  std::string scan_, aid_;
  std::vector<std::string> chunks_;
};

TEST_F(AttachmentTamperTest, AnAlteredByteFails) {
  std::string v = Get(chunks_[1]);
  v[v.size() / 2] ^= 0x01;
  Put(chunks_[1], v);
  ExpectCaught("chunk 1");
}

TEST_F(AttachmentTamperTest, SwappedChunksFail) {
  const std::string a = Get(chunks_[0]), b = Get(chunks_[1]);
  Put(chunks_[0], b);
  Put(chunks_[1], a);
  ExpectCaught("chunk 0");
}

TEST_F(AttachmentTamperTest, ADroppedChunkIsNamed) {
  ASSERT_TRUE(Raw().raw_db()->Delete({}, Raw().raw_cf(storage::kAttachCf), chunks_[2]).ok());
  ExpectCaught("chunk 2 of 3 missing");
}

TEST_F(AttachmentTamperTest, ALastChunkMovedUpFails) {
  // A blob cut short: the last chunk put in the place of the one before it.
  Put(chunks_[1], Get(chunks_[2]));
  ExpectCaught("chunk 1");
}

TEST_F(AttachmentTamperTest, AnotherScansChunkFails) {
  auto other = Attach(Spec(), Scan(3 * kChunk, 7));
  ASSERT_TRUE(other.ok());
  std::vector<std::string> all = RawKeys('c');
  ASSERT_EQ(all.size(), 6u);
  for (const auto& k : all) {
    if (k.substr(0, 17) != chunks_[0].substr(0, 17)) {  // a chunk of the other blob
      Put(chunks_[0], Get(k));
      break;
    }
  }
  ExpectCaught("chunk 0");
}

TEST_F(AttachmentTest, SurvivesBackupAndRestore) {
  const std::string scan = Scan(kChunk + 999);
  auto info = Attach(Spec(AttachmentKind::kPersonalForm), scan);
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(t_->Backup(t_.admin, dir_.Sub("backup")).ok());
  ASSERT_TRUE(t_->Close().ok());
  ASSERT_TRUE(RestoreBackup(dir_.Sub("backup"), testing::TestKey(), 0, dir_.Sub("restored")).ok());
  t_ = testing::OpenOrDie(dir_.Sub("restored"), testing::ReopenOptions());
  auto back = Content(info->id);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == scan);
  auto check = t_->Check(t_.admin);
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->problems.empty());
  EXPECT_EQ(check->attachment_chunks, 2u);
}

TEST_F(AttachmentTest, SurvivesAChangeOfKeyAndARekey) {
  const std::string scan = Scan(kChunk + 5);
  auto info = Attach(Spec(), scan);
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(t_->ChangeKey(t_.admin, testing::OtherKey()).ok());
  for (;;) {
    auto p = t_->Rekey(t_.admin, 1000);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    if (p->done) break;
  }
  EXPECT_TRUE(*Content(info->id) == scan);
  // The same scan after the rekey: hashed under the new generation's key, stored anew.
  auto again = Attach(Spec(), scan);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*Content(again->id) == scan);
  auto check = t_->Check(t_.admin);
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->problems.empty()) << check->problems[0];
}

}  // namespace
}  // namespace hsdt
