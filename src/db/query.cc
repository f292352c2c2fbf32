// The query vocabulary: filters, their JSON form, and results as JSON. Execution is in find.cc.
#include <hsdt/query.h>

#include <capnp/message.h>

#include "base/guard.h"
#include "db/database_impl.h"
#include "query/render.h"
#include "schema/json.h"
#include "schema/query.capnp.h"
#include "schema/text.h"

namespace hsdt {

namespace {

std::string Str(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

constexpr std::size_t kMaxQueryJsonBytes = 256 * 1024;

}  // namespace

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

Result<Field> FieldAt(capnp::Text::Reader name, const std::string& path) {
  auto f = ParseField(std::string_view(name.cStr(), name.size()));
  if (!f) return FieldError(path, std::string_view(name.cStr(), name.size()));
  return *f;
}

Result<Filter> FromJson(schema::FilterJson::Reader j, const std::string& path) {
  const int set = int{j.getAll()} + int{j.hasAnd()} + int{j.hasOr()} + int{j.hasNot()} + int{j.hasEq()} +
                  int{j.hasIn()} + int{j.hasRange()} + int{j.hasName()};
  if (set != 1) {
    return Status::InvalidArgument(path + ": a filter sets exactly one of all, and, or, not, eq, in, range, name");
  }
  if (j.getAll()) return Filter();
  if (j.hasAnd() || j.hasOr()) {
    const bool is_and = j.hasAnd();
    auto list = is_and ? j.getAnd() : j.getOr();
    const std::string base = path + (is_and ? ".and" : ".or");
    if (list.size() == 0) return Status::InvalidArgument(base + ": empty list");
    std::optional<Filter> out;
    for (unsigned i = 0; i < list.size(); ++i) {
      HSDT_ASSIGN_OR_RETURN(Filter c, FromJson(list[i], base + "[" + std::to_string(i) + "]"));
      out = !out ? c : is_and ? (*out && c) : (*out || c);
    }
    return *out;
  }
  if (j.hasNot()) {
    HSDT_ASSIGN_OR_RETURN(Filter c, FromJson(j.getNot(), path + ".not"));
    return !c;
  }
  if (j.hasEq()) {
    HSDT_ASSIGN_OR_RETURN(Field f, FieldAt(j.getEq().getField(), path + ".eq.field"));
    return Filter::Eq(f, Str(j.getEq().getValue()));
  }
  if (j.hasIn()) {
    HSDT_ASSIGN_OR_RETURN(Field f, FieldAt(j.getIn().getField(), path + ".in.field"));
    std::vector<std::string> values;
    for (auto v : j.getIn().getValues()) values.push_back(Str(v));
    return Filter::In(f, std::move(values));
  }
  if (j.hasRange()) {
    HSDT_ASSIGN_OR_RETURN(Field f, FieldAt(j.getRange().getField(), path + ".range.field"));
    return Filter::Range(f, Str(j.getRange().getFrom()), Str(j.getRange().getTo()));
  }
  const std::string match = Str(j.getName().getMatch());
  NameMatch m = NameMatch::kTokens;
  if (match == "exact") m = NameMatch::kExact;
  else if (match == "prefix") m = NameMatch::kPrefix;
  else if (!match.empty() && match != "tokens") {
    return Status::InvalidArgument(path + ".name.match: \"" + match.substr(0, 32) +
                                   "\" is not a match; expected exact, prefix or tokens");
  }
  return Filter::Name(Str(j.getName().getText()), m);
}

Result<std::vector<Field>> FieldsFromJson(capnp::List<capnp::Text>::Reader list, const std::string& path) {
  std::vector<Field> out;
  for (unsigned i = 0; i < list.size(); ++i) {
    HSDT_ASSIGN_OR_RETURN(Field f, FieldAt(list[i], path + "[" + std::to_string(i) + "]"));
    out.push_back(f);
  }
  return out;
}

// Decodes `json` as struct T, with errors naming the JSON path.
template <typename T>
Status DecodeAs(std::string_view json, capnp::MallocMessageBuilder* message) {
  return schema::DecodeStrictJson(json, kMaxQueryJsonBytes, message->initRoot<T>());
}

void AppendFieldList(std::string* out, const std::vector<Field>& fields) {
  out->push_back('[');
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back(',');
    query::AppendJsonString(out, FieldName(fields[i]));
  }
  out->push_back(']');
}

}  // namespace

namespace db {
std::string WithoutQuotedValues(std::string_view message) {
  std::string out;
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message[i] != '"') {
      out.push_back(message[i]);
      continue;
    }
    out.append("\"?\"");
    for (++i; i < message.size() && message[i] != '"'; ++i) {
      if (message[i] == '\\') ++i;  // an escaped quote does not close the value
    }
  }
  return out;
}

