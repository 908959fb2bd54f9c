// The descriptor a reporter plugin's entry symbol returns (plugin.h), from what differs
// between reporters:
//
//   constexpr sp_plugin_descriptor kDescriptor =
//       sp::reporters::ReporterDescriptor("json", "0.1.0", "writes ...", kOptions, &kVtable);
#pragma once

#include <stressplan/reporter.h>

#include <cstddef>

#include "plugins/common/descriptor.h"

namespace sp::reporters {

template <size_t N>
constexpr sp_plugin_descriptor ReporterDescriptor(const char* name, const char* version,
                                                  const char* description,
                                                  const sp_option_decl (&options)[N],
                                                  const sp_reporter_vtable* vtable) {
  return plugin_common::make_descriptor(SP_KIND_REPORTER, name, version, description, options,
                                        vtable);
}

}  // namespace sp::reporters
