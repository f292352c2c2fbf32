// The query vocabulary: filters built in code or from their JSON form (through the schema's view
// of it, schema/query_view.h), and their text forms.
#include "query/vocabulary.h"

#include "schema/text.h"

namespace hsdt {

Filter::Filter() : node_(std::make_shared<const Node>()) {}

Filter Filter::FromNode(Node node) { return Filter(std::make_shared<const Node>(std::move(node))); }

Filter Filter::Eq(Field field, std::string value) {
  Node n;
  n.kind = Kind::kEq;
  n.field = field;
  n.values.push_back(std::move(value));
  return FromNode(std::move(n));
}

Filter Filter::In(Field field, std::vector<std::string> values) {
  Node n;
  n.kind = Kind::kIn;
  n.field = field;
  n.values = std::move(values);
  return FromNode(std::move(n));
}

Filter Filter::Range(Field field, std::string from, std::string to) {
  Node n;
  n.kind = Kind::kRange;
  n.field = field;
  n.values = {std::move(from), std::move(to)};
  return FromNode(std::move(n));
}

Filter Filter::Name(std::string text, NameMatch match) {
  Node n;
  n.kind = Kind::kName;
  n.values.push_back(std::move(text));
  n.match = match;
  return FromNode(std::move(n));
}

namespace {
Filter Combine(Filter::Kind kind, const Filter& a, const Filter& b) {
  Filter::Node n;
  n.kind = kind;
  for (const Filter* f : {&a, &b}) {
    if (f->node().kind == kind) {
      n.children.insert(n.children.end(), f->node().children.begin(), f->node().children.end());
    } else {
      n.children.push_back(*f);
    }
  }
  return Filter::FromNode(std::move(n));
}
}  // namespace

Filter operator&&(const Filter& a, const Filter& b) {
  if (a.node().kind == Filter::Kind::kAll) return b;
  if (b.node().kind == Filter::Kind::kAll) return a;
  return Combine(Filter::Kind::kAnd, a, b);
}

Filter operator||(const Filter& a, const Filter& b) {
  if (a.node().kind == Filter::Kind::kAll) return a;
  if (b.node().kind == Filter::Kind::kAll) return b;
  return Combine(Filter::Kind::kOr, a, b);
}

Filter operator!(const Filter& a) {
  Filter::Node n;
  n.kind = Filter::Kind::kNot;
  n.children.push_back(a);
  return Filter::FromNode(std::move(n));
}

namespace {

const char* MatchName(NameMatch m) {
  switch (m) {
    case NameMatch::kExact: return "exact";
    case NameMatch::kPrefix: return "prefix";
    case NameMatch::kTokens: return "tokens";
  }
  return "?";
}

void AppendQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s.substr(0, 128)) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

// The text form of `f`; with `shape_only`, every value is written `?` (an open range bound `*`,
// a list of n values `?xn`): the operators, fields and number of values, never a value.
void AppendFilter(std::string* out, const Filter& f, bool shape_only = false) {
  const Filter::Node& n = f.node();
  switch (n.kind) {
    case Filter::Kind::kAll: out->append("(all)"); return;
    case Filter::Kind::kAnd:
    case Filter::Kind::kOr:
    case Filter::Kind::kNot:
      out->append(n.kind == Filter::Kind::kAnd ? "(and" : n.kind == Filter::Kind::kOr ? "(or" : "(not");
      for (const Filter& c : n.children) {
        out->push_back(' ');
        AppendFilter(out, c, shape_only);
      }
      out->push_back(')');
      return;
    case Filter::Kind::kEq:
    case Filter::Kind::kIn:
    case Filter::Kind::kRange:
      out->append(n.kind == Filter::Kind::kEq ? "(eq " : n.kind == Filter::Kind::kIn ? "(in " : "(range ");
      out->append(FieldName(n.field));
      if (shape_only && n.kind == Filter::Kind::kIn) {
        out->append(" ?x").append(std::to_string(n.values.size())).push_back(')');
        return;
      }
      for (const auto& v : n.values) {
        out->push_back(' ');
        if (!shape_only) AppendQuoted(out, v);
        else out->push_back(v.empty() && n.kind == Filter::Kind::kRange ? '*' : '?');
      }
      out->push_back(')');
      return;
    case Filter::Kind::kName:
      out->append("(name ").append(MatchName(n.match)).push_back(' ');
      if (shape_only) out->push_back('?');
      else AppendQuoted(out, n.values.empty() ? "" : n.values[0]);
      out->push_back(')');
      return;
  }
}

Status FieldError(const std::string& path, std::string_view name) {
  return Status::InvalidArgument(path + ": \"" + std::string(name.substr(0, 64)) + "\" is not a field");
}


Result<Field> FieldAt(const std::string& name, const std::string& path) {
  auto f = ParseField(name);
  if (!f) return FieldError(path, name);
  return *f;
}

}  // namespace

