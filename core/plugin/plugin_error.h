// A plugin's refusal in the core's error style. A plugin reports a failed call by filling an
// sp_error (fixed arrays, frozen for major 1: plugin.h); the host-side instances
// (target_instance.h, fault_instance.h, reporter_instance.h) copy it into this at once, so
// nothing past the call site reads the plugin's buffers.
#pragma once

#include <string>

#include <stressplan/plugin.h>

namespace sp::plugin {

struct PluginError {
  std::string message;  // what the plugin said; "" when it said nothing
  std::string option;   // the option at fault ("requests/<i>" for a target's request step), or ""
  std::string path;     // a JSON pointer inside that option, or ""

  static PluginError From(const sp_error& e);
  // One line for a person: "message (option x)", `fallback` when the plugin gave no message.
  std::string Text(const std::string& fallback) const;
  // The message, or `fallback` when the plugin gave none.
  std::string MessageOr(const std::string& fallback) const {
    return message.empty() ? fallback : message;
  }
};

}  // namespace sp::plugin
