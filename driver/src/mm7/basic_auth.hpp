// HTTP Basic authentication (RFC 7617) both ways: the Authorization header this driver sends to
// the MMSC, and the check of the one an MMSC presents to the listener.
#pragma once

#include <string>
#include <string_view>

namespace smsdrv::mm7 {

// "Basic dXNlcjpwYXNz" for user and password (UTF-8, RFC 7617 §2.1).
std::string basic_authorization(std::string_view user, std::string_view password);

// True when header (an Authorization value) carries exactly user and password. The comparison
// takes the same time wherever the first difference is.
bool basic_credentials_match(std::string_view header, std::string_view user,
                             std::string_view password);

}  // namespace smsdrv::mm7
