// H2Session against nghttp2's own server session, in memory: the client's bytes go straight
// into the server and back, so framing, flow control, RST_STREAM and GOAWAY are exercised
// without a socket.
#include "plugins/http_target/h2_session.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "lib/http_body/multipart.h"
#include "plugins/http_target/body_stream.h"
#include "plugins/http_target/h2_request.h"

using sp::http::BodyStream;
using sp::http::H2End;
using sp::http::H2Listener;
using sp::http::H2Request;
using sp::http::H2Session;
using sp::http::H2Stream;
using sp::http::ToH2Request;

namespace {

// What the client heard of one stream.
struct Heard : H2Stream {
  std::map<std::string, std::string> fields;
  size_t body_bytes = 0;
  size_t frames_in = 0;
  size_t frames_out = 0;
  int ends = 0;
  H2End end = H2End::kComplete;
  uint32_t code = 0;
};

class Client final : public H2Listener {
 public:
  void OnField(H2Stream* s, std::string_view name, std::string_view value) override {
    static_cast<Heard*>(s)->fields[std::string(name)] = std::string(value);
  }
  void OnData(H2Stream* s, const char*, size_t len) override {
    static_cast<Heard*>(s)->body_bytes += len;
  }
  void OnFrameIn(H2Stream* s, size_t payload) override {
    static_cast<Heard*>(s)->frames_in += payload;
  }
  void OnFrameOut(H2Stream* s, size_t payload) override {
    static_cast<Heard*>(s)->frames_out += payload;
  }
  void OnStreamEnd(H2Stream* s, H2End end, uint32_t code) override {
    auto* h = static_cast<Heard*>(s);
    ++h->ends;
    h->end = end;
    h->code = code;
  }
};

// nghttp2's server: answers each request by its path. /big: `big` bytes; /reset: RST_STREAM
// PROTOCOL_ERROR; /goaway: GOAWAY naming this stream as the last, then an answer; else "ok".
class Server {
 public:
  explicit Server(size_t big) : big_(big) {
    nghttp2_session_callbacks* cbs;
    nghttp2_session_callbacks_new(&cbs);
    nghttp2_session_callbacks_set_on_header_callback(cbs, OnHeader);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, OnData);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, OnFrame);
    nghttp2_session_server_new(&session_, cbs, this);
    nghttp2_session_callbacks_del(cbs);
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, nullptr, 0);
  }
  ~Server() { nghttp2_session_del(session_); }

  nghttp2_session* session_ = nullptr;
  std::map<int32_t, std::string> paths;
  std::map<int32_t, std::string> request_body;

 private:
  static int OnHeader(nghttp2_session*, const nghttp2_frame* f, const uint8_t* n, size_t nl,
                      const uint8_t* v, size_t vl, uint8_t, void* self) {
    if (std::string(reinterpret_cast<const char*>(n), nl) == ":path") {
      static_cast<Server*>(self)->paths[f->hd.stream_id] =
          std::string(reinterpret_cast<const char*>(v), vl);
    }
    return 0;
  }
  static int OnData(nghttp2_session*, uint8_t, int32_t id, const uint8_t* data, size_t len,
                    void* self) {
    static_cast<Server*>(self)->request_body[id].append(reinterpret_cast<const char*>(data), len);
    return 0;
  }
  static ssize_t ReadBody(nghttp2_session*, int32_t, uint8_t* buf, size_t len, uint32_t* flags,
                          nghttp2_data_source* src, void*) {
    auto* left = static_cast<size_t*>(src->ptr);
    const size_t n = std::min(len, *left);
    std::fill(buf, buf + n, 'x');
    *left -= n;
    if (*left == 0) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }
  static int OnFrame(nghttp2_session* s, const nghttp2_frame* f, void* p) {
    auto* self = static_cast<Server*>(p);
    if ((f->hd.type != NGHTTP2_HEADERS && f->hd.type != NGHTTP2_DATA) ||
        (f->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0) {
      return 0;
    }
    const int32_t id = f->hd.stream_id;
    const std::string& path = self->paths[id];
    if (self->goaway_last_ > 0 && id > self->goaway_last_) return 0;  // refused: never answered
    if (path == "/reset") return nghttp2_submit_rst_stream(s, 0, id, NGHTTP2_PROTOCOL_ERROR);
    if (path == "/goaway") {
      self->goaway_last_ = id;
      nghttp2_submit_goaway(s, 0, id, NGHTTP2_NO_ERROR, nullptr, 0);
    }
    self->left_[id] = path == "/big" ? self->big_ : 2;
    nghttp2_data_provider body{};
    body.source.ptr = &self->left_[id];
    body.read_callback = ReadBody;
    const nghttp2_nv status[] = {{(uint8_t*)":status", (uint8_t*)"200", 7, 3, 0},
                                 {(uint8_t*)"x-seen", (uint8_t*)"yes", 6, 3, 0}};
    return nghttp2_submit_response(s, id, status, 2, &body);
  }

  size_t big_;
  int32_t goaway_last_ = 0;
  std::map<int32_t, size_t> left_;
};

