// The change feed (include/hsdt/changes.h): every change has a position, in commit order, in the
// commit's own batch; a session sees what the policy lets it read; a consumer that follows the
// feed keeps an exact copy across restarts and concurrent writers; observers are told.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::Ctx;
using testing::JsonSet;
using testing::TempDir;

constexpr char kUnitA[] = "27460";  // the sample's unit, the editor's
constexpr char kUnitB[] = "27463";

std::string DossierOf(const std::string& unit, int n) {
  char number[16];
  std::snprintf(number, sizeof number, "0791%08d", n);
  std::string json = testing::SampleWithNationalId(number);
  json = JsonSet(json, "managingUnit", "\"" + unit + "\"");
  return JsonSet(json, "workingUnit", "\"" + unit + "\"");
}

std::vector<ChangeEntry> All(Database& db, const Session& s, std::uint64_t since = 0) {
  std::vector<ChangeEntry> out;
  for (;;) {
    auto page = db.Changes(s, since, 7);  // small pages: every page boundary is crossed
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok() || page->next == since) return out;
    for (auto& e : page->entries) out.push_back(e);
    since = page->next;
  }
}

std::vector<ChangeEntry> DossierEntries(const std::vector<ChangeEntry>& all) {
  std::vector<ChangeEntry> out;
  for (const auto& e : all) {
    if (e.subject == ChangeSubject::kDossier) out.push_back(e);
  }
  return out;
}

TEST(ChangesTest, EveryChangeHasAPositionInCommitOrderNamingItsAuditEntry) {
  TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  auto w = db->Create(db.editor, DossierOf(kUnitA, 1), Ctx());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  auto d = db->Get(db.editor, w->id);
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(db->Update(db.editor, w->id, 1, JsonSet(*d->ToJson(), "phone", "\"0909000111\""), Ctx()).ok());
  ASSERT_TRUE(db->ChangeStatus(db.editor, w->id, 2, "nghiHuu", Ctx()).ok());

  const auto entries = DossierEntries(All(*db.db, db.editor));
  ASSERT_EQ(entries.size(), 3u);
  const ChangeKind kinds[] = {ChangeKind::kCreate, ChangeKind::kUpdate, ChangeKind::kStatusChange};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(entries[i].id, w->id);
    EXPECT_EQ(entries[i].version, i + 1);
    EXPECT_EQ(entries[i].kind, kinds[i]);
    EXPECT_EQ(entries[i].unit, kUnitA);
    EXPECT_TRUE(entries[i].previous_unit.empty());
    if (i > 0) {
      EXPECT_GT(entries[i].position, entries[i - 1].position);
    }
    // The position is the audit sequence of the entry that recorded the change.
    auto audit = db->ReadAudit(db.admin, entries[i].position, 1);
    ASSERT_TRUE(audit.ok() && audit->size() == 1);
    EXPECT_EQ((*audit)[0].sequence, entries[i].position);
    EXPECT_NE((*audit)[0].target.find(w->id), std::string::npos) << (*audit)[0].target;
  }
  EXPECT_EQ(entries[0].recorded_at_micros, w->recorded_at_micros);

  // An import batch is one commit: each dossier it creates is in the feed, at one position.
  const std::string jsonl = [] {
    std::string out;
    for (int n = 10; n < 12; ++n) {
      std::string line = DossierOf(kUnitA, n);
      line.erase(std::remove(line.begin(), line.end(), '\n'), line.end());
      out += line + "\n";
    }
    return out;
  }();
  auto imported = db->Import(db.editor, jsonl, ImportOptions{}, Ctx("nhập"));
  ASSERT_TRUE(imported.ok() && imported->imported == 2) << imported.status().ToString();
  const auto after_import = DossierEntries(All(*db.db, db.editor, entries.back().position));
  ASSERT_EQ(after_import.size(), 2u);
  EXPECT_EQ(after_import[0].id, imported->ids[0]);
  EXPECT_EQ(after_import[1].kind, ChangeKind::kCreate);
  EXPECT_EQ(after_import[0].position, after_import[1].position);

  // Registry changes are in the feed too: the units and the first administrator of the
  // creation, the editor's account, for district administrators.
  const auto admin_view = All(*db.db, db.admin);
  std::set<std::string> accounts, units;
  for (const auto& e : admin_view) {
    if (e.subject == ChangeSubject::kAccount) accounts.insert(e.id);
    if (e.subject == ChangeSubject::kUnit) units.insert(e.id);
  }
  EXPECT_TRUE(accounts.count(testing::kAdminUser) && accounts.count(testing::kEditorUser));
  EXPECT_TRUE(units.count(kUnitA) && units.count(kUnitB));
  for (const auto& e : All(*db.db, db.editor)) EXPECT_NE(e.subject, ChangeSubject::kAccount);

  // A page is bounded, but never splits a commit (the creation's units are one commit); a bad
  // limit is refused, and the call audited.
  EXPECT_EQ(db->Changes(db.editor, 0, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db->Changes(db.editor, 0, kMaxChangesPage + 1).status().code(), StatusCode::kInvalidArgument);
  auto creation = db->Changes(db.editor, 0, 1);
  ASSERT_TRUE(creation.ok());
  EXPECT_GT(creation->entries.size(), 20u);
  for (const auto& e : creation->entries) {
    EXPECT_EQ(e.subject, ChangeSubject::kUnit);
    EXPECT_EQ(e.position, creation->next);
  }
  auto one = db->Changes(db.editor, creation->next, 1);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->entries.size(), 1u);
  EXPECT_EQ(one->entries[0].position, entries[0].position);
  auto past = db->Changes(db.editor, UINT64_MAX, 10);
  ASSERT_TRUE(past.ok());
  EXPECT_TRUE(past->entries.empty());
  EXPECT_EQ(past->next, UINT64_MAX);
  ASSERT_TRUE(db->Sync(db.admin).ok());
  auto log = db->ReadAudit(db.admin, 1, 100000);
  ASSERT_TRUE(log.ok());
  int audited = 0;
  for (const auto& e : *log) audited += e.action == "read_reports" && e.target == "changes";
  EXPECT_GE(audited, 4);
}

