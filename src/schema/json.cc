#include "schema/json.h"

#include <capnp/compat/json.h>
#include <unicode/utf8.h>

#include <cstdio>

#include "schema/internal/json.h"
#include "schema/internal/record.h"
#include "schema/internal/reflect.h"
#include "schema/internal/text.h"
#include "schema/internal/validate.h"

namespace hsdt::schema {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads 4 hex digits at s[i]; -1 if not.
int32_t Hex4(std::string_view s, std::size_t i) {
  if (i + 4 > s.size()) return -1;
  int32_t v = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    const int h = HexValue(s[i + k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

Status EscapeError(std::size_t at, std::string_view what) {
  return Status::InvalidArgument("$: malformed JSON at byte " + std::to_string(at) + ": " +
                                 std::string(what));
}

void AppendCodePoint(UChar32 cp, std::string* out) {
  switch (cp) {
    case '"': out->append("\\\""); return;
    case '\\': out->append("\\\\"); return;
    case '\b': out->append("\\b"); return;
    case '\f': out->append("\\f"); return;
    case '\n': out->append("\\n"); return;
    case '\r': out->append("\\r"); return;
    case '\t': out->append("\\t"); return;
    default: break;
  }
  uint8_t buf[4];
  int32_t n = 0;
  U8_APPEND_UNSAFE(buf, n, cp);
  out->append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

// A JSON syntax checker used only to point at the byte where parsing failed.
class SyntaxChecker {
 public:
  explicit SyntaxChecker(std::string_view s) : s_(s) {}

  std::string Describe() {
    if (Value(0)) {
      Ws();
      if (i_ < s_.size()) Fail("unexpected data after the document");
    }
    if (what_.empty()) return "JSON parser rejected the document";
    return "at byte " + std::to_string(i_) + ": " + what_;
  }

 private:
  bool Fail(std::string what) {
    what_ = std::move(what);
    return false;
  }
  void Ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  bool Value(int depth) {
    if (depth > 64) return Fail("nesting deeper than 64");
    Ws();
    if (i_ >= s_.size()) return Fail("unexpected end of input");
    const char c = s_[i_];
    if (c == '{') return Container(depth, '}', true);
    if (c == '[') return Container(depth, ']', false);
    if (c == '"') return String();
    if (c == '-' || (c >= '0' && c <= '9')) return Number();
    for (std::string_view lit : {"true", "false", "null"}) {
      if (s_.substr(i_, lit.size()) == lit) {
        i_ += lit.size();
        return true;
      }
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {  // never echo raw bytes: messages stay printable UTF-8
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", u);
      return Fail(std::string("unexpected byte ") + hex);
    }
    return Fail(std::string("unexpected character '") + c + "'");
  }
  bool Container(int depth, char close, bool object) {
    ++i_;
    Ws();
    if (i_ < s_.size() && s_[i_] == close) {
      ++i_;
      return true;
    }
    for (;;) {
      if (object) {
        Ws();
        if (i_ >= s_.size() || s_[i_] != '"') return Fail("expected a field name");
        if (!String()) return false;
        Ws();
        if (i_ >= s_.size() || s_[i_] != ':') return Fail("expected ':'");
        ++i_;
      }
      if (!Value(depth + 1)) return false;
      Ws();
      if (i_ >= s_.size()) return Fail("unexpected end of input");
      if (s_[i_] == close) {
        ++i_;
        return true;
      }
      if (s_[i_] != ',') return Fail(std::string("expected ',' or '") + close + "'");
      ++i_;
    }
  }
  bool String() {
    ++i_;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c == '\\') ++i_;
      ++i_;
    }
    return Fail("unterminated string");
  }
  bool Number() {
    const std::size_t start = i_;
    while (i_ < s_.size() && std::string_view("+-0123456789.eE").find(s_[i_]) != std::string_view::npos) ++i_;
    return i_ > start || Fail("bad number");
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::string what_;
};

}  // namespace

Status RewriteUnicodeEscapes(std::string_view s, std::string* out) {
  out->clear();
  out->reserve(s.size());
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (!in_string) {
      if (c == '"') in_string = true;
      out->push_back(c);
      continue;
    }
    if (c == '"') {
      in_string = false;
      out->push_back(c);
      continue;
    }
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (i + 1 >= s.size()) return EscapeError(i, "escape at end of input");
    if (s[i + 1] != 'u') {
      out->push_back(c);
      out->push_back(s[++i]);
      continue;
    }
    int32_t cp = Hex4(s, i + 2);
    if (cp < 0) return EscapeError(i, "\\u must be followed by 4 hex digits");
    std::size_t end = i + 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return EscapeError(i, "lone low surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      const int32_t lo = (end + 1 < s.size() && s[end] == '\\' && s[end + 1] == 'u') ? Hex4(s, end + 2) : -1;
      if (lo < 0xDC00 || lo > 0xDFFF) return EscapeError(i, "high surrogate without its low half");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      end += 6;
    }
    if (cp == 0) return EscapeError(i, "\\u0000 (NUL) is not allowed in text");
    AppendCodePoint(cp, out);
    i = end - 1;
  }
  return Status::Ok();
}

std::string DescribeSyntaxError(std::string_view json) { return SyntaxChecker(json).Describe(); }

Status DecodeStrictJson(std::string_view json, std::size_t max_bytes, capnp::DynamicStruct::Builder root) {
  if (json.size() > max_bytes) {
    return Status::InvalidArgument("$: document is " + std::to_string(json.size()) +
                                   " bytes; limit " + std::to_string(max_bytes));
  }
  std::string rewritten;
  if (json.find("\\u") != std::string_view::npos) {
    HSDT_RETURN_IF_ERROR(RewriteUnicodeEscapes(json, &rewritten));
    json = rewritten;
  }
  capnp::MallocMessageBuilder tree_message;
  capnp::JsonCodec codec;
  codec.setRejectUnknownFields(true);
  auto tree = tree_message.initRoot<capnp::JsonValue>();
  try {
    codec.decodeRaw(kj::ArrayPtr<const char>(json.data(), json.size()), tree);
  } catch (const kj::Exception&) {
    return Status::InvalidArgument("$: malformed JSON " + DescribeSyntaxError(json));
  }
  HSDT_RETURN_IF_ERROR(ValidateJson(tree, root.getSchema(), "$"));
  try {
    codec.decode(tree.asReader(), root);
  } catch (const kj::Exception& e) {
    // Validation accepts only what the codec decodes; reaching here is a validator gap.
    return Status::InvalidArgument(std::string("$: cannot decode: ") + e.getDescription().cStr());
  }
  return Status::Ok();
}

Result<std::unique_ptr<DossierMessage>> ParseDossierJson(std::string_view json) {
  try {
    auto out = std::make_unique<DossierMessage>();
    HSDT_RETURN_IF_ERROR(DecodeStrictJson(json, kMaxDossierJsonBytes, out->rep().message.initRoot<Dossier>()));
    HSDT_RETURN_IF_ERROR(ValidateDossier(ReaderOf(*out), &out->warnings));
    out->client_id = Str(ReaderOf(*out).getId());
    return out;
  } catch (const kj::Exception& e) {
    return Status::InvalidArgument(std::string("$: ") + e.getDescription().cStr());
  }
}

Result<std::string> StoredDossierJson(const std::uint64_t* words, std::size_t size_bytes,
                                      std::string_view id, bool pretty) {
  try {
    FlatRecord r(words, size_bytes);
    return EncodeJson(r.dossier(), pretty);
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string(id) + ": record does not decode: " + e.getDescription().cStr());
  }
}

Result<std::string> EncodeJson(capnp::DynamicStruct::Reader value, bool pretty) {
  try {
    capnp::JsonCodec codec;
    codec.setHasMode(capnp::HasMode::NON_DEFAULT);
    codec.setPrettyPrint(pretty);
    kj::String s = codec.encode(value, capnp::Type(value.getSchema()));
    return std::string(s.cStr(), s.size());
  } catch (const kj::Exception& e) {
    return Status::Internal(std::string("JSON encoding failed: ") + e.getDescription().cStr());
  }
}

}  // namespace hsdt::schema
