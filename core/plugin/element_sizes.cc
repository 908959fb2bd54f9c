#include "core/plugin/element_sizes.h"

#include <algorithm>
#include <cstring>

namespace sp::plugin {
namespace {

// The host hands option values and request specs in its own layout (core/plan/options.cc,
// core/run/plugin_setup.cc), which is right for every 1.x plugin only while that layout is the
// 1.0 one. Appending a field to either struct must come with tables laid out at each plugin's
// declared stride, and ReadElementSizes then accepting every size from the 1.0 one up.
static_assert(sizeof(sp_option_value) == kOptionValueSize10,
              "sp_option_value grew: hand each plugin values at its option_value_size stride");
static_assert(sizeof(sp_request_spec) == kRequestSpecSize10,
              "sp_request_spec grew: hand each target specs at its request_spec_size stride");

// Beyond this an element size is garbage, not a layout (the 1.0 structs are 32 to 56 bytes).
constexpr size_t kMaxElementSize = 4096;

bool CheckDeclaredSize(const char* what, size_t size, size_t size_10, std::string* err) {
  if (size < size_10 || size > kMaxElementSize) {
    *err = std::string("its descriptor says ") + what + " is " + std::to_string(size) +
           " bytes, not a layout of ABI 1.x (the 1.0 layout is " + std::to_string(size_10) +
           " bytes; malformed descriptor)";
    return false;
  }
  return true;
}

// A struct the host fills and the plugin indexes: the host can only hand its own layout.
bool CheckHandedSize(const char* what, size_t size, size_t host_size, std::string* err) {
  if (size == host_size) return true;
  *err = std::string("it was built with a ") + std::to_string(size) + "-byte " + what +
         " (a newer ABI 1.x); this stressplan speaks ABI " + std::to_string(SP_ABI_VERSION_MAJOR) +
         "." + std::to_string(SP_ABI_VERSION_MINOR) + " and hands " + std::to_string(host_size) +
         "-byte ones; use a stressplan at least as new as the plugin's ABI";
  return false;
}

}  // namespace

bool ReadElementSizes(const sp_plugin_descriptor& d, ElementSizes* out, std::string* err) {
  *out = ElementSizes{};
  const bool none = d.option_decl_size == 0 && d.option_value_size == 0 && d.request_spec_size == 0;
  if (d.abi_minor < 3 && none) return true;  // built before 1.3: the 1.0 layouts
  if (d.option_decl_size == 0 || d.option_value_size == 0 || d.request_spec_size == 0) {
    *err = "its descriptor (ABI " + std::to_string(d.abi_major) + "." + std::to_string(d.abi_minor) +
           ") leaves an element size 0; end its initializer with SP_ELEMENT_SIZES (stressplan/plugin.h)";
    return false;
  }
  out->option_decl = d.option_decl_size;
  out->option_value = d.option_value_size;
  out->request_spec = d.request_spec_size;
  return CheckDeclaredSize("sp_option_decl", out->option_decl, kOptionDeclSize10, err) &&
         CheckDeclaredSize("sp_option_value", out->option_value, kOptionValueSize10, err) &&
         CheckDeclaredSize("sp_request_spec", out->request_spec, kRequestSpecSize10, err) &&
         CheckHandedSize("sp_option_value", out->option_value, sizeof(sp_option_value), err) &&
         CheckHandedSize("sp_request_spec", out->request_spec, sizeof(sp_request_spec), err);
}

std::vector<sp_option_decl> CopyDeclarations(const sp_option_decl* raw, size_t count, size_t stride) {
  std::vector<sp_option_decl> out(count);
  const size_t known = std::min(stride, sizeof(sp_option_decl));
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw);
  for (size_t i = 0; i < count; ++i) std::memcpy(static_cast<void*>(&out[i]), bytes + i * stride, known);
  return out;
}

}  // namespace sp::plugin