TEST(ChangesTest, ASessionSeesWhatItMayReadAndBothUnitsSeeAHandOver) {
  TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  Session b = testing::AccountOrDie(*db.db, db.admin, "anlaca.editor", kUnitB, Role::kUnitEditor);
  Session auditor = testing::AccountOrDie(*db.db, db.admin, "nv.auditor", "777-NV", Role::kDistrictAuditor);
  auto in_a = db->Create(db.editor, DossierOf(kUnitA, 1), Ctx());
  auto in_b = db->Create(b, DossierOf(kUnitB, 2), Ctx());
  ASSERT_TRUE(in_a.ok() && in_b.ok());

  auto ids = [](const std::vector<ChangeEntry>& entries) {
    std::set<std::string> out;
    for (const auto& e : DossierEntries(entries)) out.insert(e.id);
    return out;
  };
  EXPECT_EQ(ids(All(*db.db, db.editor)), std::set<std::string>{in_a->id});
  EXPECT_EQ(ids(All(*db.db, b)), std::set<std::string>{in_b->id});
  EXPECT_TRUE(ids(All(*db.db, auditor)).empty());  // auditors read no dossier
  // Other units' dossiers need a purpose, as their reads do: a district administrator names one,
  // a grant holder the one its grant allows.
  EXPECT_TRUE(ids(All(*db.db, db.admin)).empty());
  auto inspected = db->Changes(db.admin, 0, 1000, Purpose::kInspection);
  ASSERT_TRUE(inspected.ok());
  EXPECT_EQ(ids(inspected->entries), (std::set<std::string>{in_a->id, in_b->id}));
  GrantSpec grant;
  grant.grantee_user = "anlaca.editor";
  grant.dossiers = {in_a->id};
  grant.purposes = {Purpose::kTraining};
  grant.legal_basis = {"77/CV-UBND", "2024-02-01"};
  grant.signer = "Chủ tịch UBND quận";
  grant.valid_until_micros = INT64_MAX;
  ASSERT_TRUE(db->IssueGrant(db.admin, grant, Ctx("đào tạo")).ok());
  auto granted = db->Changes(b, 0, 1000, Purpose::kTraining);
  ASSERT_TRUE(granted.ok());
  EXPECT_EQ(ids(granted->entries), (std::set<std::string>{in_a->id, in_b->id}));
  EXPECT_EQ(db->Changes(b, 0, 10, static_cast<Purpose>(42)).status().code(), StatusCode::kInvalidArgument);

  // A hand-over from A to B: the unit the dossier left sees it go, the other sees it come.
  auto request = db->RequestHandOver(b, in_a->id, {"25/CV-UBND", "2024-03-01"}, "điều động");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  ASSERT_TRUE(db->DecideHandOver(db.editor, request->id, true, Ctx("approve")).ok());
  const auto seen_by_a = All(*db.db, db.editor);
  const auto& last = seen_by_a.back();
  EXPECT_EQ(last.subject, ChangeSubject::kDossier);
  EXPECT_EQ(last.kind, ChangeKind::kHandOver);
  EXPECT_EQ(last.unit, kUnitB);
  EXPECT_EQ(last.previous_unit, kUnitA);
  // The decision and the new version are one commit: one position.
  const auto& decision = seen_by_a[seen_by_a.size() - 2];
  EXPECT_EQ(decision.subject, ChangeSubject::kHandOver);
  EXPECT_EQ(decision.id, request->id);
  EXPECT_EQ(decision.position, last.position);
  EXPECT_EQ(ids(All(*db.db, b)), (std::set<std::string>{in_a->id, in_b->id}));
  EXPECT_EQ(db->Get(db.editor, in_a->id).status().code(), StatusCode::kPermissionDenied);
}