// Moves bytes both ways until neither side has anything to say.
void Exchange(H2Session& client, Server& server) {
  for (int round = 0; round < 10000; ++round) {
    std::string out;
    REQUIRE(client.Produce(&out, 1 << 16));
    if (!out.empty()) {
      REQUIRE(nghttp2_session_mem_recv(server.session_,
                                       reinterpret_cast<const uint8_t*>(out.data()),
                                       out.size()) == static_cast<ssize_t>(out.size()));
    }
    std::string back;
    const uint8_t* data;
    ssize_t n;
    while ((n = nghttp2_session_mem_send(server.session_, &data)) > 0) {
      back.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
    }
    if (!back.empty()) REQUIRE(client.Receive(back.data(), back.size()));
    if (out.empty() && back.empty()) return;
  }
  FAIL("the sessions never went quiet");
}

void Submit(H2Session& session, Heard* s, std::string_view http1) {
  H2Request req;
  std::string why;
  REQUIRE(ToH2Request(http1, false, &req, &why));
  s->body = req.body;
  REQUIRE(session.Submit(req.fields.data(), req.fields.size(), s, &why));
}

}  // namespace

TEST_CASE("h2 session: a response larger than every flow-control window streams whole", "[h2]") {
  const size_t big = 5 << 20;  // many times the window below, connection and stream
  Client listener;
  H2Session client(&listener);
  std::string err;
  REQUIRE(client.Start(1 << 16, &err));  // a 64 KiB window: the body needs WINDOW_UPDATEs
  Server server(big);
  Heard get;
  Heard post;
  Submit(client, &get, "GET /big HTTP/1.1\r\nHost: a.test\r\nConnection: keep-alive\r\n\r\n");
  // A request body over the server's 64 KiB window: our side waits for its WINDOW_UPDATEs.
  const std::string body(200'000, 'b');
  const std::string post_bytes =
      "POST /small HTTP/1.1\r\nHost: a.test\r\nContent-Length: 200000\r\n\r\n" + body;
  Submit(client, &post, post_bytes);
  CHECK(client.open_streams() == 2);
  Exchange(client, server);
  CHECK(get.ends == 1);
  CHECK(get.end == H2End::kComplete);
  CHECK(get.fields[":status"] == "200");
  CHECK(get.fields["x-seen"] == "yes");
  CHECK(get.body_bytes == big);
  CHECK(get.frames_in >= big);  // DATA payloads plus the HEADERS block
  CHECK(get.frames_out > 0);
  CHECK(post.end == H2End::kComplete);
  CHECK(server.request_body[post.id] == body);
  CHECK(post.frames_out >= body.size());
  CHECK(server.paths[get.id] == "/big");
  CHECK(client.open_streams() == 0);
}

// A client session started with a 1 MiB stream window, and nghttp2's server.
struct Sessions {
  Sessions() {
    std::string err;
    REQUIRE(client.Start(1 << 20, &err));
  }
  Client listener;
  H2Session client{&listener};
  Server server{10};
};

// A multipart layout of a text field and a file, and the body it stands for (read apart).
struct Upload {
  explicit Upload(const std::string& file_bytes) {
    char name[] = "/tmp/sp-h2-upload-XXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    path = name;
    std::ofstream(path, std::ios::binary) << file_bytes;
    std::string err;
    REQUIRE(sp::http_body::MultipartLayout::Build(
        {sp::http_body::MultipartPart::Text("title", "cat"),
         sp::http_body::MultipartPart::File("photo", path, "photo.bin")},
        &layout, &err, [] { return std::string("b0undary"); }));
    sp::http_body::MultipartReader reader(layout);
    char buf[4096];
    for (size_t got = 1; got > 0;) {
      REQUIRE(reader.Read(buf, sizeof buf, &got, &err));
      body.append(buf, got);
    }
  }
  ~Upload() { std::remove(path.c_str()); }
  std::string head() const {
    return "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Type: " + layout.content_type() +
           "\r\nContent-Length: " + std::to_string(layout.content_length()) + "\r\n\r\n";
  }

  // Submits it on `client`, the body streamed from the file through `stream`.
  void Submit(H2Session& client, Heard* post, BodyStream* stream) const {
    stream->Begin(&layout);
    post->streamed = stream;
    ::Submit(client, post, head());
  }

  std::string path;
  sp::http_body::MultipartLayout layout;
  std::string body;
};

TEST_CASE("h2 session: a streamed multipart body goes out whole through the window", "[h2]") {
  std::string file(300'000, '\0');  // over the server's 64 KiB window: WINDOW_UPDATEs needed
  for (size_t i = 0; i < file.size(); ++i) file[i] = static_cast<char>(i * 7);
  Upload upload(file);
  Sessions h2;
  BodyStream stream;
  Heard post;
  upload.Submit(h2.client, &post, &stream);
  Exchange(h2.client, h2.server);
  CHECK(post.end == H2End::kComplete);
  CHECK(post.body_error.empty());
  CHECK(h2.server.request_body[post.id].size() == upload.layout.content_length());
  CHECK(h2.server.request_body[post.id] == upload.body);
  CHECK(upload.body.find(file) != std::string::npos);
  CHECK(post.frames_out >= upload.body.size());
}

TEST_CASE("h2 session: a file that changed size resets its stream as kBodyFailed", "[h2]") {
  Upload upload(std::string(100'000, 'f'));
  std::ofstream(upload.path, std::ios::binary | std::ios::trunc) << "shorter";
  Sessions h2;
  BodyStream stream;
  Heard post;
  upload.Submit(h2.client, &post, &stream);
  Heard other;
  Submit(h2.client, &other, "GET /ok HTTP/1.1\r\nHost: a\r\n\r\n");
  Exchange(h2.client, h2.server);
  CHECK(post.ends == 1);
  CHECK(post.end == H2End::kBodyFailed);
  CHECK(post.body_error.find("size") != std::string::npos);
  CHECK(other.end == H2End::kComplete);  // the connection goes on
  CHECK(h2.client.open_streams() == 0);
}

TEST_CASE("h2 session: the server's RST_STREAM ends that stream only", "[h2]") {
  Client listener;
  H2Session client(&listener);
  std::string err;
  REQUIRE(client.Start(1 << 20, &err));
  Server server(10);
  Heard reset;
  Heard fine;
  Submit(client, &reset, "GET /reset HTTP/1.1\r\nHost: a\r\n\r\n");
  Submit(client, &fine, "GET /ok HTTP/1.1\r\nHost: a\r\n\r\n");
  Exchange(client, server);
  CHECK(reset.ends == 1);
  CHECK(reset.end == H2End::kPeerReset);
  CHECK(reset.code == NGHTTP2_PROTOCOL_ERROR);
  CHECK(fine.end == H2End::kComplete);
  CHECK(fine.body_bytes == 2);
  CHECK_FALSE(client.Draining());
}

TEST_CASE("h2 session: streams above a GOAWAY's last stream id are refused", "[h2]") {
  Client listener;
  H2Session client(&listener);
  std::string err;
  REQUIRE(client.Start(1 << 20, &err));
  Server server(10);
  Heard first;
  Heard second;
  // Both reach the server together; it answers the first and says GOAWAY naming it the last.
  Submit(client, &first, "GET /goaway HTTP/1.1\r\nHost: a\r\n\r\n");
  Submit(client, &second, "GET /ok HTTP/1.1\r\nHost: a\r\n\r\n");
  Exchange(client, server);
  CHECK(first.end == H2End::kComplete);
  CHECK(second.ends == 1);
  CHECK(second.end == H2End::kRefused);
  CHECK(client.Draining());  // no new stream may start on it
  CHECK(client.open_streams() == 0);
}

TEST_CASE("h2 session: bytes that are not HTTP/2 end the session and its streams", "[h2]") {
  Client listener;
  H2Session client(&listener);
  std::string err;
  REQUIRE(client.Start(1 << 20, &err));
  Heard s;
  Submit(client, &s, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  std::string out;
  REQUIRE(client.Produce(&out, 1 << 16));  // the preface, SETTINGS and the request
  const std::string http1 = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
  client.Receive(http1.data(), http1.size());
  out.clear();
  client.Produce(&out, 1 << 16);  // nghttp2's GOAWAY
  CHECK(client.Finished());       // nothing more to say: the caller closes the connection
  CHECK(client.error().find("HTTP/2") != std::string::npos);
  CHECK(s.ends == 0);
  client.CloseAll(H2End::kConnectionLost);
  CHECK(s.ends == 1);
  CHECK(s.end == H2End::kConnectionLost);
  CHECK(client.open_streams() == 0);
}

TEST_CASE("h2 request: HTTP/1.1 bytes become HTTP/2 fields", "[h2]") {
  H2Request req;
  std::string why;
  REQUIRE(
      ToH2Request("POST /a?b=1 HTTP/1.1\r\nHost: shop.test:8443\r\nUser-Agent: sp\r\n"
                  "Connection: close\r\nTE: gzip\r\nX-Trace: ab\r\nContent-Length: 2\r\n\r\nhi",
                  true, &req, &why));
  std::vector<std::pair<std::string, std::string>> fields;
  for (const nghttp2_nv& nv : req.fields) {
    fields.emplace_back(std::string(reinterpret_cast<const char*>(nv.name), nv.namelen),
                        std::string(reinterpret_cast<const char*>(nv.value), nv.valuelen));
  }
  const std::vector<std::pair<std::string, std::string>> want = {
      {":method", "POST"},    {":scheme", "https"}, {":authority", "shop.test:8443"},
      {":path", "/a?b=1"},    {"user-agent", "sp"}, {"x-trace", "ab"},
      {"content-length", "2"}};
  CHECK(fields == want);
  CHECK(req.body == "hi");
  CHECK_FALSE(ToH2Request("GET / HTTP/1.1\r\nHost: a\r\n", false, &req, &why));
  CHECK(why.find("does not end") != std::string::npos);
}
