// One load thread: the virtual users it owns, the target worker that does their I/O, and the
// metrics it records. Virtual user `id` belongs to thread id % threads, so threads follow the
// shared Schedule without talking to each other. Each user has at most one request in flight
// (the closed model): it sends, waits for the result, thinks, and sends its next step.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "core/metrics/recorder.h"
#include "core/plugin/loader.h"
#include "core/run/load_model.h"
#include "core/run/schedule.h"

namespace sp::run {

// How the orchestrator steers the load threads; written by it, read by the threads.
struct LoadControl {
  enum : int { kRun = 0, kDrain = 1, kCancel = 2 };
  std::atomic<int> mode{kRun};      // kDrain: start nothing new; kCancel: interrupt in-flight
  std::atomic<uint64_t> t0_ns{0};   // the run's start on the host clock, set before go
  std::atomic<bool> go{false};
  uint64_t grace_ns = 0;            // how long in-flight requests may finish after the end
};

class LoadWorker {
 public:
  LoadWorker(int index, int threads, const LoadModel& model, const Schedule& schedule,
             const plugin::Plugin& target, void* instance, LoadControl* control);
  LoadWorker(const LoadWorker&) = delete;
  LoadWorker& operator=(const LoadWorker&) = delete;

  // The thread body: opens the target worker, waits for control->go, runs until the schedule
  // ends or control says stop, drains, closes. `opened` is called once after the open attempt
  // (with an empty error on success).
  template <typename OnOpened>
  void Run(OnOpened opened) {
    std::string err = Open();
    opened(err);
    if (!err.empty()) return;
    Loop();
  }

  // Moves out what the thread recorded since the last call (the bus calls this every second).
  metrics::Recorder TakeRecorded();
  int active_users() const { return active_.load(std::memory_order_relaxed); }
  uint64_t in_flight() const { return in_flight_count_.load(std::memory_order_relaxed); }
  const std::string& failure() const { return failure_; }  // set if the target worker broke

 private:
  enum class VuState : uint8_t { Off, Ready, Thinking, InFlight };
  struct Vu {
    uint32_t id = 0;
    uint32_t scenario = 0;
    uint32_t step = 0;        // index within the scenario
    uint64_t iteration = 0;
    VuState state = VuState::Off;
    bool retiring = false;    // deactivated while in flight: stop after the result
  };

  std::string Open();
  void Loop();
  void SetActive(int users);
  void StartIteration(Vu& vu);
  void Submit(uint32_t local, uint64_t now);
  void AfterResult(uint32_t local, uint64_t now);
  void Publish();
  static void OnComplete(void* ctx, const sp_result* r);

  const int index_;
  const int threads_;
  const LoadModel& model_;
  const Schedule& schedule_;
  const plugin::Plugin& target_;
  void* instance_;
  LoadControl* control_;

  void* worker_ = nullptr;
  sp_worker_host host_{};
  std::vector<Vu> vus_;
  std::vector<uint32_t> ready_;  // local indexes of users ready to send
  using Timer = std::pair<uint64_t, uint32_t>;  // wake time, local index
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> thinking_;
  int local_active_ = 0;
  uint64_t in_flight_ = 0;
  std::mt19937_64 rng_;

  metrics::Recorder recorded_;  // since the last Publish, owned by this thread
  std::mutex published_mu_;
  metrics::Recorder published_;  // handed over to the bus
  std::atomic<int> active_{0};
  std::atomic<uint64_t> in_flight_count_{0};
  std::string failure_;
};

}  // namespace sp::run
