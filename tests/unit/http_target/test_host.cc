#include "test_host.h"

#include <catch2/catch.hpp>
#include <ctime>

#include "plugins/http_target/options.h"
#include "plugins/http_target/plugin_abi.h"

namespace sp::http::test {
namespace {

uint64_t host_now(void*) { return now_ns(); }
void host_log(void*, sp_log_level, const char*) {}
void host_emit(void*, const char*, double) {}
uint32_t host_intern(void*, const char*) { return 0; }

const sp_host_api kHost = {sizeof(sp_host_api), SP_ABI_VERSION_MAJOR, SP_ABI_VERSION_MINOR,
                           host_log, host_now, host_emit, host_intern};

sp_option_value string_value(const sp_option_decl& decl, const std::optional<std::string>& s) {
  sp_option_value v{};
  v.name = decl.name;
  v.type = decl.type;
  v.is_set = s.has_value();
  if (s) v.s = {s->data(), s->size()};
  return v;
}

// Not through std::optional: a converted temporary would not outlive the call.
sp_option_value string_value(const sp_option_decl& decl, const std::string& s) {
  sp_option_value v{};
  v.name = decl.name;
  v.type = decl.type;
  v.is_set = 1;
  v.s = {s.data(), s.size()};
  return v;
}

sp_option_value duration_value(const sp_option_decl& decl, uint64_t ns) {
  sp_option_value v{};
  v.name = decl.name;
  v.type = decl.type;
  v.is_set = 1;
  v.i = static_cast<int64_t>(ns);
  return v;
}

}  // namespace

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

Target::~Target() {
  if (instance_ != nullptr) vtable()->destroy(instance_);
}

const sp_target_vtable* Target::vtable() const {
  return static_cast<const sp_target_vtable*>(plugin_descriptor()->vtable);
}

sp_status Target::create(const TargetSettings& target, const std::vector<RequestSettings>& requests) {
  // Values in declaration order, as the host hands them over.
  const sp_option_decl* decls = kTargetOptionDecls;
  const sp_option_value target_values[] = {
      string_value(decls[kBaseUrl], target.base_url),
      duration_value(decls[kConnectTimeout], target.connect_timeout_ns),
      duration_value(decls[kResponseTimeout], target.response_timeout_ns),
      string_value(decls[kTargetHeaders], target.headers),
  };
  const sp_options target_options{kTargetOptionCount, target_values};

  std::vector<std::vector<sp_option_value>> request_values;
  std::vector<sp_request_spec> specs;
  for (const RequestSettings& r : requests) {
    const sp_option_decl* rd = kRequestOptionDecls;
    request_values.push_back({string_value(rd[kMethod], r.method), string_value(rd[kPath], r.path),
                              string_value(rd[kRequestHeaders], r.headers),
                              string_value(rd[kBody], r.body)});
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    specs.push_back({{requests[i].name.data(), requests[i].name.size()},
                     {request_values[i].size(), request_values[i].data()}});
  }
  error_ = sp_error{};
  return vtable()->create(&kHost, nullptr, &target_options, specs.data(), specs.size(),
                          &instance_, &error_);
}

sp_status Target::preflight() {
  error_ = sp_error{};
  return vtable()->preflight(instance_, &error_);
}

Worker::Worker(Target& target) : target_(target) {
  host_.struct_size = sizeof host_;
  host_.ctx = this;
  host_.complete = on_complete;
  REQUIRE(target_.vtable()->worker_open(target_.instance(), &host_, &worker_, &error_) == SP_OK);
}

Worker::~Worker() {
  cancel_all();
  target_.vtable()->worker_close(worker_);
}

void Worker::on_complete(void* ctx, const sp_result* result) {
  auto* self = static_cast<Worker*>(ctx);
  // The ABI allows completions only from inside poll or cancel_all.
  CHECK(self->inside_poll_);
  self->completions_.push_back({*result, result->detail ? result->detail : ""});
  self->completions_.back().result.detail = nullptr;
  ++self->per_token_[result->token];
}

sp_status Worker::submit(uint64_t token, uint32_t request) {
  sp_request r{};
  r.struct_size = sizeof r;
  r.token = token;
  r.request = request;
  r.intended_ns = now_ns();
  error_ = sp_error{};
  return target_.vtable()->submit(worker_, &r, &error_);
}

int Worker::poll_once(uint64_t deadline_ns) {
  inside_poll_ = true;
  const int n = target_.vtable()->poll(worker_, deadline_ns);
  inside_poll_ = false;
  return n;
}

bool Worker::poll_until(size_t count, uint64_t timeout_ns) {
  const uint64_t until = now_ns() + timeout_ns;
  while (completions_.size() < count) {
    const size_t before = completions_.size();
    const int n = poll_once(until);
    REQUIRE(n >= 0);
    REQUIRE(completions_.size() - before == static_cast<size_t>(n));
    if (n == 0 && now_ns() >= until) return false;
  }
  return completions_.size() == count;
}

void Worker::cancel_all() {
  inside_poll_ = true;
  target_.vtable()->cancel_all(worker_);
  inside_poll_ = false;
}

size_t Worker::count(sp_error_kind kind) const {
  size_t n = 0;
  for (const Completion& c : completions_) n += c.result.error == kind;
  return n;
}

}  // namespace sp::http::test
