#include "core/run/thread_cpu.h"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>

namespace sp::run {

uint64_t ThisThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

double BusyMeter::Update(uint64_t cpu, uint64_t wall) {
  double busy = 0;
  if (last_wall_ != 0 && wall > last_wall_ && cpu >= last_cpu_) {
    busy = static_cast<double>(cpu - last_cpu_) / static_cast<double>(wall - last_wall_);
  }
  last_cpu_ = cpu;
  last_wall_ = wall;
  return std::clamp(busy, 0.0, 1.0);
}

namespace {

double RusageSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

ProcessCpu::ProcessCpu() : start_(RusageSeconds()) {}

double ProcessCpu::Seconds() const { return RusageSeconds() - start_; }

}  // namespace sp::run
