#include "plugins/chaos/proxy/fault_instance.h"

#include "plugins/chaos/proxy/clock.h"

namespace sp::proxy {

FaultInstance::~FaultInstance() {
  if (toxic_ != nullptr) site_->remove_later(toxic_);
}

bool FaultInstance::inject(std::string* why) {
  if (toxic_ == nullptr) toxic_ = std::make_shared<Toxic>(site_->new_toxic_id(), spec_);
  // On a timeout toxic_ stays: the loop installs it later, and revert removes it then.
  return site_->apply(Command::Kind::kInstall, toxic_, mono_now_ns() + kAckTimeoutNs, why);
}

bool FaultInstance::revert(std::string* why) {
  if (toxic_ == nullptr) return true;
  if (!site_->apply(Command::Kind::kRemove, toxic_, mono_now_ns() + kAckTimeoutNs, why)) return false;
  toxic_ = nullptr;
  return true;
}

}  // namespace sp::proxy
