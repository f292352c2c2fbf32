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

struct StoredAttachment {
  # One version of an attachment (sealed in the attachments column family, docs/format.md).
  version @0 :UInt32;
  dossierId @1 :UInt64;
  dossierVersion @2 :UInt32;
  event @3 :Text;
  kind @4 :UInt16;
  title @5 :Text;
  sourceNumber @6 :Text;
  sourceDate @7 :Text;
  pages @8 :UInt32;
  mediaType @9 :Text;
  size @10 :UInt64;
  sha256 @11 :Data;
  contentId @12 :Data;
  blobId @13 :Data;
  chunks @14 :UInt32;
  recordedAtMicros @15 :Int64;
  actor @16 :Text;
  reason @17 :Text;
}
