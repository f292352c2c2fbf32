#include "query/valid_time.h"

#include <algorithm>
#include <charconv>

namespace hsdt::query {
namespace {

std::string NumberText(double v) {
  char buf[32];
  auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  return std::string(buf, end);
}

// Indexes of the rows of `rows` effective on or before `date`, in effective order (rows of one
// day in list order).
template <typename Row>
std::vector<unsigned> EffectiveBy(const std::vector<Row>& rows, std::string_view date) {
  std::vector<unsigned> out;
  for (unsigned i = 0; i < rows.size(); ++i) {
    const std::string& e = rows[i].effective_date;
    if (!e.empty() && std::string_view(e) <= date) out.push_back(i);
  }
  std::stable_sort(out.begin(), out.end(),
                   [&](unsigned a, unsigned b) { return rows[a].effective_date < rows[b].effective_date; });
  return out;
}

}  // namespace

InForce InForceOn(const schema::Timelines& t, std::string_view date) {
  InForce f;
  f.date = std::string(date);
  f.recruited = !t.recruitment_date.empty() && t.recruitment_date <= date;

  // Rank and salary: the latest salary row in force; without salary rows, the rank itself.
  if (auto rows = EffectiveBy(t.salary, date); !rows.empty()) {
    const auto& r = t.salary[rows.back()];
    f.rank = r.rank_code;
    f.rank_step = std::to_string(r.step);
    f.coefficient = NumberText(r.coefficient);
  } else if (t.salary.empty()) {
    if (t.rank.effective_date.empty() || t.rank.effective_date <= date) {
      f.rank = t.rank.code;
      f.rank_step = std::to_string(t.rank.step);
      f.coefficient = NumberText(t.rank.coefficient);
    }
  }

  // Positions: appointments add, dismissals and resignations remove, an ended term removes.
  if (t.appointments.empty()) {
    f.positions = t.current_positions;
  } else {
    for (unsigned i : EffectiveBy(t.appointments, date)) {
      const auto& a = t.appointments[i];
      f.positions.erase(std::remove(f.positions.begin(), f.positions.end(), a.position), f.positions.end());
      if (a.appointed && (a.term_end.empty() || a.term_end >= date)) f.positions.push_back(a.position);
    }
  }

  // Working unit: the latest transfer in force, unless its person has returned by then.
  const auto moved = EffectiveBy(t.transfers, date);
  if (!moved.empty()) {
    const auto& x = t.transfers[moved.back()];
    const bool back = !x.returned_on.empty() && x.returned_on <= date;
    f.working_unit = back ? (!x.from_unit.empty() ? x.from_unit : t.working_unit) : x.to_unit;
  } else if (!t.transfers.empty() && !t.transfers[0].from_unit.empty()) {
    f.working_unit = t.transfers[0].from_unit;  // before the first transfer
  } else {
    f.working_unit = t.working_unit;
  }
  return f;
}

}  // namespace hsdt::query
