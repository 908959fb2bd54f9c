#include "test_host.h"

#include <algorithm>
#include <cstddef>
#include <catch2/catch.hpp>
#include <ctime>
#include <mutex>

#include "plugins/http_target/options.h"
#include "plugins/http_target/plugin_abi.h"

namespace sp::http::test {
namespace {

uint64_t HostNow(void*) { return NowNs(); }
void HostLog(void*, sp_log_level, const char*) {}
void HostEmit(void*, const char*, double) {}
// A real interner, as the host's: the same small id for the same name, for the whole process.
std::mutex g_intern_mu;
std::vector<std::string> g_interned;

// ctx is the Target's segment_ pair.
void HostSegment(void* ctx, uint32_t* index, uint32_t* count) {
  const auto* segment = static_cast<const uint32_t*>(ctx);
  *index = segment[0];
  *count = segment[1];
}

uint32_t HostIntern(void*, const char* name) {
  std::lock_guard<std::mutex> lock(g_intern_mu);
  const auto it = std::find(g_interned.begin(), g_interned.end(), name);
  if (it != g_interned.end()) return static_cast<uint32_t>(it - g_interned.begin());
  g_interned.emplace_back(name);
  return static_cast<uint32_t>(g_interned.size() - 1);
}

const sp_host_api kHost = {sizeof(sp_host_api),
                           SP_ABI_VERSION_MAJOR,
                           SP_ABI_VERSION_MINOR,
                           HostLog,
                           HostNow,
                           HostEmit,
                           HostIntern,
                           nullptr,
                           nullptr,
                           nullptr,
                           HostSegment};

sp_option_value StringValue(const sp_option_decl& decl, const std::optional<std::string>& s) {
  sp_option_value v{};
  v.name = decl.name;
  v.type = decl.type;
  v.is_set = s.has_value();
  if (s) v.s = {s->data(), s->size()};
  return v;
}

// Not through std::optional: a converted temporary would not outlive the call.
sp_option_value StringValue(const sp_option_decl& decl, const std::string& s) {
  sp_option_value v{};
  v.name = decl.name;
  v.type = decl.type;
  v.is_set = 1;
  v.s = {s.data(), s.size()};
  return v;
}

sp_option_value BoolValue(const sp_option_decl& decl, std::optional<bool> b) {
  sp_option_value v{};
  v.name = decl.name;
  v.type = decl.type;
  v.is_set = b.has_value();
  v.b = b.value_or(false) ? 1 : 0;
  return v;
}

sp_option_value DurationValue(const sp_option_decl& decl, uint64_t ns) {
  sp_option_value v{};
  v.name = decl.name;
  v.type = decl.type;
  v.is_set = 1;
  v.i = static_cast<int64_t>(ns);
  return v;
}

sp_option_value IntValue(const sp_option_decl& decl, std::optional<int64_t> i) {
  sp_option_value v{};
  v.name = decl.name;
  v.type = decl.type;
  v.is_set = i.has_value();
  v.i = i.value_or(0);
  return v;
}

sp_option_value SizeValue(const sp_option_decl& decl, std::optional<uint64_t> bytes) {
  sp_option_value v{};
  v.name = decl.name;
  v.type = decl.type;
  v.is_set = bytes.has_value();
  v.i = static_cast<int64_t>(bytes.value_or(0));
  return v;
}

}  // namespace

std::string InternedName(uint32_t id) {
  std::lock_guard<std::mutex> lock(g_intern_mu);
  return id < g_interned.size() ? g_interned[id] : std::string();
}

uint64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

Target::~Target() {
  if (instance_ != nullptr) Vtable()->destroy(instance_);
}

const sp_target_vtable* Target::Vtable() const {
  return static_cast<const sp_target_vtable*>(PluginDescriptor()->vtable);
}

sp_status Target::Create(const TargetSettings& target,
                         const std::vector<RequestSettings>& requests) {
  // Values in declaration order, as the host hands them over.
  const sp_option_decl* decls = kTargetOptionDecls;
  // Options the settings do not mention stay unset (is_set 0).
  std::vector<sp_option_value> target_values(kTargetOptionCount);
  for (size_t k = 0; k < kTargetOptionCount; ++k) {
    target_values[k].name = decls[k].name;
    target_values[k].type = decls[k].type;
  }
  target_values[kBaseUrl] = StringValue(decls[kBaseUrl], target.base_url);
  target_values[kConnectTimeout] = DurationValue(decls[kConnectTimeout], target.connect_timeout_ns);
  target_values[kResponseTimeout] =
      DurationValue(decls[kResponseTimeout], target.response_timeout_ns);
  target_values[kTargetHeaders] = StringValue(decls[kTargetHeaders], target.headers);
  target_values[kInsecure] = BoolValue(decls[kInsecure], target.insecure);
  target_values[kCaFile] = StringValue(decls[kCaFile], target.ca_file);
  target_values[kServerName] = StringValue(decls[kServerName], target.server_name);
  target_values[kTlsMinVersion] = StringValue(decls[kTlsMinVersion], target.tls_min_version);
  target_values[kTlsResume] = BoolValue(decls[kTlsResume], target.tls_resume);
  target_values[kClientCert] = StringValue(decls[kClientCert], target.client_cert);
  target_values[kClientKey] = StringValue(decls[kClientKey], target.client_key);
  target_values[kClientKeyPassword] =
      StringValue(decls[kClientKeyPassword], target.client_key_password);
  target_values[kDataFile] = StringValue(decls[kDataFile], target.data_file);
  target_values[kDataMode] = StringValue(decls[kDataMode], target.data_mode);
  target_values[kTargetRules] = StringValue(decls[kTargetRules], target.rules);
  target_values[kMaxBodyCapture] = SizeValue(decls[kMaxBodyCapture], target.max_body_capture);
  target_values[kMaxConnections] = SizeValue(decls[kMaxConnections], target.max_connections);
  target_values[kCookies] = BoolValue(decls[kCookies], target.cookies);
  target_values[kCookiesReset] = StringValue(decls[kCookiesReset], target.cookies_reset);
  target_values[kResolve] = StringValue(decls[kResolve], target.resolve);
  target_values[kMaxRedirects] = IntValue(decls[kMaxRedirects], target.max_redirects);
  target_values[kProtocol] = StringValue(decls[kProtocol], target.protocol);
  target_values[kLocalAddresses] = StringValue(decls[kLocalAddresses], target.local_addresses);
  const sp_options target_options{kTargetOptionCount, target_values.data()};

  std::vector<std::vector<sp_option_value>> request_values;
  std::vector<sp_request_spec> specs;
  for (const RequestSettings& r : requests) {
    const sp_option_decl* rd = kRequestOptionDecls;
    request_values.push_back(
        {StringValue(rd[kMethod], r.method), StringValue(rd[kPath], r.path),
         StringValue(rd[kRequestHeaders], r.headers), StringValue(rd[kBody], r.body),
         StringValue(rd[kCapture], r.capture), StringValue(rd[kChecks], r.checks),
         StringValue(rd[kRequestRules], r.rules), BoolValue(rd[kRequestCookies], r.cookies),
         StringValue(rd[kForm], r.form), StringValue(rd[kMultipart], r.multipart),
         StringValue(rd[kMultipartDir], r.multipart_dir),
         IntValue(rd[kRequestMaxRedirects], r.max_redirects)});
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    specs.push_back({{requests[i].name.data(), requests[i].name.size()},
                     {request_values[i].size(), request_values[i].data()}});
  }
  // check_options (ABI 1.2) on the same values first: tests compare its verdict with create's.
  host_api_ = kHost;
  host_api_.abi_minor = target.host_abi_minor;
  // A host older than 1.5 hands a table that ends before `segment`.
  if (target.host_abi_minor < 5) host_api_.struct_size = offsetof(sp_host_api, segment);
  segment_[0] = target.segment_index;
  segment_[1] = target.segment_count;
  check_error_ = sp_error{};
  check_status_ = Vtable()->check_options(&host_api_, segment_, &target_options, specs.data(),
                                          specs.size(), &check_error_);
  error_ = sp_error{};
  return Vtable()->create(&host_api_, segment_, &target_options, specs.data(), specs.size(),
                          &instance_, &error_);
}

sp_status Target::Preflight() {
  error_ = sp_error{};
  return Vtable()->preflight(instance_, &error_);
}

Worker::Worker(Target& target) : target_(target) {
  host_.struct_size = sizeof host_;
  host_.ctx = this;
  host_.complete = OnComplete;
  REQUIRE(target_.Vtable()->worker_open(target_.instance(), &host_, &worker_, &error_) == SP_OK);
}

Worker::~Worker() {
  CancelAll();
  target_.Vtable()->worker_close(worker_);
}

void Worker::OnComplete(void* ctx, const sp_result* result) {
  auto* self = static_cast<Worker*>(ctx);
  // The ABI allows completions only from inside poll or cancel_all.
  CHECK(self->inside_poll_);
  self->completions_.push_back({*result, result->detail ? result->detail : "", {}});
  self->completions_.back().result.detail = nullptr;
  CHECK((result->event_count == 0) == (result->events == nullptr));
  for (size_t i = 0; i < result->event_count; ++i) {
    self->completions_.back().events.push_back(InternedName(result->events[i]));
  }
  self->completions_.back().result.events = nullptr;
  ++self->per_token_[result->token];
}

sp_status Worker::Submit(uint64_t token, uint32_t request) {
  sp_request r{};
  r.struct_size = sizeof r;
  r.token = token;
  r.request = request;
  r.intended_ns = NowNs();
  error_ = sp_error{};
  return target_.Vtable()->submit(worker_, &r, &error_);
}

sp_status Worker::SubmitAs(uint64_t token, uint32_t request, uint32_t vu, uint64_t iteration) {
  sp_request r{};
  r.struct_size = sizeof r;
  r.token = token;
  r.request = request;
  r.vu = vu;
  r.iteration = iteration;
  r.intended_ns = NowNs();
  error_ = sp_error{};
  return target_.Vtable()->submit(worker_, &r, &error_);
}

int Worker::PollOnce(uint64_t deadline_ns) {
  inside_poll_ = true;
  const int n = target_.Vtable()->poll(worker_, deadline_ns);
  inside_poll_ = false;
  return n;
}

bool Worker::PollUntil(size_t count, uint64_t timeout_ns) {
  const uint64_t until = NowNs() + timeout_ns;
  while (completions_.size() < count) {
    const size_t before = completions_.size();
    const int n = PollOnce(until);
    REQUIRE(n >= 0);
    REQUIRE(completions_.size() - before == static_cast<size_t>(n));
    if (n == 0 && NowNs() >= until) return false;
  }
  return completions_.size() == count;
}

void Worker::CancelAll() {
  inside_poll_ = true;
  target_.Vtable()->cancel_all(worker_);
  inside_poll_ = false;
}

void Worker::ReleaseVu(uint32_t vu) {
  REQUIRE(target_.Vtable()->release_vu != nullptr);
  target_.Vtable()->release_vu(worker_, vu);
}

size_t Worker::Count(sp_error_kind kind) const {
  size_t n = 0;
  for (const Completion& c : completions_) n += c.result.error == kind;
  return n;
}

}  // namespace sp::http::test
