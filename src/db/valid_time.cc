#include "db/valid_time.h"

#include <algorithm>
#include <charconv>

namespace hsdt::db {
namespace {

std::string Str(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

std::string NumberText(double v) {
  char buf[32];
  auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  return std::string(buf, end);
}

// Indexes of the rows of `rows` effective on or before `date`, in effective order (rows of one
// day in list order).
template <typename List>
std::vector<unsigned> EffectiveBy(List rows, std::string_view date) {
  std::vector<unsigned> out;
  for (unsigned i = 0; i < rows.size(); ++i) {
    const auto e = rows[i].getEffectiveDate();
    if (e.size() > 0 && std::string_view(e.cStr(), e.size()) <= date) out.push_back(i);
  }
  std::stable_sort(out.begin(), out.end(), [&](unsigned a, unsigned b) {
    return std::string_view(rows[a].getEffectiveDate().cStr()) < std::string_view(rows[b].getEffectiveDate().cStr());
  });
  return out;
}

}  // namespace

InForce InForceOn(schema::Dossier::Reader d, std::string_view date) {
  InForce f;
  f.date = std::string(date);
  const std::string recruited = Str(d.getRecruitment().getDate());
  f.recruited = !recruited.empty() && recruited <= date;

  // Rank and salary: the latest salary row in force; without salary rows, the rank itself.
  auto salary = d.getSalaryHistory();
  if (auto rows = EffectiveBy(salary, date); !rows.empty()) {
    auto r = salary[rows.back()];
    f.rank = Str(r.getRankCode());
    f.rank_step = std::to_string(r.getStep());
    f.coefficient = NumberText(r.getCoefficient());
  } else if (salary.size() == 0) {
    auto r = d.getRank();
    const std::string since = Str(r.getEffectiveDate());
    if (since.empty() || since <= date) {
      f.rank = Str(r.getCode());
      f.rank_step = std::to_string(r.getStep());
      f.coefficient = NumberText(r.getCoefficient());
    }
  }

  // Positions: appointments add, dismissals and resignations remove, an ended term removes.
  auto appointments = d.getAppointments();
  if (appointments.size() == 0) {
    for (auto p : d.getCurrentPositions()) f.positions.push_back(Str(p));
  } else {
    for (unsigned i : EffectiveBy(appointments, date)) {
      auto a = appointments[i];
      const std::string position = Str(a.getPosition());
      f.positions.erase(std::remove(f.positions.begin(), f.positions.end(), position), f.positions.end());
      const std::string term_end = Str(a.getTermEnd());
      const bool appointed = a.getKind() == schema::AppointmentKind::BO_NHIEM ||
                             a.getKind() == schema::AppointmentKind::BO_NHIEM_LAI;
      if (appointed && (term_end.empty() || term_end >= date)) f.positions.push_back(position);
    }
  }

  // Working unit: the latest transfer in force, unless its person has returned by then.
  auto transfers = d.getTransfers();
  const auto moved = EffectiveBy(transfers, date);
  if (!moved.empty()) {
    auto t = transfers[moved.back()];
    const std::string returned = Str(t.getReturnedOn());
    const bool back = !returned.empty() && returned <= date;
    f.working_unit = back ? (t.getFromUnit().size() > 0 ? Str(t.getFromUnit()) : Str(d.getWorkingUnit()))
                          : Str(t.getToUnit());
  } else if (transfers.size() > 0 && transfers[0].getFromUnit().size() > 0) {
    f.working_unit = Str(transfers[0].getFromUnit());  // before the first transfer
  } else {
    f.working_unit = Str(d.getWorkingUnit());
  }
  return f;
}

}  // namespace hsdt::db
