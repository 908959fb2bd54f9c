#include "plugins/http_target/h2_session.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>

namespace sp::http {
namespace {

H2Session* Self(void* user_data) { return static_cast<H2Session*>(user_data); }

H2Stream* StreamOf(nghttp2_session* session, int32_t id) {
  return id == 0 ? nullptr
                 : static_cast<H2Stream*>(nghttp2_session_get_stream_user_data(session, id));
}

int OnBeginFrame(nghttp2_session* session, const nghttp2_frame_hd* hd, void* user_data) {
  if (H2Stream* s = StreamOf(session, hd->stream_id))
    Self(user_data)->listener()->OnFrameIn(s, hd->length);
  return 0;
}

int OnHeader(nghttp2_session* session, const nghttp2_frame* frame, const uint8_t* name,
             size_t namelen, const uint8_t* value, size_t valuelen, uint8_t /*flags*/,
             void* user_data) {
  if (frame->hd.type != NGHTTP2_HEADERS) return 0;
  if (H2Stream* s = StreamOf(session, frame->hd.stream_id)) {
    Self(user_data)->listener()->OnField(
        s, std::string_view(reinterpret_cast<const char*>(name), namelen),
        std::string_view(reinterpret_cast<const char*>(value), valuelen));
  }
  return 0;
}

int OnDataChunk(nghttp2_session* session, uint8_t /*flags*/, int32_t stream_id, const uint8_t* data,
                size_t len, void* user_data) {
  if (H2Stream* s = StreamOf(session, stream_id)) {
    Self(user_data)->listener()->OnData(s, reinterpret_cast<const char*>(data), len);
  }
  return 0;
}

int OnFrameRecv(nghttp2_session* session, const nghttp2_frame* frame, void* user_data) {
  switch (frame->hd.type) {
    case NGHTTP2_HEADERS:
    case NGHTTP2_DATA:
      if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
        if (H2Stream* s = StreamOf(session, frame->hd.stream_id)) s->end_received = true;
      }
      break;
    case NGHTTP2_RST_STREAM:
      if (H2Stream* s = StreamOf(session, frame->hd.stream_id)) {
        s->reset_by_peer = true;
        s->peer_error = frame->rst_stream.error_code;
      }
      break;
    case NGHTTP2_GOAWAY: Self(user_data)->set_goaway(frame->goaway.last_stream_id); break;
    default: break;
  }
  return 0;
}

int OnFrameSend(nghttp2_session* session, const nghttp2_frame* frame, void* user_data) {
  if (H2Stream* s = StreamOf(session, frame->hd.stream_id)) {
    Self(user_data)->listener()->OnFrameOut(s, frame->hd.length);
  }
  return 0;
}

int OnFrameNotSend(nghttp2_session* /*session*/, const nghttp2_frame* frame, int lib_error,
                   void* user_data) {
  // A request's HEADERS that never left: a GOAWAY came first, or the session is closing.
  if (frame->hd.type != NGHTTP2_HEADERS) return 0;
  H2Session* self = Self(user_data);
  if (H2Stream* s = self->Find(frame->hd.stream_id)) {
    const bool refused = lib_error == NGHTTP2_ERR_START_STREAM_NOT_ALLOWED ||
                         lib_error == NGHTTP2_ERR_STREAM_ID_NOT_AVAILABLE ||
                         lib_error == NGHTTP2_ERR_SESSION_CLOSING ||
                         lib_error == NGHTTP2_ERR_STREAM_CLOSED;
    self->End(s, refused ? H2End::kRefused : H2End::kProtocol, 0);
  }
  return 0;
}

int OnStreamClose(nghttp2_session* session, int32_t stream_id, uint32_t error_code,
                  void* user_data) {
  H2Stream* s = StreamOf(session, stream_id);
  if (s == nullptr) return 0;
  H2Session* self = Self(user_data);
  if (!s->body_error.empty()) {
    self->End(s, H2End::kBodyFailed, error_code);
  } else if (s->end_received) {
    self->End(s, H2End::kComplete, error_code);
  } else if (s->reset_by_peer) {
    self->End(s, H2End::kPeerReset, s->peer_error);
  } else if (self->goaway_last() >= 0 && stream_id > self->goaway_last()) {
    self->End(s, H2End::kRefused, error_code);
  } else {
    // nghttp2 reset it: the response broke the protocol (or the session is being torn down
    // after a connection error).
    self->End(s, H2End::kProtocol, error_code);
  }
  return 0;
}

// nghttp2's own words for a connection error it found ("... Perhaps, peer does not support
// HTTP/2 properly."): the first one is kept for the streams' detail.
int OnError(nghttp2_session* /*session*/, int /*lib_error*/, const char* msg, size_t len,
            void* user_data) {
  Self(user_data)->NoteError(std::string_view(msg, len));
  return 0;
}

// A multipart body's next piece (body_stream.h): what the window allows of its buffer.
ssize_t ReadStreamedBody(H2Stream* s, uint8_t* buf, size_t length, uint32_t* data_flags) {
  std::string_view chunk;
  if (!s->streamed->Next(&chunk, &s->body_error)) {
    // Its Content-Length is sent: the request cannot be finished. nghttp2 resets the stream.
    s->streamed = nullptr;
    return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  }
  const size_t n = std::min(length, chunk.size());
  std::memcpy(buf, chunk.data(), n);
  s->streamed->Consume(n);
  if (!s->streamed->Unfinished()) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

ssize_t ReadBody(nghttp2_session* /*session*/, int32_t /*stream_id*/, uint8_t* buf, size_t length,
                 uint32_t* data_flags, nghttp2_data_source* source, void* /*user_data*/) {
  auto* s = static_cast<H2Stream*>(source->ptr);
  if (s->streamed != nullptr) return ReadStreamedBody(s, buf, length, data_flags);
  const size_t n = std::min(length, s->body.size() - s->body_sent);
  std::memcpy(buf, s->body.data() + s->body_sent, n);
  s->body_sent += n;
  if (s->body_sent == s->body.size()) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

}  // namespace

H2Session::~H2Session() {
  if (session_ != nullptr) nghttp2_session_del(session_);
}

bool H2Session::Start(uint32_t window, std::string* err) {
  nghttp2_session_callbacks* cbs = nullptr;
  if (nghttp2_session_callbacks_new(&cbs) != 0) {
    *err = "http2: out of memory";
    return false;
  }
  nghttp2_session_callbacks_set_on_begin_frame_callback(cbs, OnBeginFrame);
  nghttp2_session_callbacks_set_on_header_callback(cbs, OnHeader);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, OnDataChunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, OnFrameRecv);
  nghttp2_session_callbacks_set_on_frame_send_callback(cbs, OnFrameSend);
  nghttp2_session_callbacks_set_on_frame_not_send_callback(cbs, OnFrameNotSend);
  nghttp2_session_callbacks_set_on_stream_close_callback(cbs, OnStreamClose);
  nghttp2_session_callbacks_set_error_callback2(cbs, OnError);
  const int rv = nghttp2_session_client_new(&session_, cbs, this);
  nghttp2_session_callbacks_del(cbs);
  if (rv != 0) {
    session_ = nullptr;
    *err = std::string("http2: ") + nghttp2_strerror(rv);
    return false;
  }
  const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
                                             {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, window}};
  int r = nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, 2);
  if (r == 0) {
    const int32_t connection_window =
        static_cast<int32_t>(std::min<uint64_t>(uint64_t{window} * 16, NGHTTP2_MAX_WINDOW_SIZE));
    r = nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, connection_window);
  }
  if (r != 0) {
    *err = std::string("http2: ") + nghttp2_strerror(r);
    return false;
  }
  return true;
}

