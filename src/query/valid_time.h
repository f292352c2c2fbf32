// Valid time: what a dossier's event timelines say was in force on a given date (rank, salary
// step and coefficient, positions, working unit), as opposed to what its latest version holds.
#pragma once

#include <string_view>

#include <hsdt/query.h>

#include "schema/query_view.h"

namespace hsdt::query {

// `date` is a full date (YYYY-MM-DD). Rows without an effective date on or before it do not count.
InForce InForceOn(const schema::Timelines& t, std::string_view date);

}  // namespace hsdt::query
