// Promise 4 and 3 against damaged files. In a closed database (and in a crash image, whose log
// still holds commits) every file is damaged in turn — bytes flipped at many offsets, cut short,
// deleted, two table files swapped — and the database is opened and read whole. Each outcome
// must be one of: the open fails with Corruption (or BadKey for the keyring) naming what is
// damaged; or it opens and every read gives the right data or Corruption, and then Check
// reports a problem whenever any read failed or any audit entry is missing. Never wrong data, a
// silent loss, a crash or a hang. Outcomes are counted per file kind.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "base/impl_access.h"
#include "db/database_impl.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

namespace fs = std::filesystem;
using testing::Ctx;

std::string Line(const std::string& national_id) {
  std::string j = testing::SampleWithNationalId(national_id);
  j.erase(std::remove(j.begin(), j.end(), '\n'), j.end());
  return j;
}

struct Image {
  std::map<std::string, std::string> dossiers;  // id -> canonical JSON of the latest version
  std::uint64_t audit_entries = 0;
  std::map<std::string, std::string> sst_family;  // table file name -> column family
};

void FlipByte(const std::string& path, std::uint64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x20));
}

std::string KindOf(const std::string& name, const Image& image) {
  if (name.ends_with(".sst")) {
    auto it = image.sst_family.find(name);
    return it != image.sst_family.end() && it->second == "audit" ? "SST(audit)" : "SST";
  }
  if (name.ends_with(".log")) return "WAL";
  if (name.starts_with("MANIFEST")) return "MANIFEST";
  if (name.starts_with("OPTIONS")) return "OPTIONS";
  if (name.starts_with("LOG")) return "LOG";
  return name;  // CURRENT, IDENTITY, KEYRING, LOCK
}

struct Tally {
  int refused = 0, read_error = 0, harmless = 0, bad = 0, undetectable = 0;
};

class CorruptionTest : public ::testing::Test {
 protected:
  // Writes dossiers and versions; with `crash_image`, the last ones only reach the log and the
  // image is taken while the database is open (as a crash would leave it).
  Image Make(const std::string& dir, bool crash_image, const std::string& image_dir) {
    Image image;
    {
      auto t = testing::OpenOrDie(dir);
      for (int i = 0; i < 12; ++i) {
        auto c = t->Create(t.editor, Line("07918420" + std::to_string(1000 + i)), Ctx("tạo"));
        EXPECT_TRUE(c.ok()) << c.status().ToString();
        if (i % 3 == 0) {
          auto u = t->ChangeStatus(t.editor, c->id, 1, "nghiHuu", Ctx("nghỉ hưu"));
          EXPECT_TRUE(u.ok()) << u.status().ToString();
        }
      }
      EXPECT_TRUE(t->Close().ok());
    }
    auto t = testing::OpenOrDie(dir, testing::ReopenOptions());
    if (crash_image) {
      for (int i = 0; i < 4; ++i) {
        auto c = t->Create(t.editor, Line("07918430" + std::to_string(1000 + i)), Ctx("tạo"));
        EXPECT_TRUE(c.ok()) << c.status().ToString();
      }
    }
    auto ids = t->ListIds(t.admin, "", "", 1000);
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    for (const auto& id : *ids) {
      auto d = t->Get(t.admin, id, Purpose::kInspection);
      EXPECT_TRUE(d.ok());
      image.dossiers[id] = *d->ToJson();
    }
    std::vector<rocksdb::LiveFileMetaData> files;
    hsdt::internal::ImplAccess::Of(*t.db).store().raw_db()->GetLiveFilesMetaData(&files);
    for (const auto& f : files) image.sst_family[fs::path(f.name).filename().string()] = f.column_family_name;
    auto digest = t->DigestAudit(t.admin);
    image.audit_entries = digest->sequence;  // its own entry may come after
    if (crash_image) {
      EXPECT_TRUE(t->Sync(t.admin).ok());
      fs::copy(dir, image_dir, fs::copy_options::recursive);
      fs::remove(image_dir + "/LOCK");
    }
    EXPECT_TRUE(t->Close().ok());
    if (!crash_image) fs::copy(dir, image_dir, fs::copy_options::recursive);
    return image;
  }

