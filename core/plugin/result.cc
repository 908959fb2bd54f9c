#include "core/plugin/result.h"

namespace sp::plugin {

std::string MalformedResultError(const std::string& plugin, const sp_result* raw) {
  return "target plugin " + plugin + " completed a request with an sp_result whose struct_size is " +
         std::to_string(DeclaredSize(raw)) + ", smaller than the " + std::to_string(kResultSize10) +
         " bytes of ABI 1.0's (set struct_size = sizeof(sp_result)); its results cannot be read";
}

}  // namespace sp::plugin
