#include "core/run/load_worker.h"

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

}  // namespace

LoadWorker::LoadWorker(int index, int threads, const LoadModel& model, StageClock* clock,
                       const plugin::TargetInstance& target, LoadControl* control)
    : index_(index), threads_(threads), model_(model), clock_(clock), target_(target),
      control_(control), rng_(0x5eed0000ull + static_cast<uint64_t>(index)),
      recorded_(model.step_names.size(), clock->count()),
      published_(model.step_names.size(), clock->count()) {
  for (int id = index; id < clock->MaxSlots(); id += threads) {
    Vu vu;
    vu.id = static_cast<uint32_t>(id);
    vus_.push_back(vu);
  }
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
  self->recorded_.Record(*r, sc.first_step + vu.step, vu.sent_stage, vu.intended_ns);
  if (r->flags & SP_RESULT_MORE) return;  // a redirect followed: one exchange, the request goes on
  --self->in_flight_;
  self->AfterResult(local, r->end_ns);
}

bool LoadWorker::StartIteration(Vu& vu, size_t stage) {
  const plan::Stage& s = clock_->stages()[stage];
  if (!s.open() && s.iterations > 0 && clock_->started(stage).fetch_add(1) >= s.iterations) {
    return false;  // the stage's iterations are all taken
  }
  std::uniform_real_distribution<double> u(0.0, 1.0);
  vu.scenario = model_.PickScenario(u(rng_));
  vu.step = 0;
  vu.stage = static_cast<uint32_t>(stage);
  recorded_.IterationStarted(vu.stage);
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
  vu.sent_stage = static_cast<uint32_t>(stage_);
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
  if (vu.open) {
    --open_running_;
    vu.open = false;
    if (stage_ < clock_->count() && clock_->stages()[stage_].open()) free_.push_back(local);
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
    recorded_.IterationCompleted(vu.stage);
    if (clock_->stages()[vu.stage].iterations > 0) clock_->completed(vu.stage).fetch_add(1);
    ++vu.iteration;
    if (vu.open) {  // an open-model iteration runs once
      Finish(vu, local);
      return;
    }
    if (stage_ >= clock_->count() || !StartIteration(vu, stage_)) {
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

void LoadWorker::EnterStage(size_t k) {
  stage_ = k;
  const plan::Stage& s = clock_->stages()[k];
  if (s.open()) {
    SetActive(0, k);  // closed users of an earlier stage finish their request and stop
    open_cap_ = 0;
    for (int id = index_; id < s.max_concurrency; id += threads_) ++open_cap_;
    next_arrival_ = static_cast<uint64_t>(index_);
    free_.clear();
    for (uint32_t i = 0; i < vus_.size(); ++i) {
      if (vus_[i].state == VuState::Off) free_.push_back(i);
    }
    std::reverse(free_.begin(), free_.end());  // lowest slots first
    return;
  }
  free_.clear();
  // Users that stopped because an earlier stage's iterations ran out start again.
  for (int i = 0; i < local_active_; ++i) {
    Vu& vu = vus_[i];
    if (vu.state == VuState::Off && StartIteration(vu, k)) {
      vu.state = VuState::Ready;
      vu.intended_ns = plugin::NowNs();
      ready_.push_back(static_cast<uint32_t>(i));
    }
  }
}

void LoadWorker::SetActive(int users, size_t stage) {
  // Our users are ids index_, index_+threads_, ... ; those below `users` are active.
  int want = users > index_ ? (users - index_ + threads_ - 1) / threads_ : 0;
  want = std::min<int>(want, static_cast<int>(vus_.size()));
  for (int i = local_active_; i < want; ++i) {
    Vu& vu = vus_[i];
    if (vu.state != VuState::Off) {
      // Still busy (a request of its last activation, or an open iteration): it carries on
      // as an active user of this stage.
      vu.retiring = false;
      if (vu.open) {
        vu.open = false;
        --open_running_;
      }
      continue;
    }
    if (!StartIteration(vu, stage)) continue;
    vu.state = VuState::Ready;
    vu.intended_ns = plugin::NowNs();
    ready_.push_back(static_cast<uint32_t>(i));
  }
  for (int i = want; i < local_active_; ++i) {
    Vu& vu = vus_[i];
    if (vu.state == VuState::InFlight) {
      vu.retiring = true;  // released once its result is in (Finish)
    } else if (vu.state != VuState::Off) {
      vu.state = VuState::Off;  // stale ready/timer entries are skipped by their state
      Leave(vu);
    }
  }
  local_active_ = want;
}

void LoadWorker::Arrivals(size_t k, uint64_t now, uint64_t* next_due) {
  const plan::Stage& s = clock_->stages()[k];
  const uint64_t start = clock_->start_ns(k);
  const uint64_t end = clock_->end_ns(k);
  *next_due = UINT64_MAX;
  for (;;) {
    double sec = ArrivalSeconds(s, next_arrival_);
    if (sec < 0) return;
    uint64_t due = start + static_cast<uint64_t>(sec * 1e9);
    if (due >= end) return;
    if (due > now) {
      *next_due = due;
      return;
    }
    next_arrival_ += static_cast<uint64_t>(threads_);
    if (open_running_ >= open_cap_ || free_.empty()) {
      recorded_.Dropped(static_cast<uint32_t>(k));
      continue;
    }
    uint32_t local = free_.back();
    free_.pop_back();
    Vu& vu = vus_[local];
    vu.open = true;
    vu.retiring = false;
    StartIteration(vu, k);
    ++open_running_;
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
  published_ = metrics::Recorder(model_.step_names.size(), clock_->count());
  return out;
}

void LoadWorker::Loop() {
  while (!control_->go.load(std::memory_order_acquire)) {
    if (control_->mode.load() != LoadControl::kRun) break;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  uint64_t next_publish = clock_->start_ns(0) + kSecondNs;
  bool broken = false;
  const size_t last = clock_->count() - 1;

  while (!broken && control_->go.load(std::memory_order_relaxed)) {
    if (control_->mode.load(std::memory_order_relaxed) != LoadControl::kRun) break;
    size_t k = clock_->current();
    if (k > last) break;
    if (k != stage_) EnterStage(k);
    uint64_t now = plugin::NowNs();
    const plan::Stage& s = clock_->stages()[k];
    const uint64_t start = clock_->start_ns(k);
    const uint64_t end = clock_->end_ns(k);
    if (k == last && now >= end) break;  // the profile is over; no need to wait for the clock

    uint64_t next_due = UINT64_MAX;
    if (s.open()) {
      if (now < end) Arrivals(k, now, &next_due);
    } else {
      SetActive(UsersWithin(s, clock_->from_users(k), std::min(now, end) - start), k);
    }
    active_.store(s.open() ? open_running_ : local_active_, std::memory_order_relaxed);
    ReleaseLeft();

    while (!thinking_.empty() && thinking_.top().first <= now) {
      auto [due, local] = thinking_.top();
      thinking_.pop();
      Vu& vu = vus_[local];
      if (vu.state == VuState::Thinking && vu.intended_ns == due) {
        vu.state = VuState::Ready;
        ready_.push_back(local);
      }
    }
    // Submit never completes synchronously (ABI rule), so ready_ is stable while we walk it.
    std::vector<uint32_t> batch;
    batch.swap(ready_);
    for (uint32_t local : batch) {
      if (vus_[local].state == VuState::Ready) Submit(local, vus_[local].intended_ns);
    }
    if (now >= next_publish) {
      Publish();
      while (next_publish <= now) next_publish += kSecondNs;
    }
    uint64_t deadline = std::min({now + kMaxWaitNs, next_publish, end, next_due});
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

void LoadWorker::Drain(uint64_t next_publish) {
  // Nothing new starts; requests in flight may finish within the grace period, then whatever
  // is left is interrupted - every request ends up counted exactly once.
  for (Vu& vu : vus_) {
    if (vu.state != VuState::InFlight) vu.state = VuState::Off;
    vu.retiring = true;
  }
  active_.store(0, std::memory_order_relaxed);
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
