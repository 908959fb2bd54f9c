#include "core/plugin/entry_symbol.h"

#include <fstream>
#include <iterator>

#include "stressplan/plugin.h"

namespace sp::plugin {

std::string MangledEntrySymbol(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A mangled name holds the identifier with its length in front ("23stressplan_plugin_entry")
  // and starts with "_Z"; ELF string tables separate names with NUL bytes.
  const std::string name = SP_ENTRY_SYMBOL;
  const std::string inside = std::to_string(name.size()) + name;
  for (size_t at = bytes.find(inside); at != std::string::npos; at = bytes.find(inside, at + 1)) {
    const size_t start = bytes.rfind('\0', at) == std::string::npos ? 0 : bytes.rfind('\0', at) + 1;
    const size_t end = bytes.find('\0', at);
    if (end == std::string::npos || bytes.compare(start, 2, "_Z") != 0) continue;
    return bytes.substr(start, end - start);
  }
  return "";
}

}  // namespace sp::plugin
