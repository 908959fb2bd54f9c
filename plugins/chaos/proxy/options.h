// The option tables the proxy declares: site options (one `proxies:` entry) and fault
// options (one chaos step). The indices name each value in the order the host hands them.
#pragma once

#include <cstddef>

#include "plugins/common/options.h"
#include "stressplan/plugin.h"

namespace sp::proxy {

enum SiteOption : size_t { kListen, kUpstream, kProtocol, kConnectTimeout, kAllowRemote, kSiteOptionCount };

enum FaultOption : size_t {
  kToxic,
  kDirection,
  kProbability,
  kLatency,
  kJitter,
  kRate,
  kSliceSize,
  kSizeVariation,
  kSliceDelay,
  kDelay,
  kBytes,
  kStatus,
  kHeaders,
  kBody,
  kFaultOptionCount
};

extern const sp_option_decl kSiteOptionDecls[kSiteOptionCount];
extern const sp_option_decl kFaultOptionDecls[kFaultOptionCount];

// The value of option k if the plan (or its default) set it, else nullptr. Tolerates a host
// that handed fewer values than declared.
using plugin_common::OptionValue;
// The text of a string or JSON value; "" for nullptr.
using plugin_common::OptionText;

}  // namespace sp::proxy