std::string FilterShape(const Filter& f) {
  std::string out;
  AppendFilter(&out, f, true);
  return out;
}

}  // namespace db

std::string Filter::ToString() const {
  std::string out;
  AppendFilter(&out, *this);
  return out;
}

Result<Query> Query::FromJson(std::string_view json) {
  return base::Guard([&]() -> Result<Query> {
    try {
      capnp::MallocMessageBuilder message;
      HSDT_RETURN_IF_ERROR(DecodeAs<schema::QueryJson>(json, &message));
      auto j = message.getRoot<schema::QueryJson>().asReader();
      Query q;
      if (j.hasFilter()) {
        HSDT_ASSIGN_OR_RETURN(q.filter, hsdt::FromJson(j.getFilter(), "$.filter"));
      }
      const std::string sort = Str(j.getSort());
      if (sort == "name") q.sort = SortOrder::kName;
      else if (!sort.empty() && sort != "id") {
        return Status::InvalidArgument("$.sort: \"" + sort.substr(0, 32) + "\" is not a sort order; expected id or name");
      }
      HSDT_ASSIGN_OR_RETURN(q.fields, FieldsFromJson(j.getFields(), "$.fields"));
      if (j.getLimit() != 0) q.limit = j.getLimit();
      q.cursor = Str(j.getCursor());
      q.allow_scan = j.getAllowScan();
      if (j.hasPurpose()) {
        auto p = ParsePurpose(Str(j.getPurpose()));
        if (!p) return Status::InvalidArgument("$.purpose: \"" + Str(j.getPurpose()).substr(0, 32) + "\" is not a purpose of article 11");
        q.purpose = *p;
      }
      q.reference_date = Str(j.getReferenceDate());
      q.on_date = Str(j.getOnDate());
      return q;
    } catch (const kj::Exception& e) {
      return Status::InvalidArgument(std::string("$: ") + e.getDescription().cStr());
    }
  });
}

Result<CountQuery> CountQuery::FromJson(std::string_view json) {
  return base::Guard([&]() -> Result<CountQuery> {
    try {
      capnp::MallocMessageBuilder message;
      HSDT_RETURN_IF_ERROR(DecodeAs<schema::CountJson>(json, &message));
      auto j = message.getRoot<schema::CountJson>().asReader();
      CountQuery q;
      if (j.hasFilter()) {
        HSDT_ASSIGN_OR_RETURN(q.filter, hsdt::FromJson(j.getFilter(), "$.filter"));
      }
      HSDT_ASSIGN_OR_RETURN(q.group_by, FieldsFromJson(j.getGroupBy(), "$.groupBy"));
      q.reference_date = Str(j.getReferenceDate());
      q.on_date = Str(j.getOnDate());
      return q;
    } catch (const kj::Exception& e) {
      return Status::InvalidArgument(std::string("$: ") + e.getDescription().cStr());
    }
  });
}

std::string FoldForSearch(std::string_view text) {
  try {
    return schema::FoldForSearch(text);
  } catch (...) {  // ICU unavailable or out of memory: nothing to compare with
    return std::string();
  }
}

std::string QueryResultToJson(const QueryResult& r) {
  std::string out = "{\"fields\":";
  AppendFieldList(&out, r.fields);
  out += ",\"rows\":[";
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += "{\"id\":";
    query::AppendJsonString(&out, r.rows[i].id);
    for (std::size_t f = 0; f < r.fields.size() && f < r.rows[i].values.size(); ++f) {
      if (!r.rows[i].values[f]) continue;
      out.push_back(',');
      query::AppendJsonString(&out, FieldName(r.fields[f]));
      out.push_back(':');
      query::AppendJsonString(&out, *r.rows[i].values[f]);
    }
    out.push_back('}');
  }
  out += "],\"nextCursor\":";
  query::AppendJsonString(&out, r.next_cursor);
  out += ",\"plan\":";
  query::AppendJsonString(&out, r.plan);
  out += ",\"examined\":" + std::to_string(r.examined) + "}";
  return out;
}

std::string CountResultToJson(const CountResult& r) {
  std::string out = "{\"groupBy\":";
  AppendFieldList(&out, r.group_by);
  out += ",\"rows\":[";
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += "{\"key\":[";
    for (std::size_t k = 0; k < r.rows[i].key.size(); ++k) {
      if (k > 0) out.push_back(',');
      query::AppendJsonString(&out, r.rows[i].key[k]);
    }
    out += "],\"count\":" + std::to_string(r.rows[i].count) + "}";
  }
  out += "],\"total\":" + std::to_string(r.total) + "}";
  return out;
}

}  // namespace hsdt
