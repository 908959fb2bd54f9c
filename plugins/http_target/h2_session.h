// One HTTP/2 client connection's protocol state, kept by nghttp2 (framing, HPACK, flow control,
// SETTINGS, GOAWAY, RST_STREAM): a well-kept library does these better than code we would
// write. It is driven through nghttp2's memory-buffer API only: the caller feeds it the bytes
// it read (Receive) and writes the bytes it produces (Produce), so the worker's epoll loop and
// TLS session (tls_session.h) stay in charge of the socket, and the session never blocks.
//
// Each request is a stream; the caller's object for it derives from H2Stream. The listener hears
// of every stream's response fields, body bytes and frames, and of its end exactly once
// (OnStreamEnd), whatever ends it: the response, the server's RST_STREAM, a GOAWAY, a protocol
// error, or CloseAll when the connection is gone. Single-threaded, like its worker.
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "plugins/http_target/body_stream.h"

namespace sp::http {

// How a stream ended.
enum class H2End {
  kComplete,        // the whole response arrived (END_STREAM)
  kPeerReset,       // the server sent RST_STREAM (error_code says why)
  kRefused,         // above a GOAWAY's last stream id, or never sent because of one
  kProtocol,        // nghttp2 found the response or the connection malformed and reset it
  kConnectionLost,  // CloseAll: the connection went away with the stream open
  kBodyFailed,      // the streamed request body could not be read (body_error); stream reset
};

// The session's part of a stream; the caller's stream object derives from it.
struct H2Stream {
  int32_t id = 0;
  std::string_view body;  // the request body to send (DATA frames), borrowed until the end
  size_t body_sent = 0;
  // Or a body read in pieces as the flow-control window opens (multipart), borrowed until the
  // end; nullptr for none. A failed read resets the stream: kBodyFailed, body_error says why.
  BodyStream* streamed = nullptr;
  std::string body_error;
  bool end_received = false;  // END_STREAM arrived: the response is complete
  bool reset_by_peer = false;
  uint32_t peer_error = 0;   // the RST_STREAM's error code
  H2Stream* prev = nullptr;  // the session's list of streams not yet ended
  H2Stream* next = nullptr;
};

class H2Listener {
 public:
  virtual ~H2Listener() = default;
  // A response header field (pseudo-fields such as :status included; interim 1xx ones too).
  virtual void OnField(H2Stream* s, std::string_view name, std::string_view value) = 0;
  virtual void OnData(H2Stream* s, const char* data, size_t len) = 0;
  // A frame of the stream begins (received) or went out (sent): its payload length.
  virtual void OnFrameIn(H2Stream* s, size_t payload) = 0;
  virtual void OnFrameOut(H2Stream* s, size_t payload) = 0;
  // Once per submitted stream; the session forgets the stream before the call.
  virtual void OnStreamEnd(H2Stream* s, H2End end, uint32_t error_code) = 0;
};

class H2Session {
 public:
  explicit H2Session(H2Listener* listener) : listener_(listener) {}
  ~H2Session();  // frees nghttp2's state; streams still open are not reported (CloseAll first)
  H2Session(const H2Session&) = delete;
  H2Session& operator=(const H2Session&) = delete;

  // Creates the client session and queues the connection preface and our SETTINGS (no push,
  // `window` bytes of flow-control window per stream and 16 times that per connection).
  bool Start(uint32_t window, std::string* err);
  bool started() const { return session_ != nullptr; }

  // Queues a request (sent by the next Produce). false with *err when nghttp2 refuses it.
  bool Submit(const nghttp2_nv* fields, size_t count, H2Stream* s, std::string* err);
  // Feeds bytes read from the connection. false on a connection error (error() says what);
  // the streams are then still open: CloseAll them.
  bool Receive(const char* data, size_t len);
  // Appends what is ready to send to *out, until *out holds `limit` bytes or nothing is left.
  bool Produce(std::string* out, size_t limit);
  // Our end of a stream whose result is already known (a timeout): RST_STREAM(CANCEL); the
  // stream still ends through OnStreamEnd when nghttp2 closes it.
  void Cancel(H2Stream* s);
  // Ends every stream not ended yet with `end` (the connection is gone).
  void CloseAll(H2End end);

  // Streams submitted and not yet ended.
  uint32_t open_streams() const { return open_; }
  // The server's SETTINGS_MAX_CONCURRENT_STREAMS (100 until its SETTINGS arrive).
  uint32_t PeerMaxStreams() const;
  // A GOAWAY arrived, or stream ids ran out: no new stream may start on this connection.
  bool Draining() const;
  // Neither side has anything more to say (after a GOAWAY both ways, or a fatal error).
  bool Finished() const;
  // Why the connection failed: nghttp2's message for the first connection error it found (also
  // when Receive went on and the session ends with a GOAWAY of its own), or "".
  const std::string& error() const { return error_; }
  void NoteError(std::string_view text) {
    if (error_.empty()) error_ = text;
  }

  // nghttp2's callbacks (h2_session.cc), public for their C trampolines.
  void Unlink(H2Stream* s);
  void End(H2Stream* s, H2End end, uint32_t code);
  H2Stream* Find(int32_t id) const;
  H2Listener* listener() const { return listener_; }
  nghttp2_session* native() const { return session_; }
  void set_goaway(int32_t last_stream_id) { goaway_last_ = last_stream_id; }
  int32_t goaway_last() const { return goaway_last_; }

 private:
  H2Listener* listener_;
  nghttp2_session* session_ = nullptr;
  H2Stream* head_ = nullptr;  // streams not yet ended
  uint32_t open_ = 0;
  int32_t goaway_last_ = -1;  // -1 until a GOAWAY arrives
  std::string error_;
};

}  // namespace sp::http
