// Fuzz target: the query and count JSON (Query::FromJson, CountQuery::FromJson, docs/format.md
// "Queries") must never crash, hang or leak, whatever the bytes: a query parses, or the answer is
// InvalidArgument. A parsed query's filter prints (Filter::ToString) and names only real fields.
// Built as a replay program over tests/fuzz/corpus/query_json/ (run by CTest), or as a libFuzzer
// binary with HSDT_BUILD_FUZZERS=ON under clang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <hsdt/query.h>

namespace {

bool KnownField(hsdt::Field f) {
  const int n = static_cast<int>(f);
  return n >= 1 && n <= hsdt::kFieldCount && hsdt::ParseField(hsdt::FieldName(f)) == f;
}

// Walks the filter tree: every node is well formed as Filter::Node promises.
void CheckFilter(const hsdt::Filter& filter, int depth) {
  using Kind = hsdt::Filter::Kind;
  if (depth > 1000) __builtin_trap();  // the JSON nesting limit must have stopped this
  const auto& n = filter.node();
  switch (n.kind) {
    case Kind::kAll: break;
    case Kind::kAnd:
    case Kind::kOr:
      if (n.children.size() < 2) __builtin_trap();
      break;
    case Kind::kNot:
      if (n.children.size() != 1) __builtin_trap();
      break;
    case Kind::kEq:
    case Kind::kName:
      if (n.values.size() != 1) __builtin_trap();
      break;
    case Kind::kIn:
      break;  // values are checked when the query runs (1 to 1000 of them)
    case Kind::kRange:
      if (n.values.size() != 2) __builtin_trap();
      break;
  }
  if (n.kind == Kind::kEq || n.kind == Kind::kIn || n.kind == Kind::kRange) {
    if (!KnownField(n.field) || !n.children.empty()) __builtin_trap();
  }
  for (const auto& c : n.children) CheckFilter(c, depth + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  auto q = hsdt::Query::FromJson(json);
  if (q.ok()) {
    CheckFilter(q->filter, 0);
    if (q->filter.ToString().empty()) __builtin_trap();
    for (hsdt::Field f : q->fields) {
      if (!KnownField(f)) __builtin_trap();
    }
    if (q->sort != hsdt::SortOrder::kId && q->sort != hsdt::SortOrder::kName) __builtin_trap();
  } else if (q.status().code() != hsdt::StatusCode::kInvalidArgument) {
    __builtin_trap();  // bad input is InvalidArgument, nothing else
  }
  auto c = hsdt::CountQuery::FromJson(json);
  if (c.ok()) {
    CheckFilter(c->filter, 0);
    (void)c->filter.ToString();
    for (hsdt::Field f : c->group_by) {
      if (!KnownField(f)) __builtin_trap();
    }
  } else if (c.status().code() != hsdt::StatusCode::kInvalidArgument) {
    __builtin_trap();
  }
  return 0;
}
