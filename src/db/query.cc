// The JSON forms of queries and counts (decoded by the schema, their filters built by the query
// layer; a purpose is the policy's word), and the db layer's audit helpers for filters.
#include <hsdt/query.h>

#include "base/guard.h"
#include "db/database_impl.h"
#include "query/vocabulary.h"
#include "schema/query_view.h"

namespace hsdt {

namespace db {
std::string WithoutQuotedValues(std::string_view message) {
  std::string out;
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message[i] != '"') {
      out.push_back(message[i]);
      continue;
    }
    out.append("\"?\"");
    for (++i; i < message.size() && message[i] != '"'; ++i) {
      if (message[i] == '\\') ++i;  // an escaped quote does not close the value
    }
  }
  return out;
}

}  // namespace db

Result<Query> Query::FromJson(std::string_view json) {
  return base::Guard([&]() -> Result<Query> {
    HSDT_ASSIGN_OR_RETURN(schema::QueryJsonView j, schema::DecodeQueryJson(json, false));
    Query q;
    if (j.filter) {
      HSDT_ASSIGN_OR_RETURN(q.filter, query::FilterFromJson(*j.filter, "$.filter"));
    }
    if (j.sort == "name") q.sort = SortOrder::kName;
    else if (j.sort == "fullName") q.sort = SortOrder::kFullName;
    else if (!j.sort.empty() && j.sort != "id") {
      return Status::InvalidArgument("$.sort: \"" + j.sort.substr(0, 32) +
                                     "\" is not a sort order; expected id, name or fullName");
    }
    HSDT_ASSIGN_OR_RETURN(q.fields, query::FieldsFromJson(j.fields, "$.fields"));
    if (j.limit != 0) q.limit = j.limit;
    q.cursor = std::move(j.cursor);
    q.allow_scan = j.allow_scan;
    if (j.purpose) {
      auto p = ParsePurpose(*j.purpose);
      if (!p) return Status::InvalidArgument("$.purpose: \"" + j.purpose->substr(0, 32) + "\" is not a purpose of article 11");
      q.purpose = *p;
    }
    q.reference_date = std::move(j.reference_date);
    q.on_date = std::move(j.on_date);
    return q;
  });
}

Result<CountQuery> CountQuery::FromJson(std::string_view json) {
  return base::Guard([&]() -> Result<CountQuery> {
    HSDT_ASSIGN_OR_RETURN(schema::QueryJsonView j, schema::DecodeQueryJson(json, true));
    CountQuery q;
    if (j.filter) {
      HSDT_ASSIGN_OR_RETURN(q.filter, query::FilterFromJson(*j.filter, "$.filter"));
    }
    HSDT_ASSIGN_OR_RETURN(q.group_by, query::FieldsFromJson(j.fields, "$.groupBy"));
    q.reference_date = std::move(j.reference_date);
    q.on_date = std::move(j.on_date);
    return q;
  });
}

}  // namespace hsdt
