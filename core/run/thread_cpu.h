// CPU time of the load threads and of the whole process, to tell when the generator itself
// was the bottleneck (stage_report.h).
#pragma once

#include <cstdint>

namespace sp::run {

// CPU nanoseconds the calling thread has used (CLOCK_THREAD_CPUTIME_ID).
uint64_t ThisThreadCpuNs();

// Turns a thread's growing CPU total into a busy share per interval.
class BusyMeter {
 public:
  // The share of wall time (0..1) spent on a CPU between the previous call and this one,
  // given the thread's CPU total and the wall clock now (both nanoseconds).
  double Update(uint64_t cpu_ns, uint64_t wall_ns);

 private:
  uint64_t last_cpu_ = 0;
  uint64_t last_wall_ = 0;
};

// User + system CPU seconds the process used since this object was made.
class ProcessCpu {
 public:
  ProcessCpu();
  double Seconds() const;

 private:
  double start_ = 0;
};

}  // namespace sp::run
