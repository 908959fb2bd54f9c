#include "core/run/fd_table.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

namespace sp::run {

size_t LoadDescriptors(size_t slots, size_t proxy_sites) { return slots * (1 + 2 * proxy_sites); }

OpenFilesLimit RaiseOpenFilesLimit(size_t descriptors) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return {};
  const size_t soft = limit.rlim_cur == RLIM_INFINITY ? SIZE_MAX : limit.rlim_cur;
  OpenFilesLimit out{soft, soft};
  const size_t want = descriptors + kSpareDescriptors;
  if (want <= soft) return out;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? want : std::min<rlim_t>(want, limit.rlim_max);
  if (limit.rlim_cur > soft && setrlimit(RLIMIT_NOFILE, &limit) == 0) out.after = limit.rlim_cur;
  return out;
}

size_t GrowDescriptorTable(size_t descriptors) {
  size_t want = descriptors + kSpareDescriptors;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    want = std::min<size_t>(want, limit.rlim_cur);
  }
  if (want <= DescriptorTableSize()) return 0;
  // F_DUPFD places a duplicate at the lowest free descriptor >= its argument, so the table
  // must first grow to hold that number: one growth, then the duplicate goes again.
  const int any = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (any < 0) return 0;
  const int high = fcntl(any, F_DUPFD_CLOEXEC, static_cast<int>(want - 1));
  if (high >= 0) close(high);
  close(any);
  return high >= 0 ? want : 0;
}

size_t DescriptorTableSize() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("FDSize:", 0) == 0) return std::strtoul(line.c_str() + 7, nullptr, 10);
  }
  return 0;
}

}  // namespace sp::run
