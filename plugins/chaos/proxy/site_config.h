// One `proxies:` entry, checked: where to listen, where to forward, which framing to follow.
#pragma once

#include <cstdint>
#include <optional>

#include "plugins/chaos/proxy/address.h"
#include "plugins/chaos/proxy/option_error.h"
#include "stressplan/plugin.h"

namespace sp::proxy {

enum class Protocol { kTcp, kHttp };

struct SiteConfig {
  Address listen;
  Address upstream;
  Protocol protocol = Protocol::kTcp;
  uint64_t connect_timeout_ns = 5'000'000'000;
};

// Reads the site options (kSiteOptionDecls order); nullopt with *error naming the option.
std::optional<SiteConfig> ReadSiteConfig(const sp_options* options, OptionError* error);

}  // namespace sp::proxy