// A consumer of unit A keeps a copy of every dossier it may read: it follows the feed, reads
// what changed, drops what it may no longer read. Two writers per unit and hand-overs run
// meanwhile; the database is closed and reopened halfway, the consumer keeping its position.
TEST(ChangesTest, AConsumerFollowingTheFeedEndsWithAnExactCopy) {
  TempDir dir;
  std::map<std::string, std::string> copy;
  std::uint64_t position = 0;
  int national_id = 0;
  auto consume = [&](Database& db, const Session& s) {
    for (;;) {
      auto page = db.Changes(s, position, 50);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      if (page->next == position) return;
      for (const auto& e : page->entries) {
        if (e.subject != ChangeSubject::kDossier) continue;
        auto d = db.Get(s, e.id);
        if (d.ok()) {
          copy[e.id] = *d->ToJson();
        } else {
          ASSERT_EQ(d.status().code(), StatusCode::kPermissionDenied) << d.status().ToString();
          copy.erase(e.id);
        }
      }
      position = page->next;
    }
  };

  for (int phase = 0; phase < 2; ++phase) {
    auto db = phase == 0 ? testing::OpenOrDie(dir.path()) : testing::OpenOrDie(dir.path(), testing::ReopenOptions());
    Session b = phase == 0 ? testing::AccountOrDie(*db.db, db.admin, "anlaca.editor", kUnitB, Role::kUnitEditor)
                           : testing::LoginOrDie(*db.db, "anlaca.editor", "mật khẩu riêng của anlaca.editor");
    Session consumer = testing::LoginOrDie(*db.db, testing::kEditorUser, testing::kEditorPassword);
    std::atomic<bool> done{false};
    std::mutex mu;
    std::condition_variable woken;
    std::uint64_t observed = 0;
    auto id = db->AddChangeObserver([&](std::uint64_t p) {
      std::lock_guard lock(mu);
      observed = p;
      woken.notify_all();
    });
    ASSERT_TRUE(id.ok());
    std::thread follower([&] {
      while (!done.load()) {
        consume(*db.db, consumer);
        std::unique_lock lock(mu);
        woken.wait_for(lock, std::chrono::milliseconds(50), [&] { return observed > position || done.load(); });
      }
    });
    std::vector<std::thread> writers;
    std::mutex ids_mu;
    std::vector<std::string> created_a;
    const int base = (national_id += 1000);
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        const bool in_a = w % 2 == 0;
        const Session& s = in_a ? db.editor : b;
        for (int i = 0; i < 12; ++i) {
          auto created = db->Create(s, DossierOf(in_a ? kUnitA : kUnitB, base + w * 100 + i), Ctx());
          ASSERT_TRUE(created.ok()) << created.status().ToString();
          auto d = db->Get(s, created->id);
          ASSERT_TRUE(d.ok());
          ASSERT_TRUE(db->Update(s, created->id, 1, JsonSet(*d->ToJson(), "phone", "\"090900" + std::to_string(i) + "\""),
                                 Ctx()).ok());
          if (in_a) {
            std::lock_guard lock(ids_mu);
            created_a.push_back(created->id);
          }
        }
      });
    }
    for (auto& t : writers) t.join();
    // Hand three of A's dossiers over to B.
    for (int i = 0; i < 3; ++i) {
      auto request = db->RequestHandOver(b, created_a[static_cast<std::size_t>(i * 5)], {"25/CV-UBND", "2024-03-01"}, "");
      ASSERT_TRUE(request.ok()) << request.status().ToString();
      ASSERT_TRUE(db->DecideHandOver(db.editor, request->id, true, Ctx("approve")).ok());
    }
    done = true;
    woken.notify_all();
    follower.join();
    EXPECT_TRUE(db->RemoveChangeObserver(*id));
    EXPECT_FALSE(db->RemoveChangeObserver(*id));
    if (phase == 0) {
      ASSERT_TRUE(db->Close().ok());  // the consumer keeps `position` and its copy
      continue;
    }
    consume(*db.db, consumer);  // catch up on what the follower had not read yet
    // The copy is what unit A may read now, exactly.
    auto listed = db->ListIds(consumer, kUnitA, "", 100000);
    ASSERT_TRUE(listed.ok());
    std::set<std::string> expected(listed->begin(), listed->end());
    std::set<std::string> got;
    for (const auto& [k, v] : copy) got.insert(k);
    EXPECT_EQ(got, expected);
    EXPECT_EQ(expected.size(), 2u * (2 * 12 - 3));  // two phases: 24 created in A, 3 handed over
    for (const auto& k : expected) {
      auto d = db->Get(consumer, k);
      ASSERT_TRUE(d.ok());
      EXPECT_EQ(copy[k], *d->ToJson()) << k;
    }
  }
}

