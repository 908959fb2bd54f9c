#include "core/run/load_worker.h"

#include <algorithm>
#include <thread>

#include "core/plugin/host.h"

namespace sp::run {
namespace {

// The longest a load thread sleeps in poll: how quickly it notices a new second, a change
// in the schedule or a stop request.
constexpr uint64_t kMaxWaitNs = 10'000'000;
constexpr uint64_t kSecondNs = 1'000'000'000;

}  // namespace

LoadWorker::LoadWorker(int index, int threads, const LoadModel& model, const Schedule& schedule,
                       const plugin::Plugin& target, void* instance, LoadControl* control)
    : index_(index),
      threads_(threads),
      model_(model),
      schedule_(schedule),
      target_(target),
      instance_(instance),
      control_(control),
      rng_(0x5eed0000ull + static_cast<uint64_t>(index)),
      recorded_(model.step_names.size()),
      published_(model.step_names.size()) {
  int max_users = schedule.MaxUsers();
  for (int id = index; id < max_users; id += threads) {
    Vu vu;
    vu.id = static_cast<uint32_t>(id);
    vus_.push_back(vu);
  }
}

std::string LoadWorker::Open() {
  host_.struct_size = sizeof host_;
  host_.ctx = this;
  host_.complete = &LoadWorker::OnComplete;
  sp_error err{};
  if (target_.d.target.worker_open(instance_, &host_, &worker_, &err) != SP_OK) {
    worker_ = nullptr;
    return std::string("target plugin ") + target_.name() + " could not open a load thread: " +
           (err.message[0] ? err.message : "no reason given");
  }
  return "";
}

void LoadWorker::OnComplete(void* ctx, const sp_result* r) {
  auto* self = static_cast<LoadWorker*>(ctx);
  uint32_t local = static_cast<uint32_t>(r->token);
  if (local >= self->vus_.size() || self->vus_[local].state != VuState::InFlight) return;
  Vu& vu = self->vus_[local];
  const ScenarioModel& sc = self->model_.scenarios[vu.scenario];
  self->recorded_.Record(*r, sc.first_step + vu.step);
  --self->in_flight_;
  self->AfterResult(local, r->end_ns);
}

void LoadWorker::StartIteration(Vu& vu) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  vu.scenario = model_.PickScenario(u(rng_));
  vu.step = 0;
}

void LoadWorker::Submit(uint32_t local, uint64_t now) {
  Vu& vu = vus_[local];
  const ScenarioModel& sc = model_.scenarios[vu.scenario];
  sp_request req{};
  req.struct_size = sizeof req;
  req.token = local;
  req.request = sc.first_step + vu.step;
  req.vu = vu.id;
  req.iteration = vu.iteration;
  req.intended_ns = now;
  sp_error err{};
  vu.state = VuState::InFlight;
  ++in_flight_;
  if (target_.d.target.submit(worker_, &req, &err) != SP_OK) {
    // The target refused a request it validated at create: a plugin bug. Count it, not hang.
    sp_result r{};
    r.struct_size = sizeof r;
    r.token = local;
    r.error = SP_E_OTHER;
    r.start_ns = r.end_ns = now;
    r.failed_check = UINT32_MAX;
    OnComplete(this, &r);
  }
}

void LoadWorker::AfterResult(uint32_t local, uint64_t now) {
  Vu& vu = vus_[local];
  if (vu.retiring || control_->mode.load(std::memory_order_relaxed) != LoadControl::kRun) {
    vu.state = VuState::Off;
    vu.retiring = false;
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
    ++vu.iteration;
    StartIteration(vu);
  }
  if (think == 0) {
    vu.state = VuState::Ready;
    ready_.push_back(local);
  } else {
    vu.state = VuState::Thinking;
    thinking_.emplace(now + think, local);
  }
}

