// Reading what a plugin library hands us through the C ABI: the descriptor and the vtable of
// its kind, each copied into a host-sized, zero-filled struct after checking version and size,
// and its option declaration tables, read with the stride the plugin declared (ABI 1.3).
// This is where "old" (smaller), "future" (larger) and malformed plugins are told apart.
#pragma once

#include <string>
#include <vector>

#include <stressplan/fault.h>
#include <stressplan/plugin.h>
#include <stressplan/reporter.h>
#include <stressplan/target.h>

namespace sp::plugin {

// A descriptor and its vtable as the host sees them: host-sized copies, missing tails zeroed.
// desc.options, target.request_options and fault.site_options point into the host-sized
// copies below, so the rest of the host indexes them as plain arrays. Movable (the vectors keep
// their buffers), not copyable (a copy's pointers would still point into the original).
struct Descriptor {
  sp_plugin_descriptor desc{};
  sp_target_vtable target{};      // valid when desc.kind == SP_KIND_TARGET
  sp_fault_vtable fault{};        // valid when desc.kind == SP_KIND_FAULT
  sp_reporter_vtable reporter{};  // valid when desc.kind == SP_KIND_REPORTER
  std::vector<sp_option_decl> options;          // desc.options
  std::vector<sp_option_decl> request_options;  // target.request_options
  std::vector<sp_option_decl> site_options;     // fault.site_options

  Descriptor() = default;
  Descriptor(Descriptor&&) = default;
  Descriptor& operator=(Descriptor&&) = default;
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
};

// Checks the raw descriptor a plugin's entry symbol returned and copies it. On failure returns
// false and sets *err to a sentence without the file name (the caller adds it).
bool ReadDescriptor(const sp_plugin_descriptor* raw, Descriptor* out, std::string* err);

// The integer behind an enum field written by a plugin. A C plugin may store any int there, and
// loading an out-of-range value as the C++ enum type is undefined: read such fields with this.
template <typename E>
int RawEnum(const E& field) {
  static_assert(sizeof(E) == sizeof(int));
  int v;
  __builtin_memcpy(&v, &field, sizeof v);
  return v;
}

// A plugin name as descriptors and plans spell it: [a-z0-9_]+ (so never a path).
bool IsPluginName(const char* name);

const char* KindName(sp_kind kind);        // "target", "fault", "reporter", or "unknown"
const char* OptionTypeName(sp_option_type type);  // "string", "duration", ...

}  // namespace sp::plugin
