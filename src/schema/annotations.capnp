@0x8a598cb06e4b7207;
# Annotations that carry the data model's rules in the schema, so that validation, redaction and
# diff work by reflection instead of hand-written field lists.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("hsdt::schema");

enum Sensitivity {
  normal @0;        # N: anyone who may read the dossier
  personal @1;      # P: identity numbers, contacts, addresses, ethnicity, religion, health...
  confidential @2;  # C: discipline, assets and income, political history, assessments
}

annotation sensitivity @0xaaa90d5bd10cc403 (field) :Sensitivity;
# Sensitivity of a field and everything under it. Unmarked fields are normal; a field inherits
# the highest level of its ancestors.

annotation required @0xbc11018c8a48d631 (field) :Void;
# The JSON object must contain this field.

annotation longText @0xfc710ed435c30ef7 (field) :Void;
# A text of at most 16 KiB instead of the default 512 bytes.

enum DateForm {
  full @0;     # YYYY-MM-DD
  partial @1;  # YYYY-MM-DD, YYYY-MM or YYYY
}
annotation date @0xf0eb04eecd46af5a (field) :DateForm;
# A Text field holding an ISO date.

enum RefTable {
  unit @0;
  rank @1;
  ethnicity @2;
  religion @3;
  generalEducation @4;
  professionalLevel @5;
  politicalTheory @6;
  stateManagement @7;
  itLevel @8;
  foreignLanguage @9;
  trainingMode @10;
}
annotation ref @0xe153cc1e3723413d (field) :RefTable;
# A Text field holding a code of a reference table (data/*.csv).

struct Range {
  min @0 :Float64;
  max @1 :Float64;
}
annotation range @0xa6b476eeb0e4e8fe (field) :Range;
# Inclusive bounds of a number.

annotation engineSet @0xebb9e4fedc2a6753 (field) :Void;
# Set by the engine (id, recordedAt); a client value is ignored.
