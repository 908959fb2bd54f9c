// One load thread: the virtual users it owns, the target worker that does their I/O, and the
// metrics it records. Each workload of the profile is a lane of the thread: its user slot `n`
// belongs to thread n % threads, so threads follow each workload's StageClock without
// talking to each other, and every thread runs its share of every workload. A workload that
// ends before the others stops like the run does: no new request, those in flight finish.
//
// Closed stages: the first N users (N from the stage and its spawn rate) loop their scenarios;
// each has at most one request in flight: send, wait for the result, think, send the next step.
// Open stages: iterations arrive on the stage's schedule (arrival n belongs to thread
// n % threads); each takes a free slot and runs its scenario once. With no free slot (the
// stage's max_concurrency reached) the start is dropped and counted. Requests carry their
// intended start, so latency includes any delay the schedule suffered (coordinated omission).
// With a segment (segment.h), slots and arrivals are numbered within the segment, and the
// StageClock gives this segment's part of every count: local slot n is the plan's slot
// GlobalNumber(n), whose vu id the target sees.
// A closed-model user that leaves (fewer users, or its stage's iterations done) is released in
// the target (release_vu), which closes its connection: the server sees the plan's users.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "core/metrics/recorder.h"
#include "core/plugin/target_instance.h"
#include "core/run/load_model.h"
#include "core/run/schedule.h"

namespace sp::run {

// How the orchestrator steers the load threads; written by it, read by the threads.
struct LoadControl {
  enum : int { kRun = 0, kDrain = 1, kCancel = 2 };
  std::atomic<int> mode{kRun};      // kDrain: start nothing new; kCancel: interrupt in-flight
  std::atomic<bool> go{false};      // the StageClock has started
  uint64_t grace_ns = 0;            // how long in-flight requests may finish after the end
};

class LoadWorker {
 public:
  LoadWorker(int index, int threads, const LoadModel& model, Timeline* timeline,
             const plugin::TargetInstance& target, LoadControl* control);
  LoadWorker(const LoadWorker&) = delete;
  LoadWorker& operator=(const LoadWorker&) = delete;

  // The thread body: opens the target worker, waits for control->go, runs until every
  // workload ends or control says stop, drains, closes. `opened` is called once after the open
  // attempt (with an empty error on success).
  template <typename OnOpened>
  void Run(OnOpened opened) {
    std::string err = Open();
    opened(err);
    if (!err.empty()) return;
    Loop();
  }

  // Moves out what the thread recorded since the last call (the bus calls this every second).
  metrics::Recorder TakeRecorded();
  int active_users() const;  // of every workload
  // Closed stages: the workload's active users; open stages: its iterations in progress.
  int active_users(size_t workload) const {
    return lane_active_[workload].load(std::memory_order_relaxed);
  }
  uint64_t in_flight() const { return in_flight_count_.load(std::memory_order_relaxed); }
  const std::string& failure() const { return failure_; }  // set if the target worker broke; read after join
  bool broken() const { return broken_.load(std::memory_order_acquire); }  // any thread, while it runs
  // CPU time this thread used, and when that was read (host clock); updated once a second.
  uint64_t cpu_ns() const { return cpu_ns_.load(std::memory_order_relaxed); }
  uint64_t cpu_read_at_ns() const { return cpu_at_ns_.load(std::memory_order_relaxed); }

 private:
  enum class VuState : uint8_t { Off, Ready, Thinking, InFlight };
  struct Vu {
    uint32_t id = 0;
    uint32_t lane = 0;  // its workload
    uint32_t scenario = 0;
    uint32_t step = 0;          // index within the scenario
    uint32_t stage = 0;         // the workload's stage its current iteration started in
    uint32_t sent_stage = 0;    // the workload's stage its request in flight was sent in
    uint64_t iteration = 0;
    uint64_t intended_ns = 0;   // when the current step was (or, thinking, will be) due
    VuState state = VuState::Off;
    bool open = false;          // runs one open-model iteration, then frees its slot
    bool retiring = false;      // deactivated while in flight: stop after the result
  };
  // One workload on this thread: its clock, its users (vus_[first, first + count)), and
  // where this thread is in its stages.
  struct Lane {
    const WorkloadModel* model = nullptr;
    StageClock* clock = nullptr;
    uint32_t first = 0;
    uint32_t count = 0;
    size_t stage = SIZE_MAX;     // the stage this thread last entered
    int local_active = 0;        // closed stages: its users with index < this are active
    int open_cap = 0;            // open stages: this thread's share of max_concurrency
    int open_running = 0;        // open iterations in progress
    uint64_t next_arrival = 0;   // open stages: this thread's next arrival number
    std::vector<uint32_t> free;  // open stages: slots free for the next arrival
    bool over = false;           // its last stage ended
  };

  std::string Open();
  void Loop();
  bool Steer(size_t lane, uint64_t now, uint64_t* deadline);
  void EndLane(size_t lane);
  void Drain(uint64_t next_publish);
  void EnterStage(Lane& lane, size_t stage);
  void SetActive(Lane& lane, int users, size_t stage);
  void Arrivals(Lane& lane, size_t stage, uint64_t now, uint64_t* next_due);
  bool StartIteration(Vu& vu, size_t stage);
  void Submit(uint32_t local, uint64_t intended_ns);
  void AfterResult(uint32_t local, uint64_t now);
  void Finish(Vu& vu, uint32_t local);
  void Leave(const Vu& vu);  // a closed-model user stops: release it in the target soon
  void ReleaseLeft();        // tells the target, outside its callbacks (target.h)
  void WakeThinking(uint64_t now);
  void Publish();
  static void OnComplete(void* ctx, const sp_result* raw);

  const int index_;
  const int threads_;
  const LoadModel& model_;
  Timeline* timeline_;
  const plugin::TargetInstance& target_;
  LoadControl* control_;

  plugin::TargetWorker worker_;  // opened and closed on this thread
  sp_worker_host host_{};
  std::vector<Vu> vus_;
  std::vector<Lane> lanes_;
  std::vector<uint32_t> ready_;  // local indexes of users ready to send
  std::vector<uint32_t> sending_;  // ready_ taken by the loop's send pass (kept for its capacity)
  std::vector<uint32_t> left_;   // vu ids of users that left since the last ReleaseLeft
  using Timer = std::pair<uint64_t, uint32_t>;  // wake time, local index
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> thinking_;
  uint64_t in_flight_ = 0;
  std::mt19937_64 rng_;

  metrics::Recorder recorded_;  // since the last Publish, owned by this thread
  std::mutex published_mu_;
  metrics::Recorder published_;  // handed over to the bus
  std::unique_ptr<std::atomic<int>[]> lane_active_;  // active_users(workload)
  std::atomic<uint64_t> in_flight_count_{0};
  std::atomic<uint64_t> cpu_ns_{0};
  std::atomic<uint64_t> cpu_at_ns_{0};
  std::string failure_;
  std::atomic<bool> broken_{false};  // failure_ was set (the orchestrator stops the chaos thread)
};

}  // namespace sp::run
