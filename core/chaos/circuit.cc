#include "core/chaos/circuit.h"

#include <algorithm>
#include <cmath>

namespace sp::chaos {

CircuitTracker::CircuitTracker(CircuitSignal signal, double open_at)
    : signal_(signal), open_at_(open_at) {}

bool CircuitTracker::Accept(double t_s) {
  if (finished_ || std::isnan(t_s)) return false;
  if (have_t_ && t_s < last_t_) return false;
  last_t_ = t_s;
  have_t_ = true;
  return true;
}

void CircuitTracker::OnSample(double t_s, double value) {
  if (std::isnan(value)) {
    OnMissing(t_s);
    return;
  }
  if (!Accept(t_s)) return;
  ++samples_;
  if (signal_ == CircuitSignal::Gauge) {
    bool now_open = value >= open_at_;
    if (now_open && !open_) {
      ++trips_;
      intervals_.push_back({t_s, -1});
    } else if (!now_open && open_) {
      intervals_.back().end_s = t_s;
    }
    open_ = now_open;
    return;
  }
  if (have_last_value_) {
    // A drop is a restart: the restarted process counted `value` since (a reset, not negative
    // trips).
    double delta = value >= last_value_ ? value - last_value_ : value;
    if (value < last_value_) ++resets_;
    if (std::isfinite(delta)) counted_ += delta;
    trips_ = static_cast<uint64_t>(std::llround(counted_));
  }
  last_value_ = value;
  have_last_value_ = true;
}

void CircuitTracker::OnMissing(double t_s) {
  if (finished_) return;
  ++missing_;
  Accept(t_s);  // time moves on (an open interval keeps growing); the state is kept
}

void CircuitTracker::Finish(double t_end_s) {
  if (finished_) return;
  if (!std::isnan(t_end_s) && (!have_t_ || t_end_s > last_t_)) {
    last_t_ = t_end_s;
    have_t_ = true;
  }
  if (open_ && !intervals_.empty() && intervals_.back().end_s < 0) {
    intervals_.back().end_s = std::max(last_t_, intervals_.back().start_s);
  }
  finished_ = true;
}

uint64_t CircuitTracker::trips() const { return trips_; }

double CircuitTracker::time_open_s() const {
  if (signal_ == CircuitSignal::Counter) return -1;
  double sum = 0;
  for (const Interval& i : intervals_) {
    double end = i.end_s < 0 ? last_t_ : i.end_s;
    sum += std::max(0.0, end - i.start_s);
  }
  return sum;
}

bool CircuitTracker::open() const { return open_; }

const std::vector<CircuitTracker::Interval>& CircuitTracker::intervals() const {
  return intervals_;
}

uint64_t CircuitTracker::missing() const { return missing_; }

double CircuitTracker::OpenWithin(double a_s, double b_s) const {
  if (signal_ == CircuitSignal::Counter || !(b_s > a_s)) return 0;
  double sum = 0;
  for (const Interval& i : intervals_) {
    double end = i.end_s < 0 ? last_t_ : i.end_s;
    double lo = std::max(a_s, i.start_s);
    double hi = std::min(b_s, end);
    if (hi > lo) sum += hi - lo;
  }
  return sum;
}

}  // namespace sp::chaos
