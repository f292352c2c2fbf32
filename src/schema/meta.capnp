@0xfeb423c2da290c4c;
# Records the storage layer keeps about dossiers: the per-version change record.

using Cxx = import "/capnp/c++.capnp";
using A = import "annotations.capnp";
$Cxx.namespace("hsdt::schema");

enum ChangeKind { unspecified @0; create @1; update @2; statusChange @3; handOver @4; }

struct VersionInfo {
  # One entry of a dossier's history (sealed in the history column family).
  version @0 :UInt32;
  recordedAtMicros @1 :Int64;
  kind @2 :ChangeKind;
  status @3 :Text;
  actor @4 :Text;
  reason @5 :Text;
  sourceNumber @6 :Text;
  sourceDate @7 :Text;
}
