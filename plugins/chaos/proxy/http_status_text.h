// Reason phrases for the status lines the proxy writes itself (http_abort).
#pragma once

#include <string_view>

namespace sp::proxy {

// "Service Unavailable" for 503; "Status" for codes without a well-known phrase.
std::string_view HttpStatusText(int status);

}  // namespace sp::proxy
