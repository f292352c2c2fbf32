// The views of schema/query_view.h and schema/report_view.h taken from a Cap'n Proto reader
// (what their DossierView overloads call). For src/schema/ and tests only.
#pragma once

#include <array>
#include <string>

#include "schema/dossier.capnp.h"
#include "schema/query_view.h"
#include "schema/report_view.h"

namespace hsdt::schema {

StoredValues StoredValuesOf(Dossier::Reader d);
Timelines TimelinesOf(Dossier::Reader d);
// Which of kExpectedFields (schema/report_view.h) `d` fills.
std::array<bool, kExpectedFieldCount> FilledFields(Dossier::Reader d);
// The enumerant name of `c` ("unspecified" for 0; "?" if out of range).
std::string CategoryName(Category c);

}  // namespace hsdt::schema
