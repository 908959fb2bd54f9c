// Blocking socket and HTTP helpers for the loopback clients and servers of the plugins' tests.
#pragma once

#include <cstddef>
#include <string>

namespace sp::plugin_test {

// Sends all of data (MSG_NOSIGNAL); false when the socket fails first.
bool send_all(int fd, const std::string& data);

// The Content-Length of an HTTP head (any case); 0 without one.
size_t content_length(const std::string& head);

}  // namespace sp::plugin_test