bool H2Session::Submit(const nghttp2_nv* fields, size_t count, H2Stream* s, std::string* err) {
  nghttp2_data_provider body{};
  body.source.ptr = s;
  body.read_callback = ReadBody;
  s->body_sent = 0;
  s->body_error.clear();
  s->end_received = s->reset_by_peer = false;
  s->peer_error = 0;
  const int32_t id =
      nghttp2_submit_request(session_, nullptr, fields, count,
                             s->body.empty() && s->streamed == nullptr ? nullptr : &body, s);
  if (id < 0) {
    *err = std::string("http2: cannot start a stream: ") + nghttp2_strerror(id);
    return false;
  }
  s->id = id;
  s->prev = nullptr;
  s->next = head_;
  if (head_ != nullptr) head_->prev = s;
  head_ = s;
  ++open_;
  return true;
}

bool H2Session::Receive(const char* data, size_t len) {
  const ssize_t rv =
      nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(data), len);
  if (rv < 0) {
    error_ = nghttp2_strerror(static_cast<int>(rv));
    return false;
  }
  return true;
}

bool H2Session::Produce(std::string* out, size_t limit) {
  while (out->size() < limit) {
    const uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n < 0) {
      error_ = nghttp2_strerror(static_cast<int>(n));
      return false;
    }
    if (n == 0) break;
    out->append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
  }
  return true;
}

void H2Session::Cancel(H2Stream* s) {
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, s->id, NGHTTP2_CANCEL);
}

void H2Session::CloseAll(H2End end) {
  while (head_ != nullptr) End(head_, end, 0);
}

uint32_t H2Session::PeerMaxStreams() const {
  return nghttp2_session_get_remote_settings(session_, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
}

bool H2Session::Draining() const { return nghttp2_session_check_request_allowed(session_) == 0; }

bool H2Session::Finished() const {
  return nghttp2_session_want_read(session_) == 0 && nghttp2_session_want_write(session_) == 0;
}

void H2Session::Unlink(H2Stream* s) {
  (s->prev != nullptr ? s->prev->next : head_) = s->next;
  if (s->next != nullptr) s->next->prev = s->prev;
  s->prev = s->next = nullptr;
  --open_;
}

void H2Session::End(H2Stream* s, H2End end, uint32_t code) {
  // Once only: nghttp2 may report a stream both as not sent and as closed.
  if (s->prev == nullptr && head_ != s) return;
  Unlink(s);
  listener_->OnStreamEnd(s, end, code);
}

H2Stream* H2Session::Find(int32_t id) const {
  for (H2Stream* s = head_; s != nullptr; s = s->next) {
    if (s->id == id) return s;
  }
  return nullptr;
}

}  // namespace sp::http
