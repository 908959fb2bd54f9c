// One chaos step's toxic on one proxy site: inject installs it on the site's loop, revert
// removes it, each waiting at most kAckTimeout for the loop's acknowledgement.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "plugins/chaos/proxy/proxy_site.h"
#include "plugins/chaos/proxy/toxic.h"

namespace sp::proxy {

// Inject and revert must return within a second even under heavy traffic.
constexpr uint64_t kAckTimeoutNs = 900'000'000;

class FaultInstance {
 public:
  FaultInstance(Site* site, ToxicSpec spec) : site_(site), spec_(std::move(spec)) {}
  ~FaultInstance();  // a toxic still installed is removed without waiting

  bool Inject(std::string* why);
  // Safe when inject failed or never ran. False (toxic still in place) when the loop did not
  // acknowledge the removal in time or could not undo it (refuse: the port was taken).
  bool Revert(std::string* why);
  bool IsActive() const { return toxic_ != nullptr && toxic_->active.load(); }

 private:
  Site* site_;
  const ToxicSpec spec_;
  ToxicPtr toxic_;  // set from inject until a revert the loop acknowledged
};

}  // namespace sp::proxy
