@0xc27d9cdcede1fba9;
# The registry: accounts, units, written-consent grants and hand-overs. Each change is a new
# version, kept forever, so any past decision can be replayed (Explain).

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("hsdt::schema");

struct Change {
  # Who made a registry change, why, and on what authority.
  actor @0 :Text;
  reason @1 :Text;
  sourceNumber @2 :Text;
  sourceDate @3 :Text;
}

struct Account {
  userName @0 :Text;          # as entered; the key is its case-folded form
  displayName @1 :Text;
  unit @2 :Text;
  role @3 :UInt8;             # hsdt::Role
  state @4 :UInt8;            # hsdt::AccountState
  passwordHash @5 :Text;      # crypto_pwhash_str (Argon2id); sealed like every registry value
  mustChangePassword @6 :Bool;
  sessionEpoch @7 :UInt32;    # sessions of an older epoch are over (password changed)
  change @8 :Change;
}

struct LoginState {
  # Not versioned: the failed-login counter and lock, kept across restarts.
  failedLogins @0 :UInt32;
  lockedUntilMicros @1 :Int64;
}

struct Unit {
  code @0 :Text;
  nameVi @1 :Text;
  kind @2 :Text;
  tier @3 :UInt8;
  active @4 :Bool;
  change @5 :Change;
}

struct Grant {
  id @0 :Text;
  granteeUser @1 :Text;       # folded, or empty
  granteeUnit @2 :Text;       # or empty
  dossiers @3 :List(Text);
  scopeUnit @4 :Text;
  rights @5 :UInt32;          # hsdt::GrantRight flags
  purposes @6 :List(UInt8);   # hsdt::Purpose; empty: any named purpose
  legalNumber @7 :Text;       # the written approval (article 8.2)
  legalDate @8 :Text;
  legalSigner @9 :Text;
  validFromMicros @10 :Int64;
  validUntilMicros @11 :Int64;
  issuedBy @12 :Text;
  revoked @13 :Bool;
  change @14 :Change;
}

struct HandOver {
  id @0 :Text;
  dossierId @1 :Text;
  fromUnit @2 :Text;
  toUnit @3 :Text;
  requestNumber @4 :Text;     # the receiving unit's written request (article 10)
  requestDate @5 :Text;
  requestedBy @6 :Text;
  state @7 :UInt8;            # 1 pending, 2 approved, 3 rejected
  decidedBy @8 :Text;
  change @9 :Change;
}
