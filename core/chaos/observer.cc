#include "core/chaos/observer.h"

#include <algorithm>
#include <chrono>

#include "core/plugin/host.h"

namespace sp::chaos {

std::vector<report::OpenInterval> OpenIntervals(const CircuitTracker& tracker) {
  std::vector<report::OpenInterval> out;
  for (const auto& iv : tracker.intervals()) out.push_back({iv.start_s, iv.end_s});
  return out;
}

ObserverSet::ObserverSet(const std::vector<plan::Observer>& observers, HttpFetch fetch) : fetch_(std::move(fetch)) {
  for (const plan::Observer& o : observers) {
    auto e = std::make_unique<Entry>();
    e->plan = o;
    std::string err;
    prometheus::PromSelector::Parse(o.metric, &e->selector, &err);  // checked before the run
    e->tracker = std::make_unique<chaos::CircuitTracker>(o.counter ? chaos::CircuitSignal::Counter
                                                                   : chaos::CircuitSignal::Gauge,
                                                         o.open_at);
    e->summary.source = "observer:" + o.name;
    e->summary.signal = o.metric;
    e->summary.counter = o.counter;
    entries_.push_back(std::move(e));
  }
}

ObserverSet::~ObserverSet() {
  if (thread_.joinable()) Stop(-1);
}

void ObserverSet::Start(uint64_t t0_ns) {
  if (entries_.empty()) return;
  t0_ns_ = t0_ns;
  thread_ = std::thread([this] { Loop(); });
}

void ObserverSet::Stop(double end_s) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (end_s < 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& e : entries_) e->tracker->Finish(end_s);
}

void ObserverSet::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    const double now_s = static_cast<double>(plugin::NowNs() - t0_ns_) / 1e9;
    double next = now_s + 1;
    for (auto& e : entries_) {
      if (now_s >= e->next_s) {
        // The fetch is done without the lock: a slow endpoint must not stall the readers
        // (the run's one-second loop asks OpenWithin).
        lock.unlock();
        std::string body, err;
        const double timeout_s = std::min(2.0, static_cast<double>(e->plan.interval.count()) / 1e9);
        const bool fetched = fetch_(e->plan.url, timeout_s, &body, &err);
        const double at_s = static_cast<double>(plugin::NowNs() - t0_ns_) / 1e9;
        lock.lock();
        if (stop_) break;  // Stop waits for this thread: no more fetches once asked
        ++e->summary.polls;
        std::optional<double> value;
        if (fetched) {
          value = prometheus::PromValue(body, e->selector);
          if (!value) err = "no sample matches " + e->plan.metric;
        }
        if (value) {
          const uint64_t before = e->tracker->trips();
          e->tracker->OnSample(at_s, *value);
          if (e->tracker->trips() != before) e->trip_times.emplace_back(at_s, e->tracker->trips());
        } else {
          ++e->summary.failed_polls;
          e->summary.last_error = err;
          e->tracker->OnMissing(at_s);
        }
        e->next_s = now_s + static_cast<double>(e->plan.interval.count()) / 1e9;
      }
      next = std::min(next, e->next_s);
    }
    const double wait_s = std::max(0.005, next - static_cast<double>(plugin::NowNs() - t0_ns_) / 1e9);
    cv_.wait_for(lock, std::chrono::duration<double>(wait_s), [this] { return stop_; });
  }
}

bool ObserverSet::OpenWithin(double a_s, double b_s) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& e : entries_) {
    if (e->plan.counter) continue;
    for (const auto& iv : e->tracker->intervals()) {
      if (iv.start_s < b_s && (iv.end_s < 0 || iv.end_s > a_s)) return true;  // end_s < 0: still open
    }
  }
  return false;
}

uint64_t ObserverSet::TripsWithin(double a_s, double b_s) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.empty()) return 0;
  // The first observer is the run's circuit source (as for the circuit.* thresholds).
  uint64_t before = 0, upto = 0;
  for (const auto& [t, n] : entries_.front()->trip_times) {
    if (t < a_s) before = n;
    if (t < b_s) upto = n;
  }
  return upto - before;
}

double ObserverSet::OpenTimeWithin(double a_s, double b_s) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.empty() || entries_.front()->plan.counter) return -1;  // a counter knows no open time
  return entries_.front()->tracker->OpenWithin(a_s, b_s);
}

std::vector<CircuitReport> ObserverSet::Summaries() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<CircuitReport> out;
  for (const auto& e : entries_) {
    CircuitReport s = e->summary;
    s.trips = e->tracker->trips();
    s.time_open_s = e->tracker->time_open_s();
    if (!e->plan.counter) s.intervals = OpenIntervals(*e->tracker);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace sp::chaos
