// Child process of crash_test: writes dossiers in a loop and reports each acknowledged commit on
// stdout ("<id> <version>"), until it is killed.
//   crash_writer DB_DIR sync|nosync SEED
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>

#include "support/test_util.h"

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  hsdt::OpenOptions o = hsdt::testing::CreateOptions();
  o.durability = std::string(argv[2]) == "sync" ? hsdt::Durability::kSync : hsdt::Durability::kNoSync;
  o.dictionary_training_records = 0;
  hsdt::testing::TestDb db = hsdt::testing::OpenOrDie(argv[1], o);
  const long seed = std::atol(argv[3]);
  std::mt19937 rng(static_cast<unsigned>(seed));
  std::map<std::string, std::uint32_t> mine;
  for (long i = 0;; ++i) {
    std::string line;
    if (mine.empty() || rng() % 2 == 0) {
      char number[40];
      std::snprintf(number, sizeof number, "%03ld%09ld", seed % 1000, i % 1000000000);
      auto w = db->Create(db.editor, hsdt::testing::SampleWithNationalId(number), hsdt::testing::Ctx());
      if (!w.ok()) return 3;
      mine[w->id] = w->version;
      line = w->id + " " + std::to_string(w->version) + "\n";
    } else {
      auto it = mine.begin();
      std::advance(it, rng() % mine.size());
      auto current = db->Get(db.editor, it->first);
      if (!current.ok()) return 4;
      std::string body = current->ToJson().value();
      body = hsdt::testing::JsonSet(body, "phone", "\"0" + std::to_string(100000000 + i) + "\"");
      auto w = db->Update(db.editor, it->first, it->second, body, hsdt::testing::Ctx());
      if (!w.ok()) return 5;
      it->second = w->version;
      line = w->id + " " + std::to_string(w->version) + "\n";
    }
    // Acknowledged: report it with one unbuffered write.
    if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 6;
  }
}
