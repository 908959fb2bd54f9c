// Incremental HTTP/1.1 message framing for one direction of a proxied connection: where each
// request or response starts and ends (request line + headers, Content-Length, chunked,
// no-body responses to HEAD/1xx/204/304, bodies that end at close). It does not buffer or
// change the bytes: the caller forwards exactly what it fed. Anything it cannot frame
// (malformed heads, a 101 switch, a CONNECT tunnel) turns it opaque: from then on the
// connection is plain bytes, and the proxy stops deciding per request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sp::proxy {

class HttpFramer {
 public:
  enum class Role { kRequest, kResponse };

  // Bits of what happened at the end of the bytes one feed() consumed.
  enum Event : unsigned {
    kHeadComplete = 1,     // the message's head ended here (head() describes it)
    kMessageComplete = 2,  // the message ended here (with kHeadComplete when it has no body)
    kOpaque = 4,           // framing was given up here; these bytes and all later are opaque
  };

  struct Head {
    std::string method;  // requests
    int status = 0;      // responses
    bool close = false;  // the sender asked for the connection to close after this message
    bool expect_continue = false;
  };

  explicit HttpFramer(Role role) : role_(role) {}

  // Consumes a prefix of `data` up to the next event (or all of it) and returns its length;
  // *events gets the Event bits at its end (0 if none). Never returns 0 for non-empty data.
  size_t feed(std::string_view data, unsigned* events);

  // The peer closed: a body that runs until close ends here. True if a message completed.
  bool finish_at_eof();

  // Responses: whether the response now expected answers a HEAD request (no body). Set before
  // its head completes.
  void set_answers_head(bool head) { answers_head_ = head; }

  // Everything from now on is opaque bytes (the other direction switched protocols).
  void make_opaque() { state_ = State::kOpaque; }

  bool in_head() const { return state_ == State::kHead; }
  bool opaque() const { return state_ == State::kOpaque; }
  const Head& head() const { return head_; }

 private:
  enum class State { kHead, kFixedBody, kChunkSize, kChunkData, kChunkDataEnd, kTrailer, kUntilClose, kOpaque };

  size_t feed_head(std::string_view data, unsigned* events);
  size_t feed_line(std::string_view data, unsigned* events);
  bool parse_head();
  // After a complete head: picks the body's framing; returns the events to report.
  unsigned start_body();
  unsigned give_up();

  Role role_;
  State state_ = State::kHead;
  Head head_;
  bool answers_head_ = false;
  std::string head_buf_;
  std::string line_;
  uint64_t remaining_ = 0;
  bool chunked_ = false;
  bool has_length_ = false;
  uint64_t content_length_ = 0;
  bool bad_transfer_encoding_ = false;
};

}  // namespace sp::proxy
