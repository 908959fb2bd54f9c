// Incremental HTTP/1.1 message framing for one direction of a proxied connection: where each
// request or response starts and ends, read by the shared parser (lib/http1/parser.h). It
// does not change the bytes and keeps only an incomplete line (the parser reads whole lines):
// the caller forwards exactly what it fed. Anything it cannot frame (a malformed or too large
// head, a 101 switch, a CONNECT tunnel) turns it opaque: from then on the connection is plain
// bytes, and the proxy stops deciding per request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/http1/parser.h"

namespace sp::proxy {

class HttpFramer final : private http1::MessageSink {
 public:
  enum class Role { kRequest, kResponse };

  // Bits of what happened at the end of the bytes one Feed() consumed.
  enum Event : unsigned {
    kHeadComplete = 1,     // the message's head ended here (head() describes it)
    kMessageComplete = 2,  // the message ended here (with kHeadComplete when it has no body)
    kOpaque = 4,           // framing was given up in these bytes; they and all later are opaque
  };

  struct Head {
    std::string method;  // requests
    int status = 0;      // responses
    bool close = false;  // the connection closes after this message (asked, or HTTP/1.0)
    bool expect_continue = false;
  };

  // The longest head (and line) framed: a larger one makes the connection opaque, whatever
  // pieces it arrives in.
  static constexpr size_t kMaxHead = 64 * 1024;

  explicit HttpFramer(Role role);

  // Consumes a prefix of `data` up to the next event (or all of it) and returns its length;
  // *events gets the Event bits at its end (0 if none). Never returns 0 for non-empty data.
  size_t Feed(std::string_view data, unsigned* events);

  // The peer closed: a body that runs until close ends here. True if a message completed.
  bool FinishAtEof();

  // Responses: whether the response now expected answers a HEAD request (no body). Set before
  // its head completes.
  void SetAnswersHead(bool head) { parser_.SetHeadRequest(head); }

  // Everything from now on is opaque bytes (the other direction switched protocols).
  void MakeOpaque();

  bool InHead() const { return !opaque_ && parser_.InHead(); }
  bool opaque() const { return opaque_; }
  const Head& head() const { return head_; }

 private:
  // Completes the incomplete line carried from the last feed with data's next line.
  size_t FeedCarried(std::string_view data, unsigned* events);
  // The events of a parser result that ended a feed; `was_in_head`: the feed started in a head.
  unsigned OnResult(http1::Parser::Result result, bool was_in_head);

  void OnRequestLine(std::string_view method, std::string_view target) override;
  void OnHeader(std::string_view name, std::string_view value) override;

  http1::Parser parser_;
  std::string carry_;  // the start of a line the parser has not seen whole yet
  Head head_;
  bool opaque_ = false;
};

}  // namespace sp::proxy