TEST(ChangesTest, ObserversAreToldAfterCommitsAndMayUseTheDatabase) {
  TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  std::mutex mu;
  std::condition_variable called;
  std::uint64_t seen = 0;
  std::size_t entries_read = 0;
  auto id = db->AddChangeObserver([&](std::uint64_t position) {
    auto page = db->Changes(db.editor, 0, 100);  // calls back into the database: no deadlock
    std::lock_guard lock(mu);
    seen = position;
    if (page.ok()) entries_read = page->entries.size();
    called.notify_all();
  });
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(db->AddChangeObserver(nullptr).status().code(), StatusCode::kInvalidArgument);
  auto w = db->Create(db.editor, DossierOf(kUnitA, 1), Ctx());
  ASSERT_TRUE(w.ok());
  auto page = db->Changes(db.editor, 0, 100);
  ASSERT_TRUE(page.ok() && !page->entries.empty());
  const std::uint64_t position = page->entries.back().position;
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(called.wait_for(lock, std::chrono::seconds(30), [&] { return seen >= position; }));
    EXPECT_EQ(seen, position);
    EXPECT_GE(entries_read, 1u);
  }
  // Reads are audited but change nothing: no call for them.
  ASSERT_TRUE(db->Get(db.editor, w->id).ok());
  ASSERT_TRUE(db->RemoveChangeObserver(*id));
  ASSERT_TRUE(db->Create(db.editor, DossierOf(kUnitA, 2), Ctx()).ok());
  // Close from an observer is refused (the observer would wait for itself).
  std::atomic<int> close_code{-1};
  auto closer = db->AddChangeObserver([&](std::uint64_t) { close_code = static_cast<int>(db->Close().code()); });
  ASSERT_TRUE(closer.ok());
  ASSERT_TRUE(db->Create(db.editor, DossierOf(kUnitA, 3), Ctx()).ok());
  for (int i = 0; i < 3000 && close_code.load() < 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(close_code.load(), static_cast<int>(StatusCode::kInvalidArgument));
  ASSERT_TRUE(db->RemoveChangeObserver(*closer));
  ASSERT_TRUE(db->Close().ok());
  std::lock_guard lock(mu);
  EXPECT_EQ(seen, position);  // removed: not called for the second dossier
}

}  // namespace
}  // namespace hsdt
