#include "schema/reflect.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "schema/internal/record.h"
#include "schema/internal/reflect.h"

namespace hsdt::schema {

FieldRules RulesOf(capnp::StructSchema::Field field) {
  FieldRules r;
  for (auto a : field.getProto().getAnnotations()) {
    auto v = a.getValue();
    switch (a.getId()) {
      case kSensitivityId: r.sensitivity = static_cast<Sensitivity>(v.getEnum()); break;
      case kRequiredId: r.required = true; break;
      case kLongTextId: r.long_text = true; break;
      case kEngineSetId: r.engine_set = true; break;
      case kDateId:
        r.has_date = true;
        r.date = static_cast<DateForm>(v.getEnum());
        break;
      case kRefId:
        r.has_ref = true;
        r.ref = static_cast<RefTable>(v.getEnum());
        break;
      case kRangeId: {
        auto range = v.getStruct().getAs<Range>();
        r.has_range = true;
        r.min = range.getMin();
        r.max = range.getMax();
        break;
      }
      default: break;
    }
  }
  return r;
}

const std::vector<FieldRules>& RulesFor(capnp::StructSchema schema) {
  static std::mutex mu;
  static auto* tables = new std::unordered_map<std::uint64_t, std::unique_ptr<std::vector<FieldRules>>>();
  std::lock_guard lock(mu);
  auto& table = (*tables)[schema.getProto().getId()];
  if (!table) {
    table = std::make_unique<std::vector<FieldRules>>();
    for (auto f : schema.getFields()) table->push_back(RulesOf(f));
  }
  return *table;
}

namespace {

bool IsEngineSet(capnp::StructSchema::Field f) {
  for (auto a : f.getProto().getAnnotations()) {
    if (a.getId() == kEngineSetId) return true;
  }
  return false;
}

void DiffValues(capnp::DynamicValue::Reader a, capnp::DynamicValue::Reader b, std::string* path,
                std::vector<std::string>* out);

void DiffStructsAt(capnp::DynamicStruct::Reader a, capnp::DynamicStruct::Reader b,
                   std::string* path, std::vector<std::string>* out) {
  for (auto f : a.getSchema().getFields()) {
    if (IsEngineSet(f)) continue;
    const std::size_t len = path->size();
    path->append(".").append(f.getProto().getName().cStr());
    const bool ha = a.has(f, capnp::HasMode::NON_DEFAULT);
    const bool hb = b.has(f, capnp::HasMode::NON_DEFAULT);
    if (ha != hb) {
      out->push_back(*path);
    } else if (ha) {
      DiffValues(a.get(f), b.get(f), path, out);
    }
    path->resize(len);
  }
}

void DiffValues(capnp::DynamicValue::Reader a, capnp::DynamicValue::Reader b, std::string* path,
                std::vector<std::string>* out) {
  if (a.getType() == capnp::DynamicValue::STRUCT) {
    DiffStructsAt(a.as<capnp::DynamicStruct>(), b.as<capnp::DynamicStruct>(), path, out);
    return;
  }
  if (a.getType() == capnp::DynamicValue::LIST) {
    auto la = a.as<capnp::DynamicList>();
    auto lb = b.as<capnp::DynamicList>();
    const unsigned n = std::max(la.size(), lb.size());
    for (unsigned i = 0; i < n; ++i) {
      const std::size_t len = path->size();
      path->append("[").append(std::to_string(i)).append("]");
      if (i >= la.size() || i >= lb.size()) {
        out->push_back(*path);
      } else {
        DiffValues(la[i], lb[i], path, out);
      }
      path->resize(len);
    }
    return;
  }
  if (!ValuesEqual(a, b)) out->push_back(*path);
}

}  // namespace

namespace {
void RedactAt(capnp::DynamicStruct::Builder value, Sensitivity visible, Sensitivity inherited) {
  const std::vector<FieldRules>& rules = RulesFor(value.getSchema());
  auto fields = value.getSchema().getFields();
  for (unsigned i = 0; i < fields.size(); ++i) {
    const auto f = fields[i];
    const Sensitivity level = std::max(inherited, rules[i].sensitivity);
    if (!value.has(f)) continue;
    if (level > visible) {
      value.clear(f);
      continue;
    }
    const capnp::Type t = f.getType();
    if (t.isStruct()) {
      RedactAt(value.get(f).as<capnp::DynamicStruct>(), visible, level);
    } else if (t.isList() && t.asList().getElementType().isStruct()) {
      auto list = value.get(f).as<capnp::DynamicList>();
      for (unsigned j = 0; j < list.size(); ++j) RedactAt(list[j].as<capnp::DynamicStruct>(), visible, level);
    }
  }
}
}  // namespace

void Redact(capnp::DynamicStruct::Builder value, Sensitivity visible) {
  RedactAt(value, visible, Sensitivity::NORMAL);
}

void DiffStructs(capnp::DynamicStruct::Reader a, capnp::DynamicStruct::Reader b,
                 std::vector<std::string>* out) {
  std::string path = "$";
  DiffStructsAt(a, b, &path, out);
}

static_assert(static_cast<int>(Visibility::kNormal) == static_cast<int>(Sensitivity::NORMAL) &&
              static_cast<int>(Visibility::kPersonal) == static_cast<int>(Sensitivity::PERSONAL) &&
              static_cast<int>(Visibility::kConfidential) == static_cast<int>(Sensitivity::CONFIDENTIAL));

void RedactDossier(DossierMessage& m, Visibility visible) {
  Redact(RootOf(m), static_cast<Sensitivity>(visible));
}

void DiffDossiers(const DossierView& a, const DossierView& b, std::vector<std::string>* out) {
  DiffStructs(ReaderOf(a), ReaderOf(b), out);
}

bool ValuesEqual(capnp::DynamicValue::Reader a, capnp::DynamicValue::Reader b) {
  using T = capnp::DynamicValue::Type;
  if (a.getType() != b.getType()) return false;
  switch (a.getType()) {
    case T::VOID: return true;
    case T::BOOL: return a.as<bool>() == b.as<bool>();
    case T::INT: return a.as<int64_t>() == b.as<int64_t>();
    case T::UINT: return a.as<uint64_t>() == b.as<uint64_t>();
    case T::FLOAT: return a.as<double>() == b.as<double>();
    case T::TEXT: return a.as<capnp::Text>() == b.as<capnp::Text>();
    case T::DATA: return a.as<capnp::Data>() == b.as<capnp::Data>();
    case T::ENUM: return a.as<capnp::DynamicEnum>().getRaw() == b.as<capnp::DynamicEnum>().getRaw();
    case T::LIST: {
      auto la = a.as<capnp::DynamicList>();
      auto lb = b.as<capnp::DynamicList>();
      if (la.size() != lb.size()) return false;
      for (unsigned i = 0; i < la.size(); ++i) {
        if (!ValuesEqual(la[i], lb[i])) return false;
      }
      return true;
    }
    case T::STRUCT: {
      auto sa = a.as<capnp::DynamicStruct>();
      auto sb = b.as<capnp::DynamicStruct>();
      for (auto f : sa.getSchema().getFields()) {
        if (IsEngineSet(f)) continue;
        const bool ha = sa.has(f, capnp::HasMode::NON_DEFAULT);
        if (ha != sb.has(f, capnp::HasMode::NON_DEFAULT)) return false;
        if (ha && !ValuesEqual(sa.get(f), sb.get(f))) return false;
      }
      return true;
    }
    default: return false;
  }
}

std::string EnumerantName(capnp::EnumSchema schema, std::uint16_t raw) {
  try {
    auto en = schema.getEnumerants();
    return raw < en.size() ? std::string(en[raw].getProto().getName().cStr()) : std::string();
  } catch (const kj::Exception&) {
    return std::string();  // only a schema compiled in wrongly gets here
  }
}

std::optional<std::uint16_t> EnumerantByName(capnp::EnumSchema schema, std::string_view name) {
  try {
    const std::string copy(name);  // NUL-terminated, as kj::StringPtr wants
    KJ_IF_MAYBE(e, schema.findEnumerantByName(kj::StringPtr(copy.c_str(), copy.size()))) {
      return e->getOrdinal();
    }
    return std::nullopt;
  } catch (const kj::Exception&) {
    return std::nullopt;
  }
}

}  // namespace hsdt::schema
