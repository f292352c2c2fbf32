// The views of schema/query_view.h taken from a Cap'n Proto reader, for the callers that hold
// one (the db layer's writes and checks).
#pragma once

#include "schema/dossier.capnp.h"
#include "schema/query_view.h"

namespace hsdt::schema {

StoredValues StoredValuesOf(Dossier::Reader d);
Timelines TimelinesOf(Dossier::Reader d);

}  // namespace hsdt::schema
