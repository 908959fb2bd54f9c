// The descriptor a plugin's entry symbol returns (plugin.h), from what differs between
// plugins; no init or shutdown:
//
//   const sp_plugin_descriptor kDescriptor = sp::plugin_common::MakeDescriptor(
//       SP_KIND_FAULT, "command", "0.1.0", "runs a command ...", kOptionDecls, &kVtable);
#pragma once

#include <cstddef>

#include "stressplan/plugin.h"

namespace sp::plugin_common {

template <size_t N>
constexpr sp_plugin_descriptor MakeDescriptor(sp_kind kind, const char* name, const char* version,
                                              const char* description,
                                              const sp_option_decl (&options)[N],
                                              const void* vtable) {
  return {SP_DESCRIPTOR_HEADER, kind, name, version, description, options, N, vtable,
          /*init=*/nullptr, /*shutdown=*/nullptr, SP_ELEMENT_SIZES};
}

}  // namespace sp::plugin_common
