// The proxy driven through its vtable, as the host drives it: a site (open_site/close_site)
// and fault instances on it (create_on_site/inject/revert/is_active/destroy).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "stressplan/fault.h"

namespace sp::proxy::test {

const sp_fault_vtable* Vtable();

class ProxySite {
 public:
  // Listens on 127.0.0.1:0 (a kernel-chosen port) and forwards to 127.0.0.1:upstream_port.
  explicit ProxySite(uint16_t upstream_port, const std::string& protocol = "tcp");
  ~ProxySite();
  ProxySite(const ProxySite&) = delete;
  ProxySite& operator=(const ProxySite&) = delete;

  void* Handle() const { return site_; }
  uint16_t Port() const;

 private:
  void* site_ = nullptr;
};

// Fault options: text for strings/JSON, numbers for everything else (ns for durations).
struct FaultOptions {
  std::map<std::string, std::string> text;
  std::map<std::string, double> numbers;
};

class Fault {
 public:
  Fault(ProxySite& site, FaultOptions options);
  ~Fault();  // destroy (after revert, as the host does)
  Fault(const Fault&) = delete;
  Fault& operator=(const Fault&) = delete;

  sp_status created() const { return created_; }
  const sp_error& error() const { return error_; }
  sp_status Inject();
  sp_status Revert();
  bool Active() const;

 private:
  void* instance_ = nullptr;
  sp_status created_ = SP_ERROR;
  sp_error error_{};
};

}  // namespace sp::proxy::test
