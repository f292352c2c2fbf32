// Reference tables parsed from the embedded CSV files (cmake/embed_csv.cmake).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <hsdt/reference.h>

#include "schema/annotations.capnp.h"

namespace hsdt::schema {

struct RefData {
  std::vector<UnitRef> units;
  std::vector<RankRef> ranks;
  std::vector<CodeRef> ethnicities;
  std::vector<CodeRef> religions;
  std::vector<CodeRef> education;
  std::vector<NamePart> name_parts;
};

// Parsed on first use; immutable afterwards.
const RefData& Reference();

// True if `code` is in `table`.
bool HasCode(RefTable table, std::string_view code);

// Splits CSV text (RFC 4180 quoting) into rows of fields; the header row is dropped.
std::vector<std::vector<std::string>> ParseCsv(std::string_view text);

}  // namespace hsdt::schema
