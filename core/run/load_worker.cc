#include "core/run/load_worker.h"

#include <sys/prctl.h>

#include <algorithm>
#include <thread>

#include "core/plugin/host.h"
#include "core/plugin/result.h"
#include "core/run/thread_cpu.h"

namespace sp::run {
namespace {

// The longest a load thread sleeps in poll: how quickly it notices a new stage, a spawn-rate
// step or a stop request.
constexpr uint64_t kMaxWaitNs = 5'000'000;
constexpr uint64_t kSecondNs = 1'000'000'000;
constexpr unsigned long kTimerSlackNs = 1'000;  // see Loop

}  // namespace

LoadWorker::LoadWorker(int index, int threads, const LoadModel& model, Timeline* timeline,
                       const plugin::TargetInstance& target, LoadControl* control)
    : index_(index), threads_(threads), model_(model), timeline_(timeline), target_(target),
      control_(control), rng_(0x5eed0000ull + static_cast<uint64_t>(index)),
      recorded_(model.step_names.size(), timeline->stage_count()),
      published_(model.step_names.size(), timeline->stage_count()),
      lane_active_(new std::atomic<int>[timeline->size()]) {
  for (size_t w = 0; w < timeline->size(); ++w) {
    Lane lane;
    lane.model = &model.workloads[w];
    lane.clock = &timeline->clock(w);
    lane.first = static_cast<uint32_t>(vus_.size());
    for (int slot = index; slot < lane.clock->MaxSlots(); slot += threads) {
      Vu vu;
      // The plan's slot number, so that vu ids (and what the target derives from them, such as
      // unique data rows) are unique across the segments too.
      vu.id = lane.model->first_vu + static_cast<uint32_t>(GlobalNumber(static_cast<uint64_t>(slot),
                                                                        lane.clock->segment()));
      vu.lane = static_cast<uint32_t>(w);
      vus_.push_back(vu);
    }
    lane.count = static_cast<uint32_t>(vus_.size()) - lane.first;
    lanes_.push_back(std::move(lane));
    lane_active_[w] = 0;
  }
}

int LoadWorker::active_users() const {
  int n = 0;
  for (size_t w = 0; w < lanes_.size(); ++w) n += active_users(w);
  return n;
}

std::string LoadWorker::Open() {
  host_.struct_size = sizeof host_;
  host_.ctx = this;
  host_.complete = &LoadWorker::OnComplete;
  plugin::PluginError err;
  if (!worker_.Open(target_, &host_, &err)) {
    return std::string("target plugin ") + target_.name() +
           " could not open a load thread: " + err.MessageOr("no reason given");
  }
  return "";
}

void LoadWorker::OnComplete(void* ctx, const sp_result* raw) {
  auto* self = static_cast<LoadWorker*>(ctx);
  sp_result scratch;
  const sp_result* r = plugin::ReadResult(raw, &scratch);
  if (r == nullptr) {  // a plugin bug: nothing in it can be trusted; the thread stops (Loop)
    if (self->failure_.empty()) self->failure_ = plugin::MalformedResultError(self->target_.name(), raw);
    return;
  }
  uint32_t local = static_cast<uint32_t>(r->token);
  if (local >= self->vus_.size() || self->vus_[local].state != VuState::InFlight) return;
  Vu& vu = self->vus_[local];
  const ScenarioModel& sc = self->model_.scenarios[vu.scenario];
  self->recorded_.Record(*r, sc.first_step + vu.step,
                         self->lanes_[vu.lane].model->first_stage + vu.sent_stage, vu.intended_ns);
  if (r->flags & SP_RESULT_MORE) return;  // a redirect followed: one exchange, the request goes on
  --self->in_flight_;
  self->AfterResult(local, r->end_ns);
}

bool LoadWorker::StartIteration(Vu& vu, size_t stage) {
  const Lane& lane = lanes_[vu.lane];
  const plan::Stage& s = lane.clock->stages()[stage];
  const uint64_t limit = lane.clock->IterationLimit(stage);
  if (!s.open() && limit != StageClock::kNoIterationLimit &&
      lane.clock->started(stage).fetch_add(1) >= limit) {
    return false;  // the stage's iterations are all taken
  }
  std::uniform_real_distribution<double> u(0.0, 1.0);
  vu.scenario = lane.model->PickScenario(u(rng_));
  vu.step = 0;
  vu.stage = static_cast<uint32_t>(stage);
  recorded_.IterationStarted(lane.model->first_stage + vu.stage);
  return true;
}

void LoadWorker::Submit(uint32_t local, uint64_t intended_ns) {
  Vu& vu = vus_[local];
  const ScenarioModel& sc = model_.scenarios[vu.scenario];
  sp_request req{};
  req.struct_size = sizeof req;
  req.token = local;
  req.request = sc.first_step + vu.step;
  req.vu = vu.id;
  req.iteration = vu.iteration;
  req.intended_ns = intended_ns;
  vu.intended_ns = intended_ns;
  vu.sent_stage = static_cast<uint32_t>(lanes_[vu.lane].stage);
  vu.state = VuState::InFlight;
  ++in_flight_;
  plugin::PluginError err;
  if (!worker_.Submit(req, &err)) {
    // The target refused a request it validated at create: a plugin bug. Count it, not hang.
    sp_result r{};
    r.struct_size = sizeof r;
    r.token = local;
    r.error = SP_E_OTHER;
    r.start_ns = r.end_ns = plugin::NowNs();
    r.failed_check = UINT32_MAX;
    OnComplete(this, &r);
  }
}

void LoadWorker::Finish(Vu& vu, uint32_t local) {
  Lane& lane = lanes_[vu.lane];
  if (vu.open) {
    --lane.open_running;
    vu.open = false;
    if (!lane.over && lane.stage < lane.clock->count() && lane.clock->stages()[lane.stage].open())
      lane.free.push_back(local);
  } else if (control_->mode.load(std::memory_order_relaxed) == LoadControl::kRun) {
    Leave(vu);  // (at the end worker_close closes everything at once)
  }
  vu.state = VuState::Off;
  vu.retiring = false;
}

void LoadWorker::Leave(const Vu& vu) {
  if (worker_.CanReleaseVu()) left_.push_back(vu.id);
}

void LoadWorker::ReleaseLeft() {
  // Before the ready users send: a leaving user's idle connection is closed, not handed on.
  for (uint32_t id : left_) worker_.ReleaseVu(id);
  left_.clear();
}

void LoadWorker::AfterResult(uint32_t local, uint64_t now) {
  Vu& vu = vus_[local];
  const bool running = control_->mode.load(std::memory_order_relaxed) == LoadControl::kRun;
  if (!running || vu.retiring) {
    Finish(vu, local);
    return;
  }
  const ScenarioModel& sc = model_.scenarios[vu.scenario];
  const StepThink& t = model_.step_think[sc.first_step + vu.step];
  uint64_t think = t.min_ns;
  if (t.max_ns > t.min_ns) {
    std::uniform_int_distribution<uint64_t> d(t.min_ns, t.max_ns);
    think = d(rng_);
  }
  if (++vu.step >= sc.step_count) {
    Lane& lane = lanes_[vu.lane];
    recorded_.IterationCompleted(lane.model->first_stage + vu.stage);
    if (lane.clock->IterationLimit(vu.stage) != StageClock::kNoIterationLimit)
      lane.clock->completed(vu.stage).fetch_add(1);
    ++vu.iteration;
    if (vu.open) {  // an open-model iteration runs once
      Finish(vu, local);
      return;
    }
    if (lane.stage >= lane.clock->count() || !StartIteration(vu, lane.stage)) {
      Finish(vu, local);
      return;
    }
  }
  if (think == 0) {
    vu.state = VuState::Ready;
    vu.intended_ns = now;
    ready_.push_back(local);
  } else {
    vu.state = VuState::Thinking;
    vu.intended_ns = now + think;
    thinking_.emplace(vu.intended_ns, local);
  }
}

void LoadWorker::EnterStage(Lane& lane, size_t k) {
  lane.stage = k;
  const plan::Stage& s = lane.clock->stages()[k];
  if (s.open()) {
    SetActive(lane, 0, k);  // closed users of an earlier stage finish their request and stop
    lane.open_cap = 0;
    for (int id = index_; id < lane.clock->MaxConcurrency(k); id += threads_) ++lane.open_cap;
    lane.next_arrival = static_cast<uint64_t>(index_);
    lane.free.clear();
    for (uint32_t i = lane.first; i < lane.first + lane.count; ++i) {
      if (vus_[i].state == VuState::Off) lane.free.push_back(i);
    }
    std::reverse(lane.free.begin(), lane.free.end());  // lowest slots first
    return;
  }
  lane.free.clear();
  // Users that stopped because an earlier stage's iterations ran out start again.
  for (int i = 0; i < lane.local_active; ++i) {
    const uint32_t local = lane.first + static_cast<uint32_t>(i);
    Vu& vu = vus_[local];
    if (vu.state == VuState::Off && StartIteration(vu, k)) {
      vu.state = VuState::Ready;
      vu.intended_ns = plugin::NowNs();
      ready_.push_back(local);
    }
  }
}

void LoadWorker::SetActive(Lane& lane, int users, size_t stage) {
  // The lane's users are slots index_, index_+threads_, ... ; those below `users` are active.
  int want = users > index_ ? (users - index_ + threads_ - 1) / threads_ : 0;
  want = std::min<int>(want, static_cast<int>(lane.count));
  for (int i = lane.local_active; i < want; ++i) {
    const uint32_t local = lane.first + static_cast<uint32_t>(i);
    Vu& vu = vus_[local];
    if (vu.state != VuState::Off) {
      // Still busy (a request of its last activation, or an open iteration): it carries on
      // as an active user of this stage.
      vu.retiring = false;
      if (vu.open) {
        vu.open = false;
        --lane.open_running;
      }
      continue;
    }
    if (!StartIteration(vu, stage)) continue;
    vu.state = VuState::Ready;
    vu.intended_ns = plugin::NowNs();
    ready_.push_back(local);
  }
  for (int i = want; i < lane.local_active; ++i) {
    Vu& vu = vus_[lane.first + static_cast<uint32_t>(i)];
    if (vu.state == VuState::InFlight) {
      vu.retiring = true;  // released once its result is in (Finish)
    } else if (vu.state != VuState::Off) {
      vu.state = VuState::Off;  // stale ready/timer entries are skipped by their state
      Leave(vu);
    }
  }
  lane.local_active = want;
}

void LoadWorker::Arrivals(Lane& lane, size_t k, uint64_t now, uint64_t* next_due) {
  const uint64_t start = lane.clock->start_ns(k);
  const uint64_t end = lane.clock->end_ns(k);
  *next_due = UINT64_MAX;
  for (;;) {
    double sec = lane.clock->ArrivalDue(k, lane.next_arrival);
    if (sec < 0) return;
    uint64_t due = start + static_cast<uint64_t>(sec * 1e9);
    if (due >= end) return;
    if (due > now) {
      *next_due = due;
      return;
    }
    lane.next_arrival += static_cast<uint64_t>(threads_);
    if (lane.open_running >= lane.open_cap || lane.free.empty()) {
      recorded_.Dropped(lane.model->first_stage + static_cast<uint32_t>(k));
      continue;
    }
    uint32_t local = lane.free.back();
    lane.free.pop_back();
    Vu& vu = vus_[local];
    vu.open = true;
    vu.retiring = false;
    StartIteration(vu, k);
    ++lane.open_running;
    Submit(local, due);  // intended at its due time: lateness counts in its latency
  }
}

void LoadWorker::Publish() {
  cpu_ns_.store(ThisThreadCpuNs(), std::memory_order_relaxed);
  cpu_at_ns_.store(plugin::NowNs(), std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(published_mu_);
  published_.Merge(recorded_);
  recorded_.Reset();
}

metrics::Recorder LoadWorker::TakeRecorded() {
  std::lock_guard<std::mutex> lock(published_mu_);
  metrics::Recorder out = std::move(published_);
  published_ = metrics::Recorder(model_.step_names.size(), timeline_->stage_count());
  return out;
}

void LoadWorker::Loop() {
  // Linux lets a sleeping thread's timer fire up to its "timer slack" late (50 us by default),
  // to wake several timers at once. A load thread's timers are arrivals and think times, and
  // their lateness is counted in latency, so this thread asks for 1 us (prctl(2)): arrivals
  // go out within a few us of their due time. It costs more wake-ups at rates where the
  // default would have woken once for two arrivals (docs/benchmarks.md, the open model).
  prctl(PR_SET_TIMERSLACK, kTimerSlackNs);
  while (!control_->go.load(std::memory_order_acquire)) {
    if (control_->mode.load() != LoadControl::kRun) break;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  uint64_t next_publish = timeline_->t0_ns() + kSecondNs;
  bool broken = false;

  while (!broken && control_->go.load(std::memory_order_relaxed)) {
    if (control_->mode.load(std::memory_order_relaxed) != LoadControl::kRun) break;
    uint64_t now = plugin::NowNs();
    uint64_t deadline = std::min(now + kMaxWaitNs, next_publish);
    size_t running = 0;
    for (size_t w = 0; w < lanes_.size(); ++w) running += Steer(w, now, &deadline) ? 1 : 0;
    if (running == 0) break;  // every workload is over; no need to wait for the clock
    for (size_t w = 0; w < lanes_.size(); ++w) {
      if (lanes_[w].over && lanes_[w].count > 0) EndLane(w);
    }
    ReleaseLeft();
    WakeThinking(now);
    // Submit never completes synchronously (ABI rule), so ready_ is stable while we walk it.
    sending_.swap(ready_);
    for (uint32_t local : sending_) {
      if (vus_[local].state == VuState::Ready) Submit(local, vus_[local].intended_ns);
    }
    sending_.clear();  // keeps its capacity: the swap hands it to ready_ next time
    if (now >= next_publish) {
      Publish();
      while (next_publish <= now) next_publish += kSecondNs;
      deadline = std::min(deadline, next_publish);
    }
    if (!thinking_.empty()) deadline = std::min(deadline, thinking_.top().first);
    if (!ready_.empty()) deadline = now;  // results arrived with think time 0: send at once
    if (worker_.Poll(deadline) < 0 || !failure_.empty()) broken = true;
    in_flight_count_.store(in_flight_, std::memory_order_relaxed);
  }
  if (broken) {
    if (failure_.empty()) failure_ = std::string("target plugin ") + target_.name() + " reported a broken load thread";
    broken_.store(true, std::memory_order_release);
  }
  Drain(next_publish);
}

// One workload's turn of the loop: enters its current stage, moves its users or makes its
// arrivals, and lowers *deadline to when it next needs the thread. False once it is over.
bool LoadWorker::Steer(size_t w, uint64_t now, uint64_t* deadline) {
  Lane& lane = lanes_[w];
  if (lane.over) return false;
  StageClock& clock = *lane.clock;
  if (now < clock.start_ns(0)) {  // starts later (its `start:`)
    *deadline = std::min(*deadline, clock.start_ns(0));
    return true;
  }
  const size_t last = clock.count() - 1;
  const size_t k = clock.current();
  if (k > last) {
    lane.over = true;
    return false;
  }
  if (k != lane.stage) EnterStage(lane, k);
  const plan::Stage& s = clock.stages()[k];
  const uint64_t start = clock.start_ns(k);
  const uint64_t end = clock.end_ns(k);
  if (k == last && now >= end) {
    lane.over = true;
    return false;
  }

  uint64_t next_due = UINT64_MAX;
  if (s.open()) {
    if (now < end) Arrivals(lane, k, now, &next_due);
  } else {
    SetActive(lane, clock.UsersAt(k, std::min(now, end) - start), k);
  }
  lane_active_[w].store(s.open() ? lane.open_running : lane.local_active,
                        std::memory_order_relaxed);
  *deadline = std::min({*deadline, end, next_due});
  return true;
}

// A workload over while others go on: its users stop as at the end of the run - nothing new
// starts, a request in flight finishes (its result is counted) and its user is then released.
void LoadWorker::EndLane(size_t w) {
  Lane& lane = lanes_[w];
  for (uint32_t local = lane.first; local < lane.first + lane.count; ++local) {
    Vu& vu = vus_[local];
    if (vu.state == VuState::InFlight) {
      vu.retiring = true;
    } else if (vu.state != VuState::Off) {
      Finish(vu, local);
    }
  }
  lane.local_active = 0;
  lane.count = 0;  // done: nothing of it is looked at again
  lane_active_[w].store(0, std::memory_order_relaxed);
}

void LoadWorker::WakeThinking(uint64_t now) {
  while (!thinking_.empty() && thinking_.top().first <= now) {
    auto [due, local] = thinking_.top();
    thinking_.pop();
    Vu& vu = vus_[local];
    if (vu.state == VuState::Thinking && vu.intended_ns == due) {
      vu.state = VuState::Ready;
      ready_.push_back(local);
    }
  }
}

void LoadWorker::Drain(uint64_t next_publish) {
  // Nothing new starts; requests in flight may finish within the grace period, then whatever
  // is left is interrupted - every request ends up counted exactly once.
  for (Vu& vu : vus_) {
    if (vu.state != VuState::InFlight) vu.state = VuState::Off;
    vu.retiring = true;
  }
  for (size_t w = 0; w < lanes_.size(); ++w) lane_active_[w].store(0, std::memory_order_relaxed);
  uint64_t drain_end = plugin::NowNs() + control_->grace_ns;
  while (failure_.empty() && in_flight_ > 0 && control_->mode.load() != LoadControl::kCancel) {
    uint64_t now = plugin::NowNs();
    if (now >= drain_end) break;
    if (now >= next_publish) {
      Publish();
      while (next_publish <= now) next_publish += kSecondNs;
    }
    if (worker_.Poll(std::min({now + kMaxWaitNs, drain_end, next_publish})) < 0) break;
  }
  if (in_flight_ > 0) worker_.CancelAll();
  Publish();
  worker_.Close();
  in_flight_count_.store(0);
}

}  // namespace sp::run
