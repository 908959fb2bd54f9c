// The execution segment the host runs (`stressplan run --segment I/N`, ABI 1.5
// sp_host_api.segment), and the one rule that keeps this target's run-wide numbers — `seq`
// values and the `sequential` data position — disjoint across segments: segment I's local
// number l is the plan's number l * N + I (docs/distributed.md). A host older than 1.5 runs
// the whole plan: segment 0 of 1, where the rule is the identity.
#pragma once

#include <cstdint>

#include "stressplan/plugin.h"

namespace sp::http {

struct HostSegment {
  uint32_t index = 0;  // I
  uint32_t count = 1;  // N

  uint64_t Global(uint64_t local) const { return local * count + index; }
};

// What the host says, or 0 of 1 when it cannot say (older than ABI 1.5, or no function).
HostSegment SegmentOf(const sp_host_api* host, void* host_ctx);

}  // namespace sp::http
