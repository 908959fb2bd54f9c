// The option tables the plugin declares: target-level options and per-request options. The
// host validates plans against them and hands values back in declaration order, so the enums
// below index sp_options.values.
#pragma once

#include <cstddef>

#include "plugins/common/options.h"
#include "stressplan/plugin.h"

namespace sp::http {

enum TargetOption : size_t {
  kBaseUrl,
  kConnectTimeout,
  kResponseTimeout,
  kTargetHeaders,
  kInsecure,
  kCaFile,
  kServerName,
  kTlsMinVersion,
  kTlsResume,
  kClientCert,
  kClientKey,
  kClientKeyPassword,  // https:// (tls_options.h)
  kDataFile,
  kDataMode,
  kTargetRules,
  kMaxBodyCapture,  // templates and responses (dynamic_config.h)
  kMaxConnections,
  kCookies,
  kCookiesReset,  // the per-VU cookie jar (cookie_session.h)
  kResolve,       // base_url's host:port -> an address (target_config.h)
  kMaxRedirects,  // redirects followed per request (redirect.h)
  kProtocol,
  kMaxStreams,      // HTTP/2 (target_config.h, h2_pool.h)
  kLocalAddresses,  // source addresses connections bind to (local_addresses.h)
  kTargetOptionCount
};
enum RequestOption : size_t {
  kMethod,
  kPath,
  kRequestHeaders,
  kBody,
  kCapture,
  kChecks,
  kRequestRules,  // what is done with the response (dynamic_config.h)
  kRequestCookies,
  kForm,  // a form body (form_body.h)
  kMultipart,
  kMultipartDir,  // a multipart/form-data body (multipart_body.h)
  kRequestMaxRedirects,
  kRequestOptionCount
};

extern const sp_option_decl kTargetOptionDecls[kTargetOptionCount];
extern const sp_option_decl kRequestOptionDecls[kRequestOptionCount];

// values[k] of `options`, or nullptr when the host passed fewer values or left it unset.
using plugin_common::OptionValue;

}  // namespace sp::http
