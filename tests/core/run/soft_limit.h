// The soft open-files limit (RLIMIT_NOFILE) set for one scope and put back at its end, for the
// tests of core/run/fd_table.h and of the run that sizes its descriptors (run_test.cc).
#pragma once

#include <sys/resource.h>

#include <algorithm>

namespace sp::run_test {

class SoftLimit {
 public:
  // Sets the soft limit to `soft`, within the hard limit.
  explicit SoftLimit(rlim_t soft) {
    getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit l = saved_;
    l.rlim_cur = std::min(soft, saved_.rlim_max);
    setrlimit(RLIMIT_NOFILE, &l);
  }
  ~SoftLimit() { setrlimit(RLIMIT_NOFILE, &saved_); }
  SoftLimit(const SoftLimit&) = delete;
  SoftLimit& operator=(const SoftLimit&) = delete;

  rlim_t soft() const { return Now().rlim_cur; }
  rlim_t hard() const { return Now().rlim_max; }
  rlim_t saved_hard() const { return saved_.rlim_max; }

 private:
  static rlimit Now() {
    rlimit l{};
    getrlimit(RLIMIT_NOFILE, &l);
    return l;
  }
  rlimit saved_{};
};

}  // namespace sp::run_test