  // Opens `dir` and reads everything; returns "" when the outcome is allowed, else what is wrong.
  // *outcome: refused, read_error or harmless.
  std::string Judge(const std::string& dir, const Image& image, std::string* outcome) {
    auto db = Database::Open(dir, testing::TestKey(), testing::ReopenOptions());
    if (!db.ok()) {
      *outcome = "refused";
      if (std::getenv("HSDT_SWEEP_VERBOSE") != nullptr) std::printf("    %s\n", db.status().ToString().c_str());
      const StatusCode c = db.status().code();
      if (c == StatusCode::kCorruption || c == StatusCode::kBadKey) return "";
      return "open failed with " + db.status().ToString() + ", expected Corruption";
    }
    auto admin = (*db)->Login(testing::kAdminUser, testing::kAdminPassword);
    if (!admin.ok()) {
      *outcome = "read_error";
      if (admin.status().code() != StatusCode::kCorruption) return "login: " + admin.status().ToString();
      return "";
    }
    bool read_failed = false;
    for (const auto& [id, json] : image.dossiers) {
      auto d = (*db)->Get(*admin, id, Purpose::kInspection);
      if (!d.ok()) {
        if (d.status().code() != StatusCode::kCorruption) return id + ": " + d.status().ToString() + " (silent loss?)";
        read_failed = true;
        continue;
      }
      if (*d->ToJson() != json) return id + ": wrong data";
    }
    auto audit = (*db)->VerifyAudit(*admin, nullptr);
    bool audit_bad = !audit.ok() || !audit->ok;
    if (audit.ok() && audit->ok && audit->entries < image.audit_entries) {
      return "audit: " + std::to_string(audit->entries) + " entries of " +
             std::to_string(image.audit_entries) + " and verification passed (silent loss)";
    }
    auto entries = (*db)->ReadAudit(*admin, 1, 1000000);
    if (!entries.ok()) {
      if (entries.status().code() != StatusCode::kCorruption) return "audit read: " + entries.status().ToString();
      audit_bad = true;
    } else if (entries->size() < image.audit_entries) {
      audit_bad = true;  // must be seen by Check below
    }
    auto check = (*db)->Check(*admin);
    const bool check_found = !check.ok() ? check.status().code() == StatusCode::kCorruption
                                         : !check->problems.empty();
    if ((read_failed || audit_bad) && !check_found) return "a read found damage that Check did not";
    *outcome = read_failed || audit_bad || check_found ? "read_error" : "harmless";
    return "";
  }

  void Sweep(bool crash_image) {
    testing::TempDir work;
    const std::string image_dir = work.Sub("image");
    const Image image = Make(work.Sub("db"), crash_image, image_dir);
    ASSERT_FALSE(HasFailure());
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(image_dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    std::map<std::string, Tally> tally;
    int mutations = 0;
    std::mt19937_64 rng(crash_image ? 7 : 8);
    const std::string dir = work.Sub("mutated");
    // The one loss no reader can see: the live log of a crashed database cut short looks like a
    // crash before those commits (docs/format.md, "What a crash or damage can lose").
    std::string live_log;
    for (const auto& n : names) if (n.ends_with(".log")) live_log = n;  // the newest
    auto run = [&](const std::string& kind, const std::string& what, const std::function<void()>& mutate,
                   bool may_lose = false) {
      fs::remove_all(dir);
      fs::copy(image_dir, dir, fs::copy_options::recursive);
      mutate();
      if (std::getenv("HSDT_SWEEP_VERBOSE") != nullptr) std::printf("  %s\n", what.c_str());
      std::string outcome;
      const std::string wrong = Judge(dir, image, &outcome);
      ++mutations;
      Tally& t = tally[kind];
      if (!wrong.empty() && may_lose && wrong.find("silent loss") != std::string::npos) {
        ++t.undetectable;
      } else if (!wrong.empty()) {
        ++t.bad;
        ADD_FAILURE() << what << ": " << wrong;
      } else if (outcome == "refused") {
        ++t.refused;
      } else if (outcome == "read_error") {
        ++t.read_error;
      } else {
        ++t.harmless;
      }
    };
    for (const auto& name : names) {
      if (name == "LOCK") continue;
      const std::string kind = KindOf(name, image);
      const std::uint64_t size = fs::file_size(image_dir + "/" + name);
      std::set<std::uint64_t> offsets = {0, 9, 20, 40, 4096, 4100, size / 2, size - 1};
      for (int i = 0; i < 6; ++i) offsets.insert(rng() % size);
      for (std::uint64_t off : offsets) {
        if (off >= size) continue;
        run(kind, name + " byte " + std::to_string(off) + " flipped", [&] { FlipByte(dir + "/" + name, off); });
      }
      for (std::uint64_t to : {std::uint64_t{100}, std::uint64_t{4095}, size / 2, size - 1}) {
        if (to >= size) continue;
        run(kind, name + " cut to " + std::to_string(to), [&] { fs::resize_file(dir + "/" + name, to); },
            crash_image && name == live_log && to >= 4096);
      }
      run(kind, name + " deleted", [&] { fs::remove(dir + "/" + name); });
    }
    std::vector<std::string> ssts;
    for (const auto& n : names) if (n.ends_with(".sst")) ssts.push_back(n);
    for (std::size_t i = 0; i + 1 < ssts.size(); ++i) {
      run("SST swap", ssts[i] + " swapped with " + ssts[i + 1], [&] {
        fs::rename(dir + "/" + ssts[i], dir + "/swap");
        fs::rename(dir + "/" + ssts[i + 1], dir + "/" + ssts[i]);
        fs::rename(dir + "/swap", dir + "/" + ssts[i + 1]);
      });
    }
    std::printf("[ sweep ] %s: %d mutations of %zu files\n", crash_image ? "crash image" : "closed database",
                mutations, names.size());
    for (const auto& [kind, t] : tally) {
      std::printf("[ sweep ]   %-11s refused %3d, damage found on read %3d, harmless %3d, wrong %d%s\n",
                  kind.c_str(), t.refused, t.read_error, t.harmless, t.bad,
                  t.undetectable > 0 ? (", live log cut (undetectable): " + std::to_string(t.undetectable)).c_str() : "");
    }
  }
};

TEST_F(CorruptionTest, ClosedDatabase) { Sweep(false); }
TEST_F(CorruptionTest, CrashImage) { Sweep(true); }

}  // namespace
}  // namespace hsdt
