#include "schema/record.h"

#include <capnp/dynamic.h>

#include <new>
#include <type_traits>
#include <vector>

#include "schema/internal/record.h"
#include "schema/internal/reflect.h"
#include "schema/internal/text.h"

namespace hsdt::schema {

static_assert(sizeof(capnp::FlatArrayMessageReader) <= 320 && alignof(capnp::FlatArrayMessageReader) <= 8,
              "DossierView::kReaderBytes is too small for this Cap'n Proto");
static_assert(sizeof(Dossier::Reader) <= 64 && alignof(Dossier::Reader) <= 8,
              "DossierView::kRootBytes is too small for this Cap'n Proto");
static_assert(std::is_trivially_destructible_v<Dossier::Reader>);

std::optional<DossierStatusCode> DossierStatusByName(std::string_view name) {
  const std::optional<DossierStatus> s = EnumByName<DossierStatus>(name);
  if (!s) return std::nullopt;
  return static_cast<DossierStatusCode>(*s);
}

DossierView::DossierView(const std::uint64_t* words, std::size_t size_bytes) {
  auto* reader = new (reader_) capnp::FlatArrayMessageReader(
      kj::arrayPtr(reinterpret_cast<const capnp::word*>(words), size_bytes / 8), StoredReaderOptions());
  owns_reader_ = true;
  try {
    new (root_) Dossier::Reader(reader->getRoot<Dossier>());
  } catch (...) {
    reader->~FlatArrayMessageReader();
    throw;
  }
}

DossierView::DossierView(const DossierMessage& message) { new (root_) Dossier::Reader(ReaderOf(message)); }

DossierView::~DossierView() {
  if (owns_reader_) std::launder(reinterpret_cast<capnp::FlatArrayMessageReader*>(reader_))->~FlatArrayMessageReader();
}

namespace {
std::string_view View(capnp::Text::Reader t) { return std::string_view(t.cStr(), t.size()); }
}  // namespace

std::string_view DossierView::id() const { return View(ReaderOf(*this).getId()); }
std::string_view DossierView::managing_unit() const { return View(ReaderOf(*this).getManagingUnit()); }
std::string_view DossierView::working_unit() const { return View(ReaderOf(*this).getWorkingUnit()); }
std::string_view DossierView::birth_date() const { return View(ReaderOf(*this).getBirthDate()); }
std::string_view DossierView::national_id_number() const {
  return View(ReaderOf(*this).getNationalId().getNumber());
}
DossierStatusCode DossierView::status_code() const {
  return static_cast<DossierStatusCode>(ReaderOf(*this).getStatus());
}
std::string DossierView::status() const { return EnumName(ReaderOf(*this).getStatus()); }
std::string DossierView::full_name() const {
  auto n = ReaderOf(*this).getName();
  std::string s = Str(n.getSurname());
  if (n.getMiddle().size() > 0) s += " " + Str(n.getMiddle());
  return s + " " + Str(n.getGiven());
}

DossierMessage::DossierMessage() : rep_(std::make_unique<Rep>()) {}
DossierMessage::~DossierMessage() = default;

void DossierMessage::SetStatus(DossierStatusCode status) {
  RootOf(*this).setStatus(static_cast<DossierStatus>(status));
}

void DossierMessage::SetManagingUnit(std::string_view unit) {
  const std::string text(unit);  // Cap'n Proto's Text::Reader wants the NUL after it
  RootOf(*this).setManagingUnit(capnp::Text::Reader(text.c_str(), text.size()));
}

Result<std::unique_ptr<DossierMessage>> CopyDossier(const DossierView& from, std::string_view id) {
  return CopyDossier(ReaderOf(from), id);
}

std::size_t FlatSize(DossierMessage& m) { return FlatSize(m.rep().message); }
void WriteFlat(DossierMessage& m, char* out, std::size_t size) { WriteFlat(m.rep().message, out, size); }

void StampEngineFields(DossierMessage& next, std::string_view id, const DossierView* previous,
                       std::string_view now_iso) {
  if (previous == nullptr) return StampEngineFields(RootOf(next), id, nullptr, now_iso);
  const Dossier::Reader prev = ReaderOf(*previous);
  StampEngineFields(RootOf(next), id, &prev, now_iso);
}

capnp::ReaderOptions StoredReaderOptions() {
  capnp::ReaderOptions o;
  o.traversalLimitInWords = 4u << 20;  // 32 MiB
  o.nestingLimit = 16;
  return o;
}

Status CheckStoredDossier(const std::uint64_t* words, std::size_t size_bytes,
                          std::string_view expected_id) {
  if (size_bytes % 8 != 0 || size_bytes == 0) return Status::Corruption("record size is not whole words");
  try {
    FlatRecord r(words, size_bytes);
    auto d = r.dossier();
    d.totalSize();  // traverses every pointer, within the limits
    if (std::string_view(d.getId().cStr(), d.getId().size()) != expected_id) {
      return Status::Corruption("record id does not match its key");
    }
    return Status::Ok();
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string("record does not decode: ") + e.getDescription().cStr());
  }
}

Result<std::unique_ptr<DossierMessage>> CopyDossier(Dossier::Reader from, std::string_view id) {
  try {
    auto copy = std::make_unique<DossierMessage>();
    copy->rep().message.setRoot(from);
    return copy;
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string(id) + ": record does not decode: " + e.getDescription().cStr());
  }
}

