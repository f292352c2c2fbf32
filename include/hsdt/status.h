// Status and Result: how every fallible hsdt call reports its outcome.
//
// A Status is a code plus a message. An OK status costs one null pointer. Codes are grouped by
// what the caller should do next; their numeric values are part of the C ABI (hsdt.h uses the
// same numbers) and are append-only.
//
// Threads: Status and Result are values; distinct objects may be used from distinct threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace hsdt {

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,    // the caller's input is wrong; the message names the field or byte
  kNotFound = 2,           // no such dossier, version or backup
  kAlreadyExists = 3,      // creating something that exists
  kConflict = 4,           // stale expected version: reread and retry
  kPermissionDenied = 5,   // the policy said no
  kBadKey = 6,             // the key or passphrase does not open this database
  kCorruption = 7,         // stored bytes failed authentication or decoding
  kIOError = 8,            // the file system failed; the handle may have turned read-only
  kResourceExhausted = 9,  // out of disk or memory
  kBusy = 10,              // retry with back-off (e.g. the database is locked by a process)
  kUnsupportedFormat = 11, // on-disk format newer than this library
  kMisuse = 12,            // C ABI only: NULL or closed handle
  kInternal = 13,          // a bug in hsdt
};

// Returns a static, stable name such as "Conflict" for `code`.
// Contract:  none. Returns: a non-null static string ("Unknown" for values outside the enum).
// Since:     1.0
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status final {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status BadKey(std::string m) { return {StatusCode::kBadKey, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
  static Status Busy(std::string m) { return {StatusCode::kBusy, std::move(m)}; }
  static Status UnsupportedFormat(std::string m) { return {StatusCode::kUnsupportedFormat, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  // The message without the code name; empty when OK.
  std::string_view message() const { return rep_ ? std::string_view(rep_->message) : std::string_view(); }
  // "Conflict: <message>", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>"; OK stays OK.
  Status WithPrefix(std::string_view prefix) const;

 private:
  struct Rep {
    StatusCode code;
    std::string message;
  };
  std::unique_ptr<Rep> rep_;
};

// Either a value of type T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result final {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) status_ = Status::Internal("Result constructed from an OK status without a value");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  // REQUIRES: ok().
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

#pragma GCC visibility pop
}  // namespace hsdt

#define HSDT_STATUS_CONCAT_INNER_(a, b) a##b
#define HSDT_STATUS_CONCAT_(a, b) HSDT_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define HSDT_RETURN_IF_ERROR(expr)              \
  do {                                          \
    ::hsdt::Status hsdt_status_ = (expr);       \
    if (!hsdt_status_.ok()) return hsdt_status_; \
  } while (0)

// `lhs = value of expr` (a Result<T>), or returns its status from the enclosing function.
#define HSDT_ASSIGN_OR_RETURN(lhs, expr) \
  HSDT_ASSIGN_OR_RETURN_IMPL_(HSDT_STATUS_CONCAT_(hsdt_result_, __LINE__), lhs, expr)
#define HSDT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return std::move(tmp).status();    \
  lhs = std::move(tmp).value()
