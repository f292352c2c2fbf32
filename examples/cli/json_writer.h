// A minimal JSON text writer for the CLI's generated demo data (values the CLI controls).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace hsdt::cli {

class JsonWriter {
 public:
  JsonWriter& Begin() { return Open('{'); }
  JsonWriter& End() { return Close('}'); }
  JsonWriter& BeginArray(std::string_view key) { return Key(key).Open('['); }
  JsonWriter& BeginArray() { return Comma().Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  JsonWriter& BeginObject(std::string_view key) { return Key(key).Open('{'); }
  JsonWriter& BeginObject() { return Comma().Open('{'); }

  JsonWriter& Str(std::string_view key, std::string_view v) { return Key(key).Quoted(v); }
  JsonWriter& Str(std::string_view v) { return Comma().Quoted(v); }
  JsonWriter& Int(std::string_view key, long long v) {
    Key(key);
    out_ += std::to_string(v);
    return *this;
  }
  JsonWriter& Num(std::string_view key, double v) {
    Key(key);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    out_ += buf;
    return *this;
  }
  JsonWriter& Bool(std::string_view key, bool v) {
    Key(key);
    out_ += v ? "true" : "false";
    return *this;
  }
  const std::string& str() const { return out_; }

 private:
  JsonWriter& Open(char c) {
    out_ += c;
    first_ = true;
    return *this;
  }
  JsonWriter& Close(char c) {
    out_ += c;
    first_ = false;
    return *this;
  }
  JsonWriter& Comma() {
    if (!first_) out_ += ',';
    first_ = false;
    return *this;
  }
  JsonWriter& Key(std::string_view key) {
    Comma();
    Quoted(key);
    out_ += ':';
    return *this;
  }
  JsonWriter& Quoted(std::string_view v) {
    out_ += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') out_ += '\\';
      if (c == '\n') {
        out_ += "\\n";
        continue;
      }
      out_ += c;
    }
    out_ += '"';
    return *this;
  }

  std::string out_;
  bool first_ = true;
};

}  // namespace hsdt::cli
