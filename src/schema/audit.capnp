@0xb30be4a0e787b8c4;
# One entry of the audit log (docs/security.md). Never a password, hash, key or dossier content:
# ids, actions and outcomes only.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("hsdt::schema");

struct AuditEntry {
  sequence @0 :UInt64;
  recordedAtMicros @1 :Int64;
  keyGeneration @2 :UInt32;   # whose audit key chains this entry
  actor @3 :Text;             # account (folded user name), or "-" before login
  action @4 :Text;            # e.g. "read_dossier", "login"
  target @5 :Text;            # dossier id, account, unit, grant, hand-over...
  allowed @6 :Bool;           # outcome
  purpose @7 :Text;           # article 11
  reason @8 :Text;            # why it was denied, or the change's stated reason
  rule @9 :Text;              # the policy rule or grant that decided
}
