// Counting circuit-breaker trips (and, from a gauge, the time it stayed open) from a metric
// that an observer samples every so often during a chaos run.
#pragma once

#include <cstdint>
#include <vector>

namespace sp::chaos {

enum class CircuitSignal { Gauge, Counter };

// Gauge: the breaker is open while value >= open_at (an edge closed->open is a trip).
//   Between two samples we cannot see when the state changed; an interval starts and ends at
//   the sample that first showed the new state (what was observed, never guessed).
// Counter: each increase of the counter is that many trips (e.g. transitions_total{to="open"});
//   time open cannot be known from a counter alone and is reported as unknown (time_open_s < 0)
//   unless a gauge is also given elsewhere. A counter that goes down (process restarted) is a
//   reset, not negative trips: the new value is what the restarted process counted since, so it
//   is added (as PromQL's increase() does). The first sample is the starting point: trips
//   counted before the run are not the run's.
// A NaN sample is treated like a missing one. Samples whose time goes backwards and anything
// after Finish() are ignored.
class CircuitTracker {
 public:
  CircuitTracker(CircuitSignal signal, double open_at = 1.0);
  void OnSample(double t_s, double value);   // t_s: seconds since the run started, increasing
  void OnMissing(double t_s);                // the endpoint could not be read at t_s (counted; state kept)
  void Finish(double t_end_s);               // closes an open interval at the run's end
  uint64_t trips() const;
  // Sum of open intervals (gauge); -1 for counter. An interval still open counts up to the
  // latest time seen (sample, missing or Finish).
  double time_open_s() const;
  bool open() const;                          // gauge: currently open
  struct Interval { double start_s, end_s; }; // end_s < 0 while still open
  const std::vector<Interval>& intervals() const;  // gauge only
  uint64_t missing() const;
  // Open time within [a, b) (gauge; 0 for counter) — the runner asks this per chaos window.
  double OpenWithin(double a_s, double b_s) const;

  // Counter: how many times the counter went down (the process restarted). 0 for a gauge.
  uint64_t resets() const { return resets_; }
  uint64_t samples() const { return samples_; }
  bool finished() const { return finished_; }
  CircuitSignal signal() const { return signal_; }

 private:
  bool Accept(double t_s);

  CircuitSignal signal_;
  double open_at_;
  bool open_ = false;
  bool finished_ = false;
  bool have_last_value_ = false;
  double last_value_ = 0;
  double last_t_ = 0;
  bool have_t_ = false;
  double counted_ = 0;  // counter: sum of increases (double: a counter may be fractional)
  uint64_t trips_ = 0;
  uint64_t missing_ = 0;
  uint64_t resets_ = 0;
  uint64_t samples_ = 0;
  std::vector<Interval> intervals_;
};

}  // namespace sp::chaos
