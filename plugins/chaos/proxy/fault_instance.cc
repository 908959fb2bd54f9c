#include "plugins/chaos/proxy/fault_instance.h"

#include "plugins/chaos/proxy/clock.h"

namespace sp::proxy {

FaultInstance::~FaultInstance() {
  if (toxic_ != nullptr) site_->RemoveLater(toxic_);
}

bool FaultInstance::Inject(std::string* why) {
  if (toxic_ == nullptr) toxic_ = std::make_shared<Toxic>(site_->NewToxicId(), spec_);
  // On a timeout toxic_ stays: the loop installs it later, and revert removes it then.
  return site_->Apply(Command::Kind::kInstall, toxic_, MonoNowNs() + kAckTimeoutNs, why);
}

bool FaultInstance::Revert(std::string* why) {
  if (toxic_ == nullptr) return true;
  if (!site_->Apply(Command::Kind::kRemove, toxic_, MonoNowNs() + kAckTimeoutNs, why)) return false;
  toxic_ = nullptr;
  return true;
}

}  // namespace sp::proxy
