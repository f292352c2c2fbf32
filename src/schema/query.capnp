@0xd3a1c64f0b7e2a95;
# The JSON form of queries (docs/format.md, "Queries"), decoded with Cap'n Proto's JsonCodec.
# A filter object sets exactly one of its members.

using Cxx = import "/capnp/c++.capnp";
using A = import "annotations.capnp";
$Cxx.namespace("hsdt::schema");

struct FilterJson {
  all @0 :Bool;
  and @1 :List(FilterJson);
  or @2 :List(FilterJson);
  not @3 :FilterJson;
  eq @4 :FieldValue;
  in @5 :FieldValues;
  range @6 :FieldRange;
  name @7 :NameSearch;
}

struct FieldValue {
  field @0 :Text;
  value @1 :Text;
}

struct FieldValues {
  field @0 :Text;
  values @1 :List(Text);
}

struct FieldRange {
  field @0 :Text;
  from @1 :Text;
  to @2 :Text;
}

struct NameSearch {
  text @0 :Text;
  match @1 :Text;  # exact, prefix or tokens (the default)
}

struct QueryJson {
  filter @0 :FilterJson;
  sort @1 :Text;             # id (the default) or name
  fields @2 :List(Text);
  limit @3 :UInt32 $A.range((min = 1, max = 1000));  # absent: 100; 0 is refused
  cursor @4 :Text;
  allowScan @5 :Bool;
  purpose @6 :Text;
  referenceDate @7 :Text;
  onDate @8 :Text;
}

struct CountJson {
  filter @0 :FilterJson;
  groupBy @1 :List(Text);
  referenceDate @2 :Text;
  onDate @3 :Text;
}
