@0xe8af5cb659fe3ab3;
# The lines and the manifest of an archive (docs/archive.md), as JSON through Cap'n Proto's JSON
# codec: field names are the JSON member names; a member equal to its default (empty text, 0,
# false) is left out. Instants are UTC text "YYYY-MM-DDTHH:MM:SS.ffffffZ"; numbers that may pass
# 2^32 are JSON numbers (Float64 here), whole and below 2^53.

using Cxx = import "/capnp/c++.capnp";
using A = import "annotations.capnp";
using D = import "dossier.capnp";
$Cxx.namespace("hsdt::schema::wire");

struct ArchiveChange {
  # Who made a change, why, on what authority.
  actor @0 :Text;
  reason @1 :Text $A.longText;
  sourceNumber @2 :Text;
  sourceDate @3 :Text;
}

struct ArchiveDossierVersion {
  id @0 :Text;
  version @1 :UInt32;
  recordedAt @2 :Text;
  kind @3 :Text;           # create, update, statusChange, handOver
  status @4 :Text;
  change @5 :ArchiveChange;
  dossier @6 :D.Dossier;
}

struct ArchiveAccount {
  userName @0 :Text;
  version @1 :UInt32;
  recordedAt @2 :Text;
  displayName @3 :Text;
  unit @4 :Text;
  role @5 :Text;
  state @6 :Text;
  mustChangePassword @7 :Bool;
  sessionEpoch @8 :UInt32;
  change @9 :ArchiveChange;
}

struct ArchiveUnit {
  code @0 :Text;
  version @1 :UInt32;
  recordedAt @2 :Text;
  nameVi @3 :Text;
  kind @4 :Text;
  tier @5 :UInt32;
  active @6 :Bool;
  change @7 :ArchiveChange;
}

struct ArchiveGrant {
  id @0 :Text;
  version @1 :UInt32;
  recordedAt @2 :Text;
  granteeUser @3 :Text;
  granteeUnit @4 :Text;
  dossiers @5 :List(Text);
  scopeUnit @6 :Text;
  rights @7 :List(Text);   # read, personal, confidential, export
  purposes @8 :List(Text);
  legalNumber @9 :Text;
  legalDate @10 :Text;
  legalSigner @11 :Text;
  validFrom @12 :Text;
  validUntil @13 :Text;    # empty: no end
  issuedBy @14 :Text;
  revoked @15 :Bool;
  change @16 :ArchiveChange;
}

struct ArchiveHandOver {
  id @0 :Text;
  version @1 :UInt32;
  recordedAt @2 :Text;
  dossierId @3 :Text;
  fromUnit @4 :Text;
  toUnit @5 :Text;
  requestNumber @6 :Text;
  requestDate @7 :Text;
  requestedBy @8 :Text;
  state @9 :Text;
  decidedBy @10 :Text;
  change @11 :ArchiveChange;
}

struct ArchiveAuditEntry {
  sequence @0 :Float64;
  recordedAt @1 :Text;
  actor @2 :Text;
  action @3 :Text;
  target @4 :Text $A.longText;
  allowed @5 :Bool;
  purpose @6 :Text;
  reason @7 :Text $A.longText;
  rule @8 :Text;
  chain @9 :Text;          # docs/archive.md, "Audit log"
}

struct ArchiveAttachment {
  id @0 :Text;
  version @1 :UInt32;
  recordedAt @2 :Text;
  dossierId @3 :Text;
  dossierVersion @4 :UInt32;
  event @5 :Text;
  kind @6 :Text;
  title @7 :Text;
  sourceNumber @8 :Text;
  sourceDate @9 :Text;
  pages @10 :UInt32;
  mediaType @11 :Text;
  size @12 :Float64;
  sha256 @13 :Text;
  file @14 :Text;
  actor @15 :Text;
  reason @16 :Text $A.longText;
}

struct ArchiveFile {
  path @0 :Text;
  bytes @1 :Float64;
  sha256 @2 :Text;
}

struct ArchiveManifest {
  format @0 :Text;             # "hsdt-archive"
  formatVersion @1 :UInt32;    # 1
  software @2 :Text;           # "hsdt 1.1.0"
  createdAt @3 :Text;
  timeZone @4 :Text;
  dossiers @5 :Float64;
  dossierVersions @6 :Float64;
  accountVersions @7 :Float64;
  unitVersions @8 :Float64;
  grantVersions @9 :Float64;
  handOverVersions @10 :Float64;
  attachmentVersions @11 :Float64;
  auditEntries @12 :Float64;
  auditLastSequence @13 :Float64;
  auditChain @14 :Text;        # the chain value of the last audit line
  files @15 :List(ArchiveFile);
}
