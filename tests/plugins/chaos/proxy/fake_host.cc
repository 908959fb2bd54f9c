#include "fake_host.h"

#include <ctime>
#include <mutex>
#include <stdexcept>

namespace sp::proxy::test {
namespace {

std::mutex g_log_mu;
std::vector<std::string> g_log;

void HostLog(void*, sp_log_level level, const char* message) {
  static const char* const kLevels[] = {"DEBUG", "INFO", "WARN", "ERROR"};
  std::lock_guard<std::mutex> lock(g_log_mu);
  g_log.push_back(std::string(kLevels[level]) + " " + message);
}
uint64_t HostNow(void*) { return NowNs(); }
void HostEmit(void*, const char*, double) {}
uint32_t HostIntern(void*, const char*) { return 0; }

// service_pid, service_restart and service_declared stay NULL: the proxy never calls them.
const sp_host_api kHost = {sizeof(sp_host_api),
                           SP_ABI_VERSION_MAJOR,
                           SP_ABI_VERSION_MINOR,
                           HostLog,
                           HostNow,
                           HostEmit,
                           HostIntern,
                           nullptr,
                           nullptr,
                           nullptr};

}  // namespace

uint64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

const sp_host_api* FakeHost() { return &kHost; }

std::vector<std::string> LoggedLines() {
  std::lock_guard<std::mutex> lock(g_log_mu);
  return g_log;
}

OptionTable::OptionTable(const sp_option_decl* decls, size_t count,
                         std::map<std::string, std::string> text, std::map<std::string, double> numbers) {
  texts_.resize(count);
  values_.resize(count);
  for (size_t k = 0; k < count; ++k) {
    sp_option_value& v = values_[k];
    v.name = decls[k].name;
    v.type = decls[k].type;
    const auto t = text.find(decls[k].name);
    const auto n = numbers.find(decls[k].name);
    if (t != text.end()) {
      texts_[k] = t->second;
      text.erase(t);
      v.is_set = 1;
    } else if (n != numbers.end()) {
      v.is_set = 1;
      v.i = static_cast<int64_t>(n->second);
      v.f = n->second;
      v.b = n->second != 0;
      numbers.erase(n);
    }
  }
  if (!text.empty() || !numbers.empty()) throw std::logic_error("option table: unknown option name");
  for (size_t k = 0; k < count; ++k) values_[k].s = {texts_[k].data(), texts_[k].size()};
  options_ = {count, values_.data()};
}

}  // namespace sp::proxy::test
