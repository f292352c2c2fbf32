// What the layers above schema use of schema reflection, without Cap'n Proto: the limits the
// annotations impose, the redaction of a dossier and the field-level difference of two. (The
// rules annotations carry and the names of enumerants: schema/internal/reflect.h.)
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <hsdt/policy.h>

#include "schema/record.h"

namespace hsdt::schema {

inline constexpr std::size_t kShortTextBytes = 512;
inline constexpr std::size_t kLongTextBytes = 16 * 1024;
inline constexpr std::size_t kMaxListRows = 1000;
inline constexpr std::size_t kMaxDossierJsonBytes = 1024 * 1024;

// Removes from `m` every field more sensitive than `visible` (annotations, inherited from
// parents).
void RedactDossier(DossierMessage& m, Visibility visible);

// Appends to `out` the JSON paths ("$.rank.step", "$.training[2]") whose values differ between
// `a` and `b`, in schema order (DiffStructs of schema/internal/reflect.h).
void DiffDossiers(const DossierView& a, const DossierView& b, std::vector<std::string>* out);

}  // namespace hsdt::schema