std::string Filter::ToString() const {
  std::string out;
  AppendFilter(&out, *this);
  return out;
}

std::string FoldForSearch(std::string_view text) {
  try {
    return schema::FoldForSearch(text);
  } catch (...) {  // ICU unavailable or out of memory: nothing to compare with
    return std::string();
  }
}

namespace query {

std::string FilterShape(const Filter& f) {
  std::string out;
  AppendFilter(&out, f, true);
  return out;
}

Result<Filter> FilterFromJson(const schema::FilterJsonView& j, const std::string& path) {
  if (j.members_set != 1) {
    return Status::InvalidArgument(path + ": a filter sets exactly one of all, and, or, not, eq, in, range, name");
  }
  if (j.all) return Filter();
  if (j.has_and || j.has_or) {
    const bool is_and = j.has_and;
    const std::string base = path + (is_and ? ".and" : ".or");
    if (j.children.empty()) return Status::InvalidArgument(base + ": empty list");
    std::optional<Filter> out;
    for (std::size_t i = 0; i < j.children.size(); ++i) {
      HSDT_ASSIGN_OR_RETURN(Filter c, FilterFromJson(j.children[i], base + "[" + std::to_string(i) + "]"));
      out = !out ? c : is_and ? (*out && c) : (*out || c);
    }
    return *out;
  }
  if (j.has_not) {
    HSDT_ASSIGN_OR_RETURN(Filter c, FilterFromJson(j.children[0], path + ".not"));
    return !c;
  }
  if (j.has_eq) {
    HSDT_ASSIGN_OR_RETURN(Field f, FieldAt(j.field, path + ".eq.field"));
    return Filter::Eq(f, j.values[0]);
  }
  if (j.has_in) {
    HSDT_ASSIGN_OR_RETURN(Field f, FieldAt(j.field, path + ".in.field"));
    return Filter::In(f, j.values);
  }
  if (j.has_range) {
    HSDT_ASSIGN_OR_RETURN(Field f, FieldAt(j.field, path + ".range.field"));
    return Filter::Range(f, j.values[0], j.values[1]);
  }
  const std::string& match = j.match;
  NameMatch m = NameMatch::kTokens;
  if (match == "exact") m = NameMatch::kExact;
  else if (match == "prefix") m = NameMatch::kPrefix;
  else if (!match.empty() && match != "tokens") {
    return Status::InvalidArgument(path + ".name.match: \"" + match.substr(0, 32) +
                                   "\" is not a match; expected exact, prefix or tokens");
  }
  return Filter::Name(j.values[0], m);
}

Result<std::vector<Field>> FieldsFromJson(const std::vector<std::string>& names, const std::string& path) {
  std::vector<Field> out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    HSDT_ASSIGN_OR_RETURN(Field f, FieldAt(names[i], path + "[" + std::to_string(i) + "]"));
    out.push_back(f);
  }
  return out;
}

}  // namespace query
}  // namespace hsdt
