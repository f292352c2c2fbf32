// The query vocabulary beyond the public Filter class: filters from the schema's view of their
// JSON form, and their shape for the audit log.
#pragma once

#include <string>
#include <vector>

#include <hsdt/query.h>

#include "schema/query_view.h"

namespace hsdt::query {

// The filter of a JSON filter object; errors name the JSON path, starting at `path`.
Result<Filter> FilterFromJson(const schema::FilterJsonView& j, const std::string& path);
// The fields of a JSON list of field names.
Result<std::vector<Field>> FieldsFromJson(const std::vector<std::string>& names, const std::string& path);
// The shape of a filter for the audit log: operators and fields, every value written `?`.
std::string FilterShape(const Filter& f);

}  // namespace hsdt::query
