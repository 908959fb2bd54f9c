// Prometheus observers (`observers:`): one thread polls each endpoint at its interval and
// feeds what it reads to a CircuitTracker, so the run knows when the breaker was open and how
// often it tripped, straight from the service's own metrics (docs/chaos.md).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/chaos/circuit.h"
#include "lib/prometheus/prometheus.h"
#include "core/plan/plan.h"
#include "core/report/results.h"

namespace sp::chaos {

// Fetches `url` (http://), bounded by timeout_s; the body on success, else false and *err.
using HttpFetch = std::function<bool(const std::string& url, double timeout_s, std::string* body, std::string* err)>;

using report::CircuitReport;

// A tracker's open intervals as the reports carry them.
std::vector<report::OpenInterval> OpenIntervals(const CircuitTracker& tracker);

class ObserverSet {
 public:
  // The selectors must have been checked (plan::CheckProbesAndObservers, core/plan/probe_check.h,
  // run by the plan loader).
  ObserverSet(const std::vector<plan::Observer>& observers, HttpFetch fetch);
  ~ObserverSet();  // Stop()
  void Start(uint64_t t0_ns);  // polls from now on; times are seconds since t0_ns
  void Stop(double end_s);     // joins the thread and closes open intervals at end_s
  bool empty() const { return entries_.empty(); }

  // Whether any gauge observer saw the breaker open within [a_s, b_s).
  bool OpenWithin(double a_s, double b_s) const;
  // Trips and open time within [a_s, b_s) from the first observer (the run's circuit source);
  // open time is -1 when that is a counter.
  uint64_t TripsWithin(double a_s, double b_s) const;
  double OpenTimeWithin(double a_s, double b_s) const;
  std::vector<CircuitReport> Summaries() const;  // one per observer, source "observer:<name>"


 private:
  struct Entry {
    plan::Observer plan;
    prometheus::PromSelector selector;
    std::unique_ptr<chaos::CircuitTracker> tracker;
    CircuitReport summary;  // polls and errors as they come; trips and times filled by Summaries
    double next_s = 0;
    std::vector<std::pair<double, uint64_t>> trip_times;  // (t, trips so far) for TripsWithin
  };
  void Loop();
  void PollOne(Entry& e, double now_s);

  HttpFetch fetch_;
  std::vector<std::unique_ptr<Entry>> entries_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  uint64_t t0_ns_ = 0;
  std::thread thread_;
};

}  // namespace sp::chaos
