#include "core/run/console.h"

#include <unistd.h>

#include <cstdio>

namespace sp::run {

Console::Console(bool quiet, const plan::Plan& plan, const Schedule& schedule)
    : quiet_(quiet), tty_(isatty(STDERR_FILENO) == 1), plan_(plan), schedule_(schedule) {}

void Console::Tick(const SnapshotData& s, const metrics::Recorder& interval,
                   const metrics::Recorder& total) {
  if (quiet_) return;
  if (!tty_ && s.second % 10 != 0) return;
  char line[256];
  std::snprintf(line, sizeof line,
                "[%5.0fs/%.0fs] stage %zu/%zu  users %d/%d  %llu req/s  p95 %.1f ms  errors %llu (total %llu)",
                s.elapsed_s, static_cast<double>(schedule_.total_ns()) / 1e9, s.stage + 1,
                schedule_.stage_count(), s.active_users, s.planned_users,
                static_cast<unsigned long long>(interval.requests()),
                Ms(interval.latency().Percentile(95)),
                static_cast<unsigned long long>(interval.errors()),
                static_cast<unsigned long long>(total.errors()));
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s", line);
    line_open_ = true;
  } else {
    std::fprintf(stderr, "%s\n", line);
  }
}

void Console::Summary(const RunEnd& end, const metrics::Recorder& t,
                      const std::vector<std::string>& names) {
  if (line_open_) std::fprintf(stderr, "\n");
  if (quiet_) return;
  const metrics::Histogram& h = t.latency();
  std::printf("\nstressplan: %s, profile %s: %s in %.1fs\n", plan_.name.c_str(), plan_.profile.c_str(),
              end.status.c_str(), end.duration_s);
  std::printf("  requests      %llu (%.1f/s), errors %llu (%.2f%%), interrupted %llu\n",
              static_cast<unsigned long long>(t.requests()),
              end.duration_s > 0 ? static_cast<double>(t.requests()) / end.duration_s : 0.0,
              static_cast<unsigned long long>(t.errors()),
              t.requests() ? 100.0 * static_cast<double>(t.errors()) / static_cast<double>(t.requests()) : 0.0,
              static_cast<unsigned long long>(t.errors_by_kind()[SP_E_INTERRUPTED]));
  std::printf("  latency ms    min %.2f  p50 %.2f  p95 %.2f  p99 %.2f  max %.2f\n", Ms(h.min()),
              Ms(h.Percentile(50)), Ms(h.Percentile(95)), Ms(h.Percentile(99)), Ms(h.max()));
  std::string errors;
  for (int k = 1; k < metrics::kErrorKinds; ++k) {
    if (t.errors_by_kind()[k]) {
      errors += std::string(errors.empty() ? "" : ", ") + metrics::ErrorKindName(k) + " " +
                std::to_string(t.errors_by_kind()[k]);
    }
  }
  if (!errors.empty()) std::printf("  errors        %s\n", errors.c_str());
  std::string codes;
  for (size_t s = 0; s < t.status_codes().size(); ++s) {
    if (t.status_codes()[s]) {
      codes += std::string(codes.empty() ? "" : ", ") + std::to_string(s) + " " +
               std::to_string(t.status_codes()[s]);
    }
  }
  if (!codes.empty()) std::printf("  status codes  %s\n", codes.c_str());
  std::string events;
  for (size_t i = 0; i < t.events().size(); ++i) {
    if (t.events()[i] && i < names.size()) {
      events += std::string(events.empty() ? "" : ", ") + names[i] + " " + std::to_string(t.events()[i]);
    }
  }
  if (!events.empty()) std::printf("  events        %s\n", events.c_str());
  std::fflush(stdout);
}

}  // namespace sp::run