void LoadWorker::SetActive(int users) {
  // Our users are ids index_, index_+threads_, ... ; those below `users` are active.
  int want = users > index_ ? (users - index_ + threads_ - 1) / threads_ : 0;
  want = std::min<int>(want, static_cast<int>(vus_.size()));
  for (int i = local_active_; i < want; ++i) {
    Vu& vu = vus_[i];
    if (vu.state == VuState::InFlight) {
      vu.retiring = false;  // came back before its last request finished
      continue;
    }
    StartIteration(vu);
    vu.state = VuState::Ready;
    ready_.push_back(static_cast<uint32_t>(i));
  }
  for (int i = want; i < local_active_; ++i) {
    Vu& vu = vus_[i];
    if (vu.state == VuState::InFlight) {
      vu.retiring = true;
    } else {
      vu.state = VuState::Off;  // stale ready/timer entries are skipped by state
    }
  }
  local_active_ = want;
  active_.store(want, std::memory_order_relaxed);
}

void LoadWorker::Publish() {
  std::lock_guard<std::mutex> lock(published_mu_);
  published_.Merge(recorded_);
  recorded_.Reset();
}

metrics::Recorder LoadWorker::TakeRecorded() {
  std::lock_guard<std::mutex> lock(published_mu_);
  metrics::Recorder out = std::move(published_);
  published_ = metrics::Recorder(model_.step_names.size());
  return out;
}

void LoadWorker::Loop() {
  while (!control_->go.load(std::memory_order_acquire)) {
    if (control_->mode.load() != LoadControl::kRun) break;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  const uint64_t t0 = control_->t0_ns.load();
  const uint64_t end = t0 + schedule_.total_ns();
  uint64_t next_publish = t0 + kSecondNs;
  bool broken = false;

  while (!broken && control_->go.load(std::memory_order_relaxed)) {
    uint64_t now = plugin::NowNs();
    if (now >= end || control_->mode.load(std::memory_order_relaxed) != LoadControl::kRun) break;
    SetActive(schedule_.UsersAt(now - t0));

    while (!thinking_.empty() && thinking_.top().first <= now) {
      uint32_t local = thinking_.top().second;
      thinking_.pop();
      if (vus_[local].state == VuState::Thinking) {
        vus_[local].state = VuState::Ready;
        ready_.push_back(local);
      }
    }
    // Submit may not complete synchronously (ABI rule), so ready_ is stable while we walk it.
    std::vector<uint32_t> batch;
    batch.swap(ready_);
    for (uint32_t local : batch) {
      if (vus_[local].state == VuState::Ready && static_cast<int>(local) < local_active_) {
        Submit(local, now);
      }
    }
    if (now >= next_publish) {
      Publish();
      while (next_publish <= now) next_publish += kSecondNs;
    }
    uint64_t deadline = std::min({now + kMaxWaitNs, next_publish, end});
    if (!thinking_.empty()) deadline = std::min(deadline, thinking_.top().first);
    if (!ready_.empty()) deadline = now;  // results arrived with think time 0: send at once
    if (target_.d.target.poll(worker_, deadline) < 0) broken = true;
    in_flight_count_.store(in_flight_, std::memory_order_relaxed);
  }
  if (broken) failure_ = std::string("target plugin ") + target_.name() + " reported a broken load thread";

  // Drain: nothing new starts; requests in flight may finish within the grace period, then
  // whatever is left is interrupted - every request ends up counted exactly once.
  for (Vu& vu : vus_) {
    if (vu.state != VuState::InFlight) vu.state = VuState::Off;
    vu.retiring = true;
  }
  active_.store(0, std::memory_order_relaxed);
  uint64_t drain_end = plugin::NowNs() + control_->grace_ns;
  while (!broken && in_flight_ > 0 && control_->mode.load() != LoadControl::kCancel) {
    uint64_t now = plugin::NowNs();
    if (now >= drain_end) break;
    if (now >= next_publish) {
      Publish();
      while (next_publish <= now) next_publish += kSecondNs;
    }
    if (target_.d.target.poll(worker_, std::min({now + kMaxWaitNs, drain_end, next_publish})) < 0) break;
  }
  if (in_flight_ > 0) target_.d.target.cancel_all(worker_);
  Publish();
  target_.d.target.worker_close(worker_);
  worker_ = nullptr;
  in_flight_count_.store(0);
}

}  // namespace sp::run
