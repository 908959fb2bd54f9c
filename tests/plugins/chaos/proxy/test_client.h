// Blocking loopback client helpers for the proxy's tests. Every read has a deadline, so a
// test that goes wrong fails instead of hanging.
#pragma once

#include <cstdint>
#include <string>

#include "tests/support/loopback_io.h"

namespace sp::proxy::test {

// A connected TCP socket to 127.0.0.1:port, or -1 with errno from connect().
int ConnectTo(uint16_t port);
using plugin_test::content_length;
using plugin_test::send_all;

struct ReadResult {
  std::string data;
  int reads = 0;      // recv calls that returned data
  bool eof = false;   // the peer closed (recv returned 0)
  int error = 0;      // errno of a failed recv (ECONNRESET, ...), 0 if none
  bool timed_out = false;
};

// Reads until `want` bytes (0: until EOF), EOF, an error or timeout_ms.
ReadResult ReadSome(int fd, size_t want, int timeout_ms);

// Buffered reading of HTTP messages from one socket.
class Reader {
 public:
  Reader(int fd, int timeout_ms) : fd_(fd), timeout_ms_(timeout_ms) {}
  bool ReadHead(std::string* head);  // through the blank line
  bool ReadExact(size_t n, std::string* out);
  bool ReadLine(std::string* line);  // without CRLF

 private:
  bool Fill();
  int fd_;
  int timeout_ms_;
  std::string buf_;
};

struct HttpResponse {
  int status = 0;
  std::string head;
  std::string body;
};

// Sends one request on fd and reads its response (Content-Length, chunked, or none for HEAD
// and 204). False on a socket error, EOF or timeout.
bool HttpExchange(int fd, Reader& reader, const std::string& request, HttpResponse* response,
                  bool head_request = false);

}  // namespace sp::proxy::test