namespace {
// Appends what Cap'n Proto writes to a string, so the plaintext exists in one buffer only.
class StringOutput final : public kj::OutputStream {
 public:
  explicit StringOutput(std::string* out) : out_(out) {}
  void write(const void* buffer, size_t size) override {
    out_->append(static_cast<const char*>(buffer), size);
  }

 private:
  std::string* out_;
};
}  // namespace

std::size_t FlatSize(capnp::MessageBuilder& message) {
  return capnp::computeSerializedSizeInWords(message) * sizeof(capnp::word);
}

void WriteFlat(capnp::MessageBuilder& message, char* out, std::size_t size) {
  kj::ArrayOutputStream stream(kj::arrayPtr(reinterpret_cast<kj::byte*>(out), size));
  capnp::writeMessage(stream, message);
}

std::string FlatBytes(capnp::MessageBuilder& message) {
  std::string out;
  out.reserve(capnp::computeSerializedSizeInWords(message) * sizeof(capnp::word));
  StringOutput stream(&out);
  capnp::writeMessage(stream, message);
  return out;
}

namespace {

// The row's recordedAt field, if its struct has one.
kj::Maybe<capnp::StructSchema::Field> RecordedAtOf(capnp::StructSchema s) {
  return s.findFieldByName("recordedAt");
}

void StampList(capnp::DynamicList::Builder rows, const capnp::DynamicList::Reader* old_rows,
               capnp::StructSchema::Field recorded_at, std::string_view now_iso) {
  std::vector<bool> used(old_rows ? old_rows->size() : 0, false);
  for (unsigned i = 0; i < rows.size(); ++i) {
    auto row = rows[i].as<capnp::DynamicStruct>();
    kj::Maybe<capnp::Text::Reader> kept;
    if (old_rows != nullptr) {
      // Rows usually keep their place: try the same position first, then the others.
      for (unsigned k = 0; k < old_rows->size(); ++k) {
        const unsigned j = (i + k) % old_rows->size();
        if (used[j]) continue;
        auto old = (*old_rows)[j].as<capnp::DynamicStruct>();
        if (ValuesEqual(old, row.asReader())) {
          used[j] = true;
          kept = old.get(recorded_at).as<capnp::Text>();
          break;
        }
      }
    }
    KJ_IF_MAYBE(t, kept) {
      row.set(recorded_at, *t);
    } else {
      row.set(recorded_at, capnp::Text::Reader(now_iso.data(), now_iso.size()));
    }
  }
}

}  // namespace

namespace {

// The event lists and their recordedAt field, found by reflection once.
struct StampField {
  capnp::StructSchema::Field list;
  capnp::StructSchema::Field recorded_at;
};

const std::vector<StampField>& StampPlan() {
  static const std::vector<StampField> plan = [] {
    std::vector<StampField> p;
    for (auto f : capnp::Schema::from<Dossier>().getFields()) {
      const capnp::Type t = f.getType();
      if (!t.isList() || !t.asList().getElementType().isStruct()) continue;
      KJ_IF_MAYBE(recorded_at, RecordedAtOf(t.asList().getElementType().asStruct())) {
        p.push_back({f, *recorded_at});
      }
    }
    return p;
  }();
  return plan;
}

}  // namespace

void StampEngineFields(Dossier::Builder next, std::string_view id, const Dossier::Reader* previous,
                       std::string_view now_iso) {
  next.setId(capnp::Text::Reader(id.data(), id.size()));
  capnp::DynamicStruct::Builder dyn = next;
  for (const StampField& s : StampPlan()) {
    if (!dyn.has(s.list)) continue;
    auto rows = dyn.get(s.list).as<capnp::DynamicList>();
    if (previous != nullptr) {
      capnp::DynamicStruct::Reader prev = *previous;
      auto old_rows = prev.get(s.list).as<capnp::DynamicList>();
      StampList(rows, &old_rows, s.recorded_at, now_iso);
    } else {
      StampList(rows, nullptr, s.recorded_at, now_iso);
    }
  }
}

Status CheckEventPath(const DossierView& dossier, std::string_view path) {
  const std::size_t dot = path.find('.');
  const std::string list(path.substr(0, dot));
  const std::string index_text(dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1));
  const std::string shown = "event: \"" + std::string(path.substr(0, 64)) + "\"";
  if (dot == std::string_view::npos || index_text.empty() || index_text.size() > 6 ||
      index_text.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument(shown + " is not <list>.<index> (e.g. disciplines.0)");
  }
  const capnp::StructSchema schema = capnp::Schema::from<Dossier>();
  KJ_IF_MAYBE(field, schema.findFieldByName(list)) {
    const capnp::Type type = field->getType();
    if (!type.isList() || !type.asList().getElementType().isStruct() ||
        type.asList().getElementType().asStruct().findFieldByName("effectiveDate") == nullptr) {
      return Status::InvalidArgument(shown + ": " + list + " is not a list of dated events");
    }
    const capnp::DynamicStruct::Reader root = ReaderOf(dossier);
    const std::size_t size = root.get(*field).as<capnp::DynamicList>().size();
    if (std::stoul(index_text) >= size) {
      return Status::NotFound(shown + ": the dossier's " + list + " has " + std::to_string(size) + " rows");
    }
    return Status::Ok();
  }
  return Status::InvalidArgument(shown + ": " + list + " is not a field of the dossier");
}

}  // namespace hsdt::schema
