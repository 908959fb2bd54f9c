#include "core/run/stage_report.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace sp::run {
namespace {

// The open-files limit (soft RLIMIT_NOFILE) the run had: what a user raises with `ulimit -n`.
std::string OpenFilesLimit() {
  rlimit l{};
  if (getrlimit(RLIMIT_NOFILE, &l) != 0) return "unknown";
  if (l.rlim_cur == RLIM_INFINITY) return "unlimited";
  return std::to_string(static_cast<unsigned long long>(l.rlim_cur));
}

}  // namespace

void StageTracker::Sample(size_t stage, double second_in_stage, int planned_users,
                          int active_users, const std::vector<double>& thread_busy) {
  if (stage >= samples_.size()) return;
  Samples& s = samples_[stage];
  if (!thread_busy.empty()) {
    double avg = 0;
    for (double b : thread_busy) {
      avg += b;
      s.busy_max = std::max(s.busy_max, b);
    }
    s.busy_sum += avg / static_cast<double>(thread_busy.size());
    ++s.seconds;
  }
  // Users are judged after the stage's first second, when a change of users has been applied.
  if (clock_.stages()[stage].open() || second_in_stage < 1.0) return;
  s.users_min = std::min(s.users_min, active_users);
  s.users_max = std::max(s.users_max, active_users);
  if (active_users < planned_users && !s.users_short) {
    s.users_short = true;
    s.short_planned = planned_users;
    s.short_active = active_users;
  }
}

std::string StageTracker::Label(size_t stage) const {
  return (workload_.empty() ? "" : "workload " + workload_ + " ") + "stage " +
         std::to_string(stage);
}

std::vector<StageResult> StageTracker::Evaluate(const metrics::Recorder& total, uint64_t t0,
                                                uint64_t end) const {
  std::vector<StageResult> out;
  if (clock_.start_ns(0) > t0 && clock_.start_ns(0) >= end) return out;  // its start: never came
  size_t ran = std::min(clock_.current() + 1, clock_.count());
  for (size_t i = 0; i < ran; ++i) {
    const plan::Stage& st = clock_.stages()[i];
    StageResult r;
    r.index = first_stage_ + i;
    r.workload = workload_;
    r.workload_stage = i;
    r.open = st.open();
    const std::string label = Label(i);
    uint64_t start = clock_.start_ns(i);
    uint64_t stop = i + 1 < clock_.count() && i + 1 <= clock_.current() ? clock_.start_ns(i + 1)
                                                                        : std::min(end, clock_.end_ns(i));
    if (stop < start) stop = start;
    r.started_s = static_cast<double>(start - t0) / 1e9;
    r.duration_s = static_cast<double>(stop - start) / 1e9;
    if (r.index < total.stages().size()) r.stats = total.stages()[r.index];
    const Samples& s = samples_[i];
    r.cpu_busy_avg = s.seconds ? s.busy_sum / s.seconds : 0.0;
    r.cpu_busy_max = s.busy_max;
    char buf[256];
    if (st.open()) {
      r.planned_rate = clock_.PlannedRate(i);  // this segment's (segment.h)
      r.planned_iterations = clock_.PlannedStarts(i);
      r.dropped = r.stats.dropped;
      r.achieved_rate = r.duration_s > 0 ? static_cast<double>(r.stats.iterations_started) / r.duration_s : 0;
      if (r.achieved_rate < r.planned_rate * (1.0 - kRateMissTolerance)) {
        std::snprintf(buf, sizeof buf,
                      "%s: started %.1f iterations/s of the %.1f/s planned (%llu dropped at "
                      "max_concurrency %d)",
                      label.c_str(), r.achieved_rate, r.planned_rate,
                      static_cast<unsigned long long>(r.dropped), clock_.MaxConcurrency(i));
        r.problems.push_back(buf);
      }
    } else {
      r.planned_users = ShareOf(st.users, clock_.segment());
      const uint64_t limit = clock_.IterationLimit(i);
      r.planned_iterations = limit == StageClock::kNoIterationLimit ? 0 : limit;
      r.users_min = s.users_min == INT32_MAX ? 0 : s.users_min;
      r.users_max = s.users_max;
      if (s.users_short) {
        std::snprintf(buf, sizeof buf, "%s: %d users active where %d were planned", label.c_str(),
                      s.short_active, s.short_planned);
        r.problems.push_back(buf);
      }
    }
    if (r.stats.local_limit > 0) {
      // The generator's machine, not the target, failed these requests: the load the target
      // saw is not the load the plan describes.
      std::snprintf(buf, sizeof buf,
                    "%s: %llu requests failed on the generator's own limits (local_limit: "
                    "out of file descriptors, local ports or socket buffers; RLIMIT_NOFILE is %s): "
                    "raise ulimit -n or run fewer users per machine",
                    label.c_str(), static_cast<unsigned long long>(r.stats.local_limit),
                    OpenFilesLimit().c_str());
      r.problems.push_back(buf);
    }
    if (r.cpu_busy_avg >= kCpuSaturated) {
      std::snprintf(buf, sizeof buf,
                    "%s: the load threads were busy %.0f%% of the time: the generator, not "
                    "the target, may have set the pace",
                    label.c_str(), r.cpu_busy_avg * 100.0);
      r.problems.push_back(buf);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace sp::run
