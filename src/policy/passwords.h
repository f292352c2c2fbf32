// Password rules (article 6): 12 to 128 characters, no composition rules, not the user name, and
// not rejected by Debian's cracklib dictionary check.
#pragma once

#include <string_view>

#include <hsdt/status.h>

namespace hsdt::policy {

inline constexpr std::size_t kMinPasswordChars = 12;
inline constexpr std::size_t kMaxPasswordChars = 128;

// Returns Ok, or InvalidArgument "password: <why>" (never echoing the password).
Status CheckNewPassword(std::string_view password, std::string_view user_name);

}  // namespace hsdt::policy
