#include "policy/passwords.h"

#include <crack.h>

#include <mutex>
#include <string>

#include "schema/text.h"

namespace hsdt::policy {

Status CheckNewPassword(std::string_view password, std::string_view user_name) {
  const std::size_t chars = schema::CodePoints(password);
  if (chars < kMinPasswordChars || chars > kMaxPasswordChars) {
    return Status::InvalidArgument("password: " + std::to_string(chars) + " characters; expected " +
                                   std::to_string(kMinPasswordChars) + " to " +
                                   std::to_string(kMaxPasswordChars));
  }
  if (password.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("password: contains a NUL character");
  }
  if (schema::FoldCase(password) == schema::FoldCase(user_name)) {
    return Status::InvalidArgument("password: equal to the user name");
  }
  // cracklib keeps static state: one check at a time.
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::string copy(password);
  const char* why = FascistCheck(copy.c_str(), GetDefaultCracklibDict());
  volatile char* p = copy.data();
  for (std::size_t i = 0; i < copy.size(); ++i) p[i] = 0;
  if (why != nullptr) {
    return Status::InvalidArgument(std::string("password: rejected by the dictionary check (") + why + ")");
  }
  return Status::Ok();
}

}  // namespace hsdt::policy
