// ABI 1.3's element sizes (plugin.h, ARRAYS): the stride of each array that crosses the
// boundary, as the plugin was built. The host reads the plugin's option declarations with
// that stride, and checks that it can hand option values and request specs in the layout the
// plugin will index them with. Never guessed: a plugin whose sizes the host cannot honour is
// refused when it is loaded, with the sizes in the message.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <stressplan/plugin.h>

namespace sp::plugin {

// The sizes of the 1.0 layouts: what every plugin built before 1.3 has, and the smallest size
// any 1.x plugin may declare.
constexpr size_t kOptionDeclSize10 = offsetof(sp_option_decl, description) + sizeof(const char*);
constexpr size_t kOptionValueSize10 = offsetof(sp_option_value, s) + sizeof(sp_str);
constexpr size_t kRequestSpecSize10 = offsetof(sp_request_spec, options) + sizeof(sp_options);

struct ElementSizes {
  size_t option_decl = kOptionDeclSize10;
  size_t option_value = kOptionValueSize10;
  size_t request_spec = kRequestSpecSize10;
};

// The element sizes of a descriptor already copied into a host struct (missing fields zero).
// On failure returns false and sets *err to a sentence without the file name.
bool ReadElementSizes(const sp_plugin_descriptor& d, ElementSizes* out, std::string* err);

// Copies `count` option declarations laid out `stride` bytes apart into zeroed host entries:
// a newer plugin's extra fields are dropped, an older plugin's missing ones read as zero.
std::vector<sp_option_decl> CopyDeclarations(const sp_option_decl* raw, size_t count, size_t stride);

}  // namespace sp::plugin
