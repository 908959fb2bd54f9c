// One http target instance: the compiled options and request bytes, and the resolved
// addresses. Built once by `create`; read-only afterwards, shared by every worker.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "plugins/http_target/address.h"
#include "plugins/http_target/dynamic_config.h"
#include "plugins/http_target/host_api.h"
#include "plugins/http_target/option_error.h"
#include "plugins/http_target/request_builder.h"
#include "plugins/http_target/target_config.h"
#include "plugins/http_target/tls_context.h"

namespace sp::http {

class Instance {
 public:
  // Checks every option and request step and resolves the host. A name that does not resolve
  // is not an error here (it may start resolving once the plan's services are up): the
  // failure is logged, preflight reports it, and workers resolve again when they open.
  static std::unique_ptr<Instance> Create(const sp_host_api* host, void* host_ctx,
                                          const sp_options* options,
                                          const sp_request_spec* requests, size_t request_count,
                                          OptionError* err);
  // create's checks alone (check_options, ABI 1.2): the same compile, then discarded; no name
  // is resolved.
  static bool Check(const sp_host_api* host, void* host_ctx, const sp_options* options,
                    const sp_request_spec* requests, size_t request_count, OptionError* err);

  // Resolves again if needed, then connects once (within connect_timeout) to the first
  // address that accepts; for https:// it then completes a verified TLS handshake with that
  // address too. On failure *err names the URL, the address and the reason.
  bool Preflight(std::string* err);

  const HostApi& host() const { return host_; }
  const TargetConfig& config() const { return config_; }
  const std::vector<CompiledRequest>& requests() const { return requests_; }
  // Templates' data file and counters, captures, checks and rules (dynamic_config.h).
  const DynamicConfig& dynamic() const { return dynamic_; }
  // Empty when the host did not resolve; dns_error() says why.
  const std::vector<Address>& addresses() const { return addresses_; }
  const std::string& dns_error() const { return dns_error_; }
  // https://: the TLS setup every worker's connections use; nullptr for http://.
  const TlsContext* tls() const { return tls_.get(); }

 private:
  Instance(const sp_host_api* host, void* host_ctx) : host_(host, host_ctx) {}
  // Every option and request step checked and compiled; nothing resolved yet.
  static std::unique_ptr<Instance> Compile(const sp_host_api* host, void* host_ctx,
                                           const sp_options* options,
                                           const sp_request_spec* requests, size_t request_count,
                                           OptionError* err);

  HostApi host_;
  TargetConfig config_;
  std::vector<CompiledRequest> requests_;
  DynamicConfig dynamic_;
  std::vector<Address> addresses_;
  std::string dns_error_;
  std::unique_ptr<TlsContext> tls_;
};

}  // namespace sp::http
