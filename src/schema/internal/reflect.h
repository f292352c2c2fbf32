// Schema reflection: the rules annotations carry (schema/annotations.capnp), the field-level
// difference of two records, and the names of enumerants (the one place they are looked up).
// The Cap'n Proto side of schema/reflect.h; for src/schema/ and tests only.
#pragma once

#include <capnp/dynamic.h>
#include <capnp/schema.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/annotations.capnp.h"
#include "schema/reflect.h"

namespace hsdt::schema {

inline constexpr std::uint64_t kSensitivityId = 0xaaa90d5bd10cc403ull;
inline constexpr std::uint64_t kRequiredId = 0xbc11018c8a48d631ull;
inline constexpr std::uint64_t kLongTextId = 0xfc710ed435c30ef7ull;
inline constexpr std::uint64_t kDateId = 0xf0eb04eecd46af5aull;
inline constexpr std::uint64_t kRefId = 0xe153cc1e3723413dull;
inline constexpr std::uint64_t kRangeId = 0xa6b476eeb0e4e8feull;
inline constexpr std::uint64_t kEngineSetId = 0xebb9e4fedc2a6753ull;

// The rules one field's annotations carry.
struct FieldRules {
  bool required = false;
  bool long_text = false;
  bool engine_set = false;
  bool has_date = false;
  DateForm date = DateForm::FULL;
  bool has_ref = false;
  RefTable ref = RefTable::UNIT;
  bool has_range = false;
  double min = 0;
  double max = 0;
  Sensitivity sensitivity = Sensitivity::NORMAL;

  std::size_t max_text_bytes() const { return long_text ? kLongTextBytes : kShortTextBytes; }
};

FieldRules RulesOf(capnp::StructSchema::Field field);

// The rules of every field of `schema`, indexed by field index; computed once per struct type
// and kept for the life of the process. Thread-safe.
const std::vector<FieldRules>& RulesFor(capnp::StructSchema schema);

// Appends to `out` the JSON paths ("$.rank.step", "$.training[2]") whose values differ between
// `a` and `b`, in schema order. Engine-set fields (id, recordedAt) are not compared. A struct
// present on one side only, or a list row beyond the other side's length, is one path.
void DiffStructs(capnp::DynamicStruct::Reader a, capnp::DynamicStruct::Reader b,
                 std::vector<std::string>* out);

// Removes every field more sensitive than `visible` (annotations, inherited from parents).
void Redact(capnp::DynamicStruct::Builder value, Sensitivity visible);

// True if two values of the same type are equal, ignoring engine-set fields.
bool ValuesEqual(capnp::DynamicValue::Reader a, capnp::DynamicValue::Reader b);

// The name of enumerant `raw` of `schema` as the schema spells it ("active"; "unspecified" for
// 0), or "" if the schema has no such enumerant.
std::string EnumerantName(capnp::EnumSchema schema, std::uint16_t raw);
// The enumerant of `schema` named exactly `name`, or nullopt.
std::optional<std::uint16_t> EnumerantByName(capnp::EnumSchema schema, std::string_view name);

// The same for a generated enum type: EnumName(DossierStatus::ACTIVE) == "active".
template <typename E>
std::string EnumName(E value) {
  return EnumerantName(capnp::Schema::from<E>(), static_cast<std::uint16_t>(value));
}
template <typename E>
std::optional<E> EnumByName(std::string_view name) {
  const std::optional<std::uint16_t> raw = EnumerantByName(capnp::Schema::from<E>(), name);
  if (!raw) return std::nullopt;
  return static_cast<E>(*raw);
}

}  // namespace hsdt::schema
