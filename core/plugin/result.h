// A target's sp_result as the host reads it, by plugin.h's VERSIONING rule: what the plugin
// filled, by the size it declared, over a zeroed host struct. Called once per completed
// request on the load thread, so the common case costs one comparison: a result as large as
// the host's is read in place, only an older (smaller) one is copied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <stressplan/target.h>

#include "core/plugin/sized_struct.h"

namespace sp::plugin {

// Everything up to and including `detail`: the sp_result of ABI 1.0, the smallest a 1.x
// target may complete a request with.
constexpr size_t kResultSize10 = offsetof(sp_result, detail) + sizeof(const char*);

// The result to record, or nullptr when its struct_size is below the 1.0 layout: nothing in
// it can be trusted, not even its token (a plugin bug; see MalformedResultError).
inline const sp_result* ReadResult(const sp_result* raw, sp_result* scratch) {
  return ReadSized(raw, kResultSize10, scratch);
}

// What the load thread reports when ReadResult refused a result of target `plugin`.
std::string MalformedResultError(const std::string& plugin, const sp_result* raw);

}  // namespace sp::plugin
