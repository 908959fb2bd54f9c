// The host side of the ABI, as the http target's tests need it: a host function table, typed
// option tables built the way the host hands them over, and a worker whose completions are
// recorded (and checked to arrive once per token).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stressplan/target.h"

namespace sp::http::test {

uint64_t NowNs();
constexpr uint64_t kMs = 1'000'000;

struct TargetSettings {
  std::optional<std::string> base_url;
  uint64_t connect_timeout_ns = 5'000 * kMs;
  uint64_t response_timeout_ns = 30'000 * kMs;
  std::optional<std::string> headers;  // JSON
  // https:// (unset: the target's built-in defaults)
  std::optional<bool> insecure;
  std::optional<std::string> ca_file;
  std::optional<std::string> server_name;
  std::optional<std::string> tls_min_version;
  std::optional<bool> tls_resume;
  std::optional<std::string> client_cert;  // path
  std::optional<std::string> client_key;   // path
  std::optional<std::string> client_key_password;
  // Templates and responses (unset: the built-in defaults)
  std::optional<std::string> data_file;  // path
  std::optional<std::string> data_mode;
  std::optional<std::string> rules;  // JSON
  std::optional<uint64_t> max_body_capture;
  std::optional<uint64_t> max_connections;
  std::optional<bool> cookies;
  std::optional<std::string> cookies_reset;
  std::optional<std::string> resolve;  // JSON
  std::optional<int64_t> max_redirects;
  std::optional<std::string> protocol;         // http1 or http2
  std::optional<std::string> local_addresses;  // JSON
  // The minor of the host's ABI the target is created by (an older host: fewer features).
  uint16_t host_abi_minor = SP_ABI_VERSION_MINOR;
  // The execution segment the host says the run is (ABI 1.5 segment): I of N.
  uint32_t segment_index = 0;
  uint32_t segment_count = 1;
};

struct RequestSettings {
  std::string name = "step";
  std::string method = "GET";
  std::string path = "/";
  std::optional<std::string> headers;  // JSON
  std::optional<std::string> body;
  std::optional<std::string> capture;  // JSON
  std::optional<std::string> checks;   // JSON
  std::optional<std::string> rules;    // JSON
  std::optional<bool> cookies;
  std::optional<std::string> form;  // JSON
  std::optional<std::string> multipart;      // JSON
  std::optional<std::string> multipart_dir;  // path (unset: the declared default ".")
  std::optional<int64_t> max_redirects;
};

// The name the test host interned as `id` ("" if none): check and event names in results.
std::string InternedName(uint32_t id);

// create/destroy through the plugin's vtable.
class Target {
 public:
  Target() = default;
  ~Target();
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;

  sp_status Create(const TargetSettings& target, const std::vector<RequestSettings>& requests);
  sp_status Preflight();

  const sp_target_vtable* Vtable() const;
  void* instance() const { return instance_; }
  const sp_error& error() const { return error_; }
  // What check_options said about the options of the last create, called just before it.
  sp_status check_status() const { return check_status_; }
  const sp_error& check_error() const { return check_error_; }

 private:
  void* instance_ = nullptr;
  sp_host_api host_api_{};  // the host table the instance holds on to
  uint32_t segment_[2] = {0, 1};  // its host_ctx: what host_api_.segment answers
  sp_error error_{};
  sp_status check_status_ = SP_OK;
  sp_error check_error_{};
};

struct Completion {
  sp_result result;  // detail and events cleared: they are valid during `complete` only
  std::string detail;
  std::vector<std::string> events;  // the interned names of result.events, in order
};

class Worker {
 public:
  explicit Worker(Target& target);
  ~Worker();  // cancel_all, then worker_close
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  sp_status Submit(uint64_t token, uint32_t request = 0);
  // As the host's load threads submit: on behalf of a VU in one of its iterations.
  sp_status SubmitAs(uint64_t token, uint32_t request, uint32_t vu, uint64_t iteration);
  // Polls until `count` completions in total arrived or `timeout_ns` passed; true if they did.
  bool PollUntil(size_t count, uint64_t timeout_ns = 5'000 * kMs);
  // Runs poll once with this deadline and returns its value.
  int PollOnce(uint64_t deadline_ns);
  void CancelAll();
  // release_vu through the vtable (ABI 1.2): virtual user `vu` left the load.
  void ReleaseVu(uint32_t vu);

  const std::vector<Completion>& completions() const { return completions_; }
  // Completions per token; each must be 1.
  const std::map<uint64_t, int>& per_token() const { return per_token_; }
  size_t Count(sp_error_kind kind) const;
  const sp_error& error() const { return error_; }

 private:
  static void OnComplete(void* ctx, const sp_result* result);

  Target& target_;
  sp_worker_host host_{};
  void* worker_ = nullptr;
  sp_error error_{};
  std::vector<Completion> completions_;
  std::map<uint64_t, int> per_token_;
  bool inside_poll_ = false;
};

}  // namespace sp::http::test
