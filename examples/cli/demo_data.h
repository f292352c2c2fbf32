// A synthetic but realistic district for the demo: people with Vietnamese names, ranks, salary
// histories, training, rewards, evaluations, families and yearly declarations, generated
// deterministically from a seed (the same seed gives the same district on every machine).
#pragma once

#include <cstdint>
#include <string>

namespace hsdt::cli {

struct DemoPerson {
  std::string json;       // one dossier, canonical JSON
  std::string unit;       // managing unit code
  std::string full_name;
  std::string national_id;
  std::string birth_date;
  std::string rank_code;
  int step = 0;
  int steps = 0;
};

class DemoDistrict {
 public:
  explicit DemoDistrict(std::uint64_t seed) : seed_(seed) {}
  // Person number `i` (0-based) of the district. With `raised`, the same person after one more
  // regular salary raise (effective 2026-11-01), if their rank has a step left.
  DemoPerson Person(int i, bool raised = false) const;

 private:
  std::uint64_t seed_;
};

}  // namespace hsdt::cli
