// Why a library has no entry symbol: the commonest cause is a C++ plugin whose entry function
// lost its C linkage (defined in a namespace, or without plugin.h's declaration in scope), so
// the compiler exported it under a mangled name. The loader looks for that name to say so.
#pragma once

#include <string>

namespace sp::plugin {

// The mangled C++ name of an entry function in the library file at `path` (e.g.
// "_ZN9my_plugin23stressplan_plugin_entryEv"), read from its symbol string tables; "" when
// there is none (or the file cannot be read, or it was stripped).
std::string MangledEntrySymbol(const std::string& path);

}  // namespace sp::plugin
