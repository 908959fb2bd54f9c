// One proxied connection: the accepted client socket, the socket to the upstream, a Flow per
// direction, the toxics bound to it (each drawn once for this connection), and, on an HTTP
// site, the framing of both directions and the requests still waiting for their response.
// Lives on its site's event loop thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/chaos/proxy/flow.h"
#include "plugins/chaos/proxy/http_framer.h"
#include "plugins/chaos/proxy/loop_context.h"
#include "plugins/chaos/proxy/toxic.h"

namespace sp::proxy {

// Reading a side pauses while the other side has more than this waiting (bounded memory).
constexpr size_t kHighWater = 256 * 1024;

class Connection {
 public:
  // Sides, which are also the directions of the data read from them: data read from the
  // client flows upstream (flow 0), data read from the upstream flows downstream (flow 1).
  static constexpr int kClient = 0;
  static constexpr int kServer = 1;

  Connection(LoopContext* ctx, uint64_t id, int client_fd, uint64_t now_ns);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Registers the client socket and starts the non-blocking connect to the upstream.
  void Start(uint64_t now_ns);

  void OnEvent(int side, uint32_t events, uint64_t now_ns);
  void OnTimer(uint64_t now_ns);

  // A toxic installed on the site: drawn once for this connection (HTTP toxics are drawn
  // per request instead).
  void AddToxic(const ToxicPtr& toxic, uint64_t now_ns);
  // A toxic removed: everything held is released now, in order.
  void RemoveToxic(uint64_t toxic_id, uint64_t now_ns);

  uint64_t id() const { return id_; }
  bool closed() const { return closed_; }
  // The earliest time OnTimer has something to do, or UINT64_MAX.
  uint64_t NextDeadline() const;

  // The deadline the site's timer heap last scheduled for this connection.
  uint64_t scheduled_ns = std::numeric_limits<uint64_t>::max();

 private:
  struct Binding {
    ToxicPtr toxic;
    bool applies = false;
    uint64_t applied_ns = 0;
    uint64_t passed[2] = {0, 0};     // limit_data: bytes passed per direction
    uint64_t cursor_ns[2] = {0, 0};  // bandwidth/slicer: when each direction is next free
  };
  // A request on an HTTP site, in the order they came, until its response was passed on.
  struct Exchange {
    bool answered_by_proxy = false;  // http_abort: the proxy answers, the upstream never sees it
    bool ready = false;              // the proxy's answer may be sent (the request was read)
    bool close_after = false;        // close the connection once the answer is out
    bool head = false;               // a HEAD request: the response has no body
    bool connect = false;            // a CONNECT request: a 2xx response starts a tunnel
    std::string answer;
  };

  static int FlowTo(int side) { return 1 - side; }  // the flow that writes to `side`
  static unsigned DirectionBit(int flow) { return flow == kClient ? kDirUpstream : kDirDownstream; }

  void FinishConnect(uint64_t now_ns);
  void ReadSide(int side, bool ignore_high_water, uint64_t now_ns);
  void OnData(int flow, std::string_view data, uint64_t now_ns);
  void OnEof(int side, uint64_t now_ns);
  // Passes data of `flow` through the TCP toxics into the flow, no earlier than extra_ns.
  void Shape(int flow, std::string_view data, uint64_t extra_ns, uint64_t now_ns);
  // Releases due data, writes, passes EOFs on, closes when done, and updates epoll interest.
  void Progress(uint64_t now_ns);
  void UpdateInterest();
  void CheckDeadlines(uint64_t now_ns);
  void StartClosing() { closing_ = true; }
  // Closes both sockets with FIN (unread input drained first, so the kernel sends no RST).
  void CloseGracefully();
  // Closes both sockets, with an RST on the sides asked for.
  void CloseAbruptly(bool reset_client, bool reset_server);
  void SetInterest(int side, uint32_t events);

  // HTTP (connection_http.cc)
  void HttpData(int flow, std::string_view data, uint64_t now_ns);
  void BeginRequest(uint64_t now_ns);
  void EndRequest(uint64_t now_ns);
  void ResponseDone(uint64_t now_ns);
  void SendReadyAnswers(uint64_t now_ns);
  void StopFraming(uint64_t now_ns);

  LoopContext* ctx_;
  const uint64_t id_;
  int fd_[2] = {-1, -1};
  uint32_t interest_[2] = {0, 0};
  bool registered_[2] = {false, false};
  bool connected_ = false;
  uint64_t connect_deadline_ns_ = 0;
  bool read_eof_[2] = {false, false};
  bool hung_up_[2] = {false, false};
  bool shut_[2] = {false, false};  // we shut down writing to this side
  bool closing_ = false;
  bool closed_ = false;
  Flow flows_[2];
  std::vector<Binding> bindings_;

  const bool http_;
  HttpFramer requests_{HttpFramer::Role::kRequest};
  HttpFramer responses_{HttpFramer::Role::kResponse};
  std::string request_head_;      // the current request's head until it is decided
  bool dropping_request_ = false;  // the current request is answered by the proxy
  uint64_t request_delay_ns_ = 0;  // http_delay of the current request
  std::deque<Exchange> exchanges_;
};

}  // namespace sp::proxy
