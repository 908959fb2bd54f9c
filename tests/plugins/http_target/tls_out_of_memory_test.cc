// When OpenSSL cannot allocate on the generator, an https request fails as local_limit (this
// machine's limit: the run is untrustworthy), not as tls (which would blame the server).
//
// Its own executable: OpenSSL's allocator can only be replaced before OpenSSL allocates anything
// (CRYPTO_set_mem_functions), so main replaces it first. Only the allocations of a thread that
// sets g_fail fail: the worker runs on the test's thread (poll), so nothing else is disturbed.
#define CATCH_CONFIG_RUNNER
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "test_host.h"

using namespace sp::http::test;

namespace {

thread_local bool g_fail = false;

void* FailingMalloc(size_t n, const char*, int) { return g_fail ? nullptr : std::malloc(n); }
void* FailingRealloc(void* p, size_t n, const char*, int) {
  return g_fail ? nullptr : std::realloc(p, n);
}
void PlainFree(void* p, const char*, int) { std::free(p); }

// A listening socket that never accepts: the kernel completes TCP connects into its backlog,
// so the client reaches its TLS handshake.
struct Listener {
  int fd = -1;
  uint16_t port = 0;
  Listener() {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 8) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      return;
    }
    port = ntohs(a.sin_port);
  }
  ~Listener() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (CRYPTO_set_mem_functions(FailingMalloc, FailingRealloc, PlainFree) != 1) {
    std::fprintf(stderr, "tls_out_of_memory_test: OpenSSL allocated before main\n");
    return 1;
  }
  return Catch::Session().run(argc, argv);
}

TEST_CASE("tls: OpenSSL out of memory on the generator is local_limit, not tls", "[tls]") {
  Listener server;
  REQUIRE(server.port != 0);
  TargetSettings t;
  t.base_url = "https://127.0.0.1:" + std::to_string(server.port);
  t.insecure = true;
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  Worker worker(target);

  REQUIRE(worker.Submit(1) == SP_OK);
  g_fail = true;  // from the connect on: the handshake's SSL_new cannot allocate
  const bool done = worker.PollUntil(1);
  g_fail = false;

  REQUIRE(done);
  const Completion& c = worker.completions()[0];
  CHECK(c.result.error == SP_E_LOCAL_LIMIT);
  CHECK(c.detail.find("TLS setup failed") != std::string::npos);
}
