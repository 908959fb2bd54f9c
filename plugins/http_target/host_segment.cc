#include "plugins/http_target/host_segment.h"

#include <cstddef>

namespace sp::http {

HostSegment SegmentOf(const sp_host_api* host, void* host_ctx) {
  HostSegment s;
  if (host == nullptr ||
      host->struct_size < offsetof(sp_host_api, segment) + sizeof host->segment ||
      host->segment == nullptr) {
    return s;
  }
  uint32_t index = 0, count = 1;
  host->segment(host_ctx, &index, &count);
  if (count >= 1 && index < count) s = {index, count};  // a host out of its contract: whole plan
  return s;
}

}  // namespace sp::http
