// Valid time of a dossier the caller holds as a Cap'n Proto reader (query/valid_time.h).
#pragma once

#include "query/valid_time.h"
#include "schema/query_view_reader.h"

namespace hsdt::db {

inline InForce InForceOn(schema::Dossier::Reader d, std::string_view date) {
  return query::InForceOn(schema::TimelinesOf(d), date);
}

}  // namespace hsdt::db
