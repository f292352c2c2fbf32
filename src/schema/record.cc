#include "schema/record.h"

#include <capnp/dynamic.h>

#include <vector>

#include "schema/reflect.h"

namespace hsdt::schema {

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
      for (unsigned j = 0; j < old_rows->size(); ++j) {
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

void StampEngineFields(Dossier::Builder next, std::string_view id, const Dossier::Reader* previous,
                       std::string_view now_iso) {
  next.setId(capnp::Text::Reader(id.data(), id.size()));
  capnp::DynamicStruct::Builder dyn = next;
  for (auto f : dyn.getSchema().getFields()) {
    const capnp::Type t = f.getType();
    if (!t.isList() || !t.asList().getElementType().isStruct()) continue;
    KJ_IF_MAYBE(recorded_at, RecordedAtOf(t.asList().getElementType().asStruct())) {
      if (!dyn.has(f)) continue;
      auto rows = dyn.get(f).as<capnp::DynamicList>();
      if (previous != nullptr) {
        capnp::DynamicStruct::Reader prev = *previous;
        auto old_rows = prev.get(f).as<capnp::DynamicList>();
        StampList(rows, &old_rows, *recorded_at, now_iso);
      } else {
        StampList(rows, nullptr, *recorded_at, now_iso);
      }
    }
  }
}

}  // namespace hsdt::schema
