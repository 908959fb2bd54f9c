#include "plugins/chaos/proxy/site_config.h"

#include <string>
#include <string_view>

#include "plugins/chaos/proxy/options.h"

namespace sp::proxy {
namespace {

bool ReadAddress(const sp_options* options, size_t k, bool allow_port_zero, Address* out,
                 OptionError* error) {
  const char* name = kSiteOptionDecls[k].name;
  const sp_option_value* v = OptionValue(options, k);
  if (v == nullptr || v->s.len == 0) {
    *error = {std::string("proxy: `") + name + "` is required (host:port, e.g. 127.0.0.1:18091)",
              name, ""};
    return false;
  }
  std::string why;
  if (!ResolveAddress(OptionText(v), allow_port_zero, out, &why)) {
    *error = {"proxy: " + std::string(name) + ": " + why, name, ""};
    return false;
  }
  return true;
}

}  // namespace

std::optional<SiteConfig> ReadSiteConfig(const sp_options* options, OptionError* error) {
  SiteConfig config;
  if (!ReadAddress(options, kListen, /*allow_port_zero=*/true, &config.listen, error) ||
      !ReadAddress(options, kUpstream, /*allow_port_zero=*/false, &config.upstream, error)) {
    return std::nullopt;
  }
  // A proxy forwards whoever connects to its upstream: reachable from other machines, it
  // would open the plan's services (often bound to 127.0.0.1 on purpose) to the network.
  const sp_option_value* allow_remote = OptionValue(options, kAllowRemote);
  if (!config.listen.is_loopback() && (allow_remote == nullptr || !allow_remote->b)) {
    *error = {
        "proxy: listen \"" + std::string(OptionText(OptionValue(options, kListen))) + "\" (" +
            config.listen.ToString() +
            ") is not a loopback address: other machines could connect through the proxy to " +
            config.upstream.ToString() +
            ". Listen on 127.0.0.1, or set `allow_remote: true` on this proxy "
            "if that is intended",
        "listen", ""};
    return std::nullopt;
  }
  if (const sp_option_value* v = OptionValue(options, kProtocol)) {
    const std::string_view p = OptionText(v);
    if (p == "http") {
      config.protocol = Protocol::kHttp;
    } else if (p != "tcp") {
      *error = {"proxy: protocol \"" + std::string(p) + "\" is not tcp or http", "protocol", ""};
      return std::nullopt;
    }
  }
  if (const sp_option_value* v = OptionValue(options, kConnectTimeout)) {
    if (v->i <= 0) {
      *error = {"proxy: connect_timeout must be more than 0", "connect_timeout", ""};
      return std::nullopt;
    }
    config.connect_timeout_ns = static_cast<uint64_t>(v->i);
  }
  return config;
}

}  // namespace sp::proxy
