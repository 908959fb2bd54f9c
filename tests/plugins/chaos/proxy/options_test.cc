// What the proxy refuses, and how it says so: every error names the plan option at fault.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "echo_server.h"
#include "fake_host.h"
#include "plugins/chaos/proxy/options.h"
#include "plugins/chaos/proxy/plugin_abi.h"
#include "plugins/chaos/proxy/site_config.h"
#include "proxy_fixture.h"

using namespace sp::proxy;
using namespace sp::proxy::test;

namespace {

struct OpenResult {
  sp_status status;
  sp_error error;
};

OpenResult OpenWith(std::map<std::string, std::string> text) {
  const OptionTable options(kSiteOptionDecls, kSiteOptionCount, std::move(text), {});
  OpenResult r{SP_OK, {}};
  void* site = nullptr;
  r.status = Vtable()->open_site(FakeHost(), nullptr, options.get(), &site, &r.error);
  if (site != nullptr) Vtable()->close_site(site);
  return r;
}

bool Contains(const char* text, const std::string& part) {
  return std::string(text).find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("descriptor: a fault plugin named proxy with sites, ABI 1.2", "[options]") {
  const sp_plugin_descriptor* d = PluginDescriptor();
  CHECK(std::string(d->name) == "proxy");
  CHECK(d->kind == SP_KIND_FAULT);
  CHECK(d->abi_major == 1);
  CHECK(d->abi_minor == SP_ABI_VERSION_MINOR);
  const sp_fault_vtable* v = Vtable();
  REQUIRE(v->site_option_count == 5);
  CHECK(std::string(v->site_options[0].name) == "listen");
  CHECK(std::string(v->site_options[1].name) == "upstream");
  CHECK(std::string(v->site_options[2].name) == "protocol");
  CHECK(std::string(v->site_options[3].name) == "connect_timeout");
  CHECK(std::string(v->site_options[4].name) == "allow_remote");
  CHECK(std::string(d->options[0].name) == "toxic");
  CHECK(v->journal_record == nullptr);
  CHECK(v->recover == nullptr);
}

TEST_CASE("a proxy fault without a site is refused, naming `proxy`", "[options]") {
  const OptionTable options(kFaultOptionDecls, kFaultOptionCount, {{"toxic", "latency"}},
                            {{"latency", 1e9}});
  void* instance = nullptr;
  sp_error err{};
  CHECK(Vtable()->create(FakeHost(), nullptr, options.get(), &instance, &err) ==
        SP_INVALID_ARGUMENT);
  CHECK(std::string(err.option) == "proxy");
  CHECK(Contains(err.message, "proxy: NAME"));
}

TEST_CASE("site options: bad addresses and a taken port name listen or upstream", "[options]") {
  OpenResult r = OpenWith({{"listen", "nonsense"}, {"upstream", "127.0.0.1:1"}});
  CHECK(r.status != SP_OK);
  CHECK(std::string(r.error.option) == "listen");

  r = OpenWith({{"listen", "127.0.0.1:0"}, {"upstream", "127.0.0.1:0"}});
  CHECK(r.status != SP_OK);
  CHECK(std::string(r.error.option) == "upstream");

  r = OpenWith({{"listen", "127.0.0.1:0"}, {"upstream", "127.0.0.1:80"}, {"protocol", "udp"}});
  CHECK(r.status != SP_OK);
  CHECK(std::string(r.error.option) == "protocol");
  // check_site_options (ABI 1.2) refuses it the same way, without opening anything.
  const OptionTable udp(kSiteOptionDecls, kSiteOptionCount,
                        {{"listen", "127.0.0.1:0"}, {"upstream", "127.0.0.1:80"}, {"protocol", "udp"}}, {});
  sp_error check{};
  CHECK(Vtable()->check_site_options(FakeHost(), nullptr, udp.get(), &check) ==
        SP_INVALID_ARGUMENT);
  CHECK(std::string(check.option) == "protocol");
  CHECK(std::string(check.message) == r.error.message);

  // A port some other socket listens on.
  const int taken = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(taken, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(taken, 1) == 0);
  socklen_t len = sizeof addr;
  getsockname(taken, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string busy = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  r = OpenWith({{"listen", busy}, {"upstream", "127.0.0.1:80"}});
  CHECK(r.status == SP_ERROR);
  CHECK(std::string(r.error.option) == "listen");
  CHECK(Contains(r.error.message, "in use"));
  // A taken port is found by open_site only: the check binds nothing.
  const OptionTable on_busy(kSiteOptionDecls, kSiteOptionCount, {{"listen", busy}, {"upstream", "127.0.0.1:80"}}, {});
  check = sp_error{};
  CHECK(Vtable()->check_site_options(FakeHost(), nullptr, on_busy.get(), &check) == SP_OK);
  close(taken);
}

TEST_CASE("a listen address other machines can reach needs allow_remote", "[options]") {
  // Refused before anything listens: each of these would bind a wildcard or public address.
  for (const char* listen : {"0.0.0.0:0", "0:0", "*:0", "[::]:0", "[::ffff:10.0.0.1]:0"}) {
    INFO(listen);
    const OpenResult r = OpenWith({{"listen", listen}, {"upstream", "127.0.0.1:80"}});
    CHECK(r.status == SP_INVALID_ARGUMENT);
    CHECK(std::string(r.error.option) == "listen");
    CHECK(Contains(r.error.message, "not a loopback address"));
    CHECK(Contains(r.error.message, "allow_remote: true"));
  }
  // `*` is every IPv4 interface, as the docs say: 0.0.0.0, not a host name to resolve.
  const OpenResult star = OpenWith({{"listen", "*:0"}, {"upstream", "127.0.0.1:80"}});
  CHECK(Contains(star.error.message, "(0.0.0.0:0)"));
  // allow_remote: false is the default, written out or not.
  const OptionTable explicit_no(kSiteOptionDecls, kSiteOptionCount, {{"listen", "0.0.0.0:0"}, {"upstream", "127.0.0.1:80"}},
                                {{"allow_remote", 0}});
  OptionError refused;
  CHECK_FALSE(ReadSiteConfig(explicit_no.get(), &refused).has_value());
  CHECK(refused.option == "listen");
  // Loopback in any spelling needs nothing; allow_remote: true lets a wildcard through (parsed
  // only: nothing binds a wildcard address in a test).
  for (const char* listen : {"127.0.0.1:0", "127.0.0.2:0", "[::1]:0", "localhost:0", "[::ffff:127.0.0.1]:0"}) {
    INFO(listen);
    const OptionTable local(kSiteOptionDecls, kSiteOptionCount, {{"listen", listen}, {"upstream", "127.0.0.1:80"}}, {});
    CHECK(ReadSiteConfig(local.get(), &refused).has_value());
  }
  const OptionTable allowed(kSiteOptionDecls, kSiteOptionCount, {{"listen", "*:0"}, {"upstream", "127.0.0.1:80"}},
                            {{"allow_remote", 1}});
  const std::optional<SiteConfig> wide = ReadSiteConfig(allowed.get(), &refused);
  REQUIRE(wide.has_value());
  CHECK(wide->listen.ToString() == "0.0.0.0:0");
}

TEST_CASE("listening on port 0 logs the port the kernel chose", "[options]") {
  EchoServer echo;
  ProxySite proxy(echo.port());
  const std::string expected = "INFO proxy listening on 127.0.0.1:" + std::to_string(proxy.Port());
  bool found = false;
  for (const std::string& line : LoggedLines()) found = found || line.rfind(expected, 0) == 0;
  CHECK(found);
}

TEST_CASE("fault options: what is refused names its option", "[options]") {
  EchoServer echo;
  ProxySite tcp(echo.port());
  ProxySite http(echo.port(), "http");
  struct Case {
    ProxySite* site;
    FaultOptions options;
    std::string option;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {&tcp, {{{"toxic", "lag"}}, {}}, "toxic", "latency, bandwidth, slicer"},
      {&tcp, {{{"toxic", "http_abort"}}, {}}, "toxic", "protocol: http"},
      {&tcp, {{{"toxic", "http_delay"}}, {}}, "toxic", "protocol: http"},
      {&tcp, {{{"toxic", "latency"}}, {}}, "latency", "needs `latency`"},
      {&tcp, {{{"toxic", "bandwidth"}}, {}}, "rate", "needs `rate`"},
      {&tcp, {{{"toxic", "limit_data"}}, {}}, "bytes", "needs `bytes`"},
      {&tcp, {{{"toxic", "latency"}}, {{"latency", 1e6}, {"probability", 1.5}}}, "probability", "between 0 and 1"},
      {&tcp, {{{"toxic", "latency"}, {"direction", "sideways"}}, {{"latency", 1e6}}}, "direction", "downstream"},
      {&tcp, {{{"toxic", "slicer"}}, {{"slice_size", 10}, {"size_variation", 10}}}, "size_variation", "smaller"},
      {&http, {{{"toxic", "http_abort"}, {"headers", "[1]"}}, {}}, "headers", "map"},
      {&http, {{{"toxic", "http_abort"}}, {{"status", 99}}}, "status", "200..599"},
      {&http, {{{"toxic", "http_abort"}, {"body", "x"}}, {{"status", 204}}}, "body", "cannot have a body"},
  };
  for (const Case& c : cases) {
    Fault fault(*c.site, c.options);
    INFO(c.option << ": " << fault.error().message);
    CHECK(fault.created() == SP_INVALID_ARGUMENT);
    CHECK(std::string(fault.error().option) == c.option);
    CHECK(Contains(fault.error().message, c.message_part));
    // check_options_on_site (ABI 1.2), given the site's options instead of the open site,
    // refuses the same step with the same words.
    const OptionTable site_options(kSiteOptionDecls, kSiteOptionCount,
                                   {{"listen", "127.0.0.1:0"}, {"upstream", "127.0.0.1:1"},
                                    {"protocol", c.site == &http ? "http" : "tcp"}},
                                   {});
    const OptionTable step(kFaultOptionDecls, kFaultOptionCount, c.options.text, c.options.numbers);
    sp_error check{};
    CHECK(Vtable()->check_options_on_site(FakeHost(), nullptr, site_options.get(), step.get(),
                                          &check) == SP_INVALID_ARGUMENT);
    CHECK(std::string(check.message) == fault.error().message);
    CHECK(std::string(check.option) == c.option);
  }
  Fault header(http, {{{"toxic", "http_abort"}, {"headers", R"({"Content-Length": "3"})"}}, {}});
  CHECK(header.created() == SP_INVALID_ARGUMENT);
  CHECK(std::string(header.error().path) == "/Content-Length");
}

TEST_CASE("revert is safe before inject and twice", "[options]") {
  EchoServer echo;
  ProxySite proxy(echo.port());
  Fault fault(proxy, {{{"toxic", "latency"}}, {{"latency", 1e6}}});
  REQUIRE(fault.created() == SP_OK);
  CHECK(fault.Revert() == SP_OK);
  CHECK_FALSE(fault.Active());
  REQUIRE(fault.Inject() == SP_OK);
  CHECK(fault.Active());
  CHECK(fault.Revert() == SP_OK);
  CHECK(fault.Revert() == SP_OK);
  CHECK_FALSE(fault.Active());
}
