#include "plugins/http_target/h2_pool.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "plugins/http_target/h2_pool_state.h"
#include "plugins/http_target/redirect_hop.h"
#include "plugins/http_target/response_result.h"
#include "plugins/http_target/response_result.h"
#include "plugins/http_target/response_rules.h"
#include "plugins/http_target/socket_ops.h"
#include "plugins/http_target/tls_context.h"

namespace sp::http {
namespace {

constexpr size_t kReadBufferSize = 64 * 1024;

unsigned long long Ms(uint64_t ns) { return static_cast<unsigned long long>(ns / 1'000'000); }

}  // namespace

H2Pool::H2Pool(const Shared& shared)
    : shared_(shared), host_(shared.instance.host()), read_buffer_(kReadBufferSize),
      lists_(std::make_unique<Lists>()) {}

H2Pool::~H2Pool() {
  for (auto& c : conns_) {
    if (c->state != Conn::State::kFree) close(c->fd);
  }
}

// ---- placing requests --------------------------------------------------------------------

uint32_t H2Pool::Limit(const Conn* c) const {
  const uint32_t own = shared_.instance.config().max_streams;
  if (c->state != Conn::State::kOpen) return own;
  return std::min(own, c->session->PeerMaxStreams());
}

void H2Pool::UpdateRoom(Conn* c) {
  const bool room = c->state != Conn::State::kFree && c->fail_kind == SP_E_NONE &&
                    c->streams < Limit(c) &&
                    (c->state != Conn::State::kOpen || !c->session->Draining());
  if (room == c->in_room) return;
  if (room) {
    lists_->room.push_back(c);
  } else {
    lists_->room.Remove(c);
  }
}

H2Pool::Conn* H2Pool::Pick(uint32_t vu) {
  if (vu < vu_conn_.size() && vu_conn_[vu] != kH2None) {
    Conn* own = conns_[vu_conn_[vu]].get();
    if (own->in_room) return own;
  }
  Conn* c = lists_->room.front();
  if (c != nullptr && c->streams == 0 && vu < kH2MaxOwnerVu) {
    // An idle connection changes hands, as HTTP/1.1's do (worker.cc SetOwner).
    if (c->owner < vu_conn_.size() && vu_conn_[c->owner] == c->slot) vu_conn_[c->owner] = kH2None;
    c->owner = vu;
    if (vu >= vu_conn_.size()) vu_conn_.resize(vu + 1, kH2None);
    vu_conn_[vu] = c->slot;
  }
  return c;
}

void H2Pool::Start(const Exchange& ex) {
  Conn* c = Pick(ex.vu);
  if (c == nullptr) {
    const uint32_t cap = shared_.instance.config().max_connections;
    const size_t open = conns_.size() - free_conns_.size();
    if (cap > 0 && (open >= cap || !waiting_.empty())) {
      waiting_.push_back(ex);  // started by Pump when a stream ends
      return;
    }
    c = Open(ex);
    if (c == nullptr) return;  // the request failed
  }
  Attach(c, ex);
}

void H2Pool::Pump() {
  while (!waiting_.empty()) {
    Conn* c = lists_->room.front();
    const uint32_t cap = shared_.instance.config().max_connections;
    Exchange ex = std::move(waiting_.front());
    if (c == nullptr && conns_.size() - free_conns_.size() >= cap) return;
    waiting_.pop_front();
    ex.start_ns = host_.NowNs();  // service time starts now; latency counts from the intent
    if (c == nullptr && (c = Open(ex)) == nullptr) continue;
    Attach(c, ex);
  }
}

H2Pool::Stream* H2Pool::NewStream() {
  if (free_streams_.empty()) {
    streams_.push_back(std::make_unique<Stream>());
    return streams_.back().get();
  }
  Stream* s = free_streams_.back();
  free_streams_.pop_back();
  return s;
}

void H2Pool::Attach(Conn* c, const Exchange& ex) {
  Stream* s = NewStream();
  s->conn = c;
  s->ex = ex;
  s->status = 0;
  s->done = s->body_started = false;
  ++c->streams;
  UpdateRoom(c);
  if (c->state == Conn::State::kConnecting) {
    s->pending_next = c->pending;
    c->pending = s;
    return;
  }
  Submit(c, s);
  // Written at the next poll, with whatever else the host submits before it: one write for
  // many streams, as h2load does.
  if (!c->in_unflushed) {
    c->in_unflushed = true;
    unflushed_.push_back({c->slot, c->generation});
  }
}

void H2Pool::FlushSubmitted() {
  for (const auto& [slot, generation] : unflushed_) {
    Conn* c = conns_[slot].get();
    if (c->generation != generation || c->state != Conn::State::kOpen) continue;
    c->in_unflushed = false;
    Flush(c);
  }
  unflushed_.clear();
}

void H2Pool::Submit(Conn* c, Stream* s) {
  if (!ToH2Request(s->ex.Bytes(), shared_.instance.config().url.tls, &scratch_, &why_)) {
    shared_.done.Push(s->ex, SP_E_OTHER, 0, host_.NowNs(), "%s", why_.c_str());
    FinishStream(s);
    return;
  }
  s->body = scratch_.body;
  s->upload.Begin(s->ex.body_dropped ? nullptr : s->ex.request->multipart.get());
  s->streamed = s->upload.Unfinished() ? &s->upload : nullptr;
  const ResponseSpec* spec = s->ex.request->response.get();
  s->sink = s->tap.Begin(spec != nullptr ? &spec->tap : nullptr, s->ex.request->store_cookies,
                         s->ex.request->max_redirects > 0);
  if (!c->session->Submit(scratch_.fields.data(), scratch_.fields.size(), s, &why_)) {
    shared_.done.Push(s->ex, SP_E_OTHER, 0, host_.NowNs(), "%s", why_.c_str());
    FinishStream(s);
    return;
  }
  s->deadline_ns = host_.NowNs() + shared_.instance.config().response_timeout_ns;
  lists_->timers.push_back(s);
}

// A stream is over (its result queued): it leaves its connection and is reused.
void H2Pool::FinishStream(Stream* s) {
  lists_->timers.Remove(s);
  Conn* c = s->conn;
  --c->streams;
  UpdateRoom(c);
  s->conn = nullptr;
  s->ex.rendered.clear();
  s->upload.Reset();  // closes its file
  s->streamed = nullptr;
  free_streams_.push_back(s);
}

// ---- what the session reports -----------------------------------------------------------

void H2Pool::OnField(H2Stream* base, std::string_view name, std::string_view value) {
  auto* s = static_cast<Stream*>(base);
  if (s->done || s->body_started) return;  // trailers are not kept
  if (name == ":status") {
    int status = 0;
    for (char ch : value) status = ch >= '0' && ch <= '9' ? status * 10 + (ch - '0') : 0;
    s->status = status;
    if (status >= 100 && status < 200 && s->sink != nullptr) s->sink->OnInterim();
    return;
  }
  if (s->sink != nullptr && name.front() != ':') s->sink->OnHeader(name, value);
}

void H2Pool::OnData(H2Stream* base, const char* data, size_t len) {
  auto* s = static_cast<Stream*>(base);
  s->body_started = true;
  if (s->sink != nullptr && !s->done) s->sink->OnBody(data, len);
}

void H2Pool::OnFrameIn(H2Stream* base, size_t payload) {
  auto* s = static_cast<Stream*>(base);
  if (s->ex.ttfb_ns == 0) s->ex.ttfb_ns = std::max<uint64_t>(1, host_.NowNs() - s->ex.start_ns);
  s->ex.bytes_received += payload;
}

void H2Pool::OnFrameOut(H2Stream* base, size_t payload) {
  static_cast<Stream*>(base)->ex.bytes_sent += payload;
}

void H2Pool::OnStreamEnd(H2Stream* base, H2End end, uint32_t code) {
  auto* s = static_cast<Stream*>(base);
  Conn* c = s->conn;
  const uint64_t now = host_.NowNs();
  if (!s->done) {
    switch (end) {
      case H2End::kComplete: CompleteResponse(s); break;
      case H2End::kPeerReset:
        shared_.done.Push(s->ex, SP_E_STREAM_RESET, s->status, now,
                          "stream reset by the server: %s", nghttp2_http2_strerror(code));
        break;
      case H2End::kRefused:
        shared_.done.Push(s->ex, SP_E_STREAM_RESET, 0, now,
                          "refused by GOAWAY: the server stopped taking streams above %d",
                          static_cast<int>(c->session->goaway_last()));
        break;
      case H2End::kProtocol:
        shared_.done.Push(s->ex, SP_E_PROTOCOL, s->status, now, "protocol: http2: %s",
                          !c->session->error().empty() ? c->session->error().c_str()
                                                       : nghttp2_http2_strerror(code));
        break;
      case H2End::kConnectionLost:
        shared_.done.Push(s->ex, c->fail_kind, s->status, now, "%s", c->fail_detail);
        break;
      case H2End::kBodyFailed:
        shared_.done.Push(s->ex, SP_E_OTHER, s->status, now, "multipart body: %s",
                          s->body_error.c_str());
        break;
    }
  }
  FinishStream(s);
}

void H2Pool::CompleteResponse(Stream* s) {
  const uint64_t now = host_.NowNs();
  // First, so that captures, later steps and a redirect's next hop see the cookies it set.
  shared_.cookies.Store(s->ex.vu, s->ex.iteration, s->ex.Bytes(), s->tap.set_cookies());
  Exchange next;
  const HopContext context{shared_.instance.config().url, host_.AtLeastMinor(4), now};
  switch (NextRedirectHop(s->ex, s->status, s->tap.location(), context, shared_.done, &next,
                          &redirect_note_)) {
    case HopOutcome::kFinal: break;
    case HopOutcome::kFailed: return;
    case HopOutcome::kFollow: hops_.push_back(std::move(next)); return;
  }
  if (PushFinalResponse(s->ex, s->status, s->tap, now, shared_.sessions, shared_.cookies,
                        shared_.done)) {
    shared_.done.NoteLast(redirect_note_);  // a redirect not followed says why
  }
}

bool H2Pool::TakeHop(Exchange* out) {
  if (hops_.empty()) return false;
  *out = std::move(hops_.front());
  hops_.pop_front();
  return true;
}

// ---- timers and the host ----------------------------------------------------------------

void H2Pool::ExpireTimers(uint64_t now) {
  FlushSubmitted();
  while (!lists_->connecting.empty() && lists_->connecting.front()->deadline_ns <= now) {
    Conn* c = lists_->connecting.front();
    FailConnection(c, SP_E_CONNECT_TIMEOUT,
                   c->tls.Active() ? "connect: TLS handshake with %s not complete within %llu ms"
                                   : "connect: no connection to %s within %llu ms",
                   shared_.addresses[c->address].text.c_str(),
                   Ms(shared_.instance.config().connect_timeout_ns));
  }
  while (!lists_->timers.empty() && lists_->timers.front()->deadline_ns <= now) {
    Stream* s = lists_->timers.front();
    lists_->timers.Remove(s);
    s->done = true;
    shared_.done.Push(s->ex, SP_E_RESPONSE_TIMEOUT, s->status, now,
                      "no complete response within %llu ms",
                      Ms(shared_.instance.config().response_timeout_ns));
    // The stream ends (and frees its room) once the RST_STREAM is out.
    s->conn->session->Cancel(s);
    Flush(s->conn);
  }
  Pump();
}

uint64_t H2Pool::NextTimer() const {
  uint64_t next = UINT64_MAX;
  if (!lists_->connecting.empty()) next = lists_->connecting.front()->deadline_ns;
  if (!lists_->timers.empty()) next = std::min(next, lists_->timers.front()->deadline_ns);
  return next;
}

void H2Pool::CancelAll() {
  for (auto& c : conns_) {
    if (c->state != Conn::State::kFree) {
      FailConnection(c.get(), SP_E_INTERRUPTED, "cancelled by the host");
    }
  }
  while (!waiting_.empty()) {
    shared_.done.Push(waiting_.front(), SP_E_INTERRUPTED, 0, host_.NowNs(),
                      "cancelled by the host while waiting for a connection");
    waiting_.pop_front();
  }
  for (; !hops_.empty(); hops_.pop_front()) {
    shared_.done.Push(hops_.front(), SP_E_INTERRUPTED, 0, host_.NowNs(),
                      "cancelled by the host before a redirect was followed");
  }
}

void H2Pool::ReleaseVu(uint32_t vu) {
  if (vu >= vu_conn_.size() || vu_conn_[vu] == kH2None) return;
  Conn* c = conns_[vu_conn_[vu]].get();
  vu_conn_[vu] = kH2None;
  c->owner = kH2None;
  if (c->streams == 0) Close(c);
}

}  // namespace sp::http
