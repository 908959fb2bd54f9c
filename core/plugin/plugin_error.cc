#include "core/plugin/plugin_error.h"

#include <cstring>

namespace sp::plugin {
namespace {

// A field the plugin may have filled to the last byte without a NUL.
template <size_t N>
std::string Field(const char (&text)[N]) {
  return std::string(text, strnlen(text, N));
}

}  // namespace

PluginError PluginError::From(const sp_error& e) {
  return {Field(e.message), Field(e.option), Field(e.path)};
}

std::string PluginError::Text(const std::string& fallback) const {
  std::string text = MessageOr(fallback);
  if (!option.empty()) text += " (option " + option + ")";
  return text;
}

}  // namespace sp::plugin
