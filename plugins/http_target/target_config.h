// The target-level options, checked and typed: what every worker of the instance shares.
#pragma once

#include <cstdint>

#include "lib/cookies/origin.h"
#include "plugins/http_target/base_url.h"
#include "plugins/http_target/header_list.h"
#include "plugins/http_target/local_addresses.h"
#include "plugins/http_target/option_error.h"
#include "plugins/http_target/tls_options.h"
#include "stressplan/plugin.h"

namespace sp::http {

struct TargetConfig {
  BaseUrl url;
  uint64_t connect_timeout_ns = 5'000'000'000;
  uint64_t response_timeout_ns = 30'000'000'000;
  uint32_t max_connections = 0;  // per worker; 0 = unlimited
  HeaderList headers;  // the target's `headers`, sent with every request
  TlsSettings tls;     // used when url.tls (https://)
  bool cookies = true;                   // a cookie jar per VU (cookie_session.h)
  bool cookies_reset_iteration = false;  // cookies_reset: iteration
  cookies::Origin origin;                // base_url as the jar sees it
  // Where connections go: base_url's host, or the address `resolve` maps its host:port to
  // (Host, SNI and certificate checks keep url.host).
  std::string connect_host;
  uint32_t max_redirects = 10;  // redirects followed per request (redirect.h)
  bool http2 = false;           // protocol: http2 (h2_pool.h)
  uint32_t max_streams = 1;     // http2: concurrent streams per connection
  LocalAddresses local_addresses;  // the source addresses connections bind to (none: any)
};

// A max_redirects value (target or request option) in range: 0 to kMaxRedirectsLimit.
constexpr int64_t kMaxRedirectsLimit = 1000;
bool ReadMaxRedirects(const sp_option_value& v, const std::string& option,
                      const std::string& pointer, uint32_t* out, OptionError* err);

// Reads the values the host resolved against kTargetOptionDecls.
bool CompileTargetOptions(const sp_options* options, TargetConfig* out, OptionError* err);

}  // namespace sp::http
