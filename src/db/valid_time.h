// Valid time: what a dossier's event timelines say was in force on a given date (rank, salary
// step and coefficient, positions, working unit), as opposed to what its latest version holds.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <hsdt/query.h>

#include "schema/dossier.capnp.h"

namespace hsdt::db {

// `date` is a full date (YYYY-MM-DD). Rows without an effective date on or before it do not count.
InForce InForceOn(schema::Dossier::Reader d, std::string_view date);

}  // namespace hsdt::db
