#include "plugins/http_target/instance.h"

#include <cerrno>

#include "plugins/http_target/socket_ops.h"
#include "plugins/http_target/tls_session.h"

namespace sp::http {

std::unique_ptr<Instance> Instance::Compile(const sp_host_api* host, void* host_ctx,
                                            const sp_options* options,
                                            const sp_request_spec* requests, size_t request_count,
                                            OptionError* err) {
  std::unique_ptr<Instance> inst(new Instance(host, host_ctx));
  if (!CompileTargetOptions(options, &inst->config_, err)) return nullptr;
  if (inst->config_.url.tls && !(inst->tls_ = TlsContext::Create(inst->config_, err)))
    return nullptr;
  if (!inst->dynamic_.CompileTarget(host, host_ctx, options, err)) return nullptr;
  inst->requests_.resize(request_count);
  for (size_t i = 0; i < request_count; ++i) {
    // Templates first: a step sees the captures of earlier steps only, never its own.
    if (!CompileRequest(requests[i], i, inst->config_, inst->dynamic_.Scope(), &inst->requests_[i],
                        err) ||
        !inst->dynamic_.CompileRequest(requests[i], i, &inst->requests_[i], err)) {
      return nullptr;
    }
  }
  return inst;
}

bool Instance::Check(const sp_host_api* host, void* host_ctx, const sp_options* options,
                     const sp_request_spec* requests, size_t request_count, OptionError* err) {
  return Compile(host, host_ctx, options, requests, request_count, err) != nullptr;
}

std::unique_ptr<Instance> Instance::Create(const sp_host_api* host, void* host_ctx,
                                           const sp_options* options,
                                           const sp_request_spec* requests, size_t request_count,
                                           OptionError* err) {
  std::unique_ptr<Instance> inst = Compile(host, host_ctx, options, requests, request_count, err);
  if (!inst) return nullptr;
  const BaseUrl& url = inst->config_.url;
  if (!Resolve(inst->config_.connect_host, url.port, &inst->addresses_, &inst->dns_error_)) {
    const std::string msg = "http target: cannot resolve host \"" + url.host + "\" of " +
                            url.text + ": " + inst->dns_error_ +
                            "; requests fail with dns until it resolves";
    inst->host_.Log(SP_LOG_WARN, msg.c_str());
  }
  return inst;
}

bool Instance::Preflight(std::string* err) {
  const BaseUrl& url = config_.url;
  if (addresses_.empty() && !Resolve(config_.connect_host, url.port, &addresses_, &dns_error_)) {
    *err = "cannot resolve host \"" + url.host + "\" of base_url " + url.text + ": " + dns_error_;
    return false;
  }
  dns_error_.clear();
  std::string reasons;
  for (const Address& a : addresses_) {
    int err_no = 0;
    if (ProbeConnect(a, config_.connect_timeout_ns, &err_no)) {
      // https: the first address that connects must also complete a verified handshake.
      return tls_ == nullptr || ProbeTls(*tls_, a, config_.connect_timeout_ns, url.text, err);
    }
    if (!reasons.empty()) reasons += "; ";
    reasons += a.text + ": ";
    std::string why = err_no == ETIMEDOUT ? "connect timeout" : ErrnoText(err_no);
    if (!why.empty() && why[0] >= 'A' && why[0] <= 'Z') why[0] = static_cast<char>(why[0] + 32);
    reasons += why;
  }
  *err = "cannot connect to base_url " + url.text + " (" + reasons +
         "); is the server running and listening there?";
  return false;
}

}  // namespace sp::http
