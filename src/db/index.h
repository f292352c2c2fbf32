// The index family as the db layer names it. The encoder is query/keys.h and the summary row
// query/fields.h; this adds the entries of a dossier the caller holds as a schema::DossierView.
#pragma once

#include "query/fields.h"
#include "query/keys.h"
#include "schema/query_view.h"
#include "schema/record.h"

namespace hsdt::db {

using query::DecodeSummary;
using query::FieldIndexPrefix;
using query::FieldValue;
using query::IndexEntries;
using query::IndexNameOf;
using query::IndexTarget;
using query::kIndexFormat;
using query::kIndexFormatKey;
using query::kStoredFields;
using query::PutOrdered;
using query::Summary;
using query::SummaryKey;

inline IndexEntries IndexEntriesOf(const schema::DossierView& d, std::uint64_t id) {
  return query::IndexEntriesOf(schema::StoredValuesOf(d), id);
}

}  // namespace hsdt::db
