#include "plugins/http_target/vu_sessions.h"

#include <random>

#include "plugins/http_target/request_template.h"

namespace sp::http {
namespace {

// `seq` values a worker takes from the shared counter at once: one atomic per block, not per
// request.
constexpr uint64_t kSeqBlock = 256;

uint64_t WorkerSeed(const void* self) {
  std::random_device device;
  return (uint64_t{device()} << 32) ^ device() ^ reinterpret_cast<uintptr_t>(self) ^
         static_cast<uint64_t>(UnixTimeNs());
}

}  // namespace

VuSessions::VuSessions(const DynamicConfig& config) : config_(config), rng_(WorkerSeed(this)) {
  state_.rng = &rng_;
  state_.capture_names = &config_.capture_names();
}

VuVars& VuSessions::Vars(uint32_t vu, uint64_t iteration) {
  VuVars& v = vus_[vu];
  if (v.iteration != iteration) {
    v.iteration = iteration;
    const size_t n = config_.capture_names().size();
    if (v.values.size() != n) v.values.resize(n);
    v.set.assign(n, 0);
  }
  return v;
}

bool VuSessions::Render(const CompiledRequest& request, uint32_t vu, uint64_t iteration,
                        std::string* out, std::string* err) {
  const RequestTemplate& t = *request.tmpl;
  state_.vu = vu;
  state_.iteration = iteration;
  state_.vars = nullptr;
  state_.row = nullptr;
  if ((t.uses & kUsesSeq) != 0) {
    if (seq_next_ == seq_end_) {
      seq_next_ = config_.TakeSeqBlock(kSeqBlock);
      seq_end_ = seq_next_ + kSeqBlock;
    }
    state_.seq = config_.SeqValue(seq_next_++);
  }
  if ((t.uses & kUsesTime) != 0) state_.unix_ns = UnixTimeNs();
  if ((t.uses & (kUsesCaptures | kUsesData)) != 0) {
    VuVars& v = Vars(vu, iteration);
    state_.vars = &v;
    if ((t.uses & kUsesData) != 0) {
      const DataSet& data = *config_.data();
      if (data.mode() == DataMode::kUnique) {
        if (vu >= data.RowCount()) {
          *err = "data_mode unique: VU " + std::to_string(vu) +
                 " has no row of its own (data_file has " + std::to_string(data.RowCount()) +
                 " rows); run at most that many users";
          return false;
        }
        v.row = vu;
      } else if (v.row_iteration != iteration) {
        v.row = data.mode() == DataMode::kSequential
                    ? data.NextSequential()
                    : static_cast<size_t>(rng_.Below(data.RowCount()));
        v.row_iteration = iteration;
      }
      state_.row = &data.Row(v.row);
    }
  }
  if (!t.Render(state_, out, &body_scratch_)) {
    *err = state_.error;
    return false;
  }
  return true;
}

const ResponseOutcome& VuSessions::Evaluate(const ResponseSpec& spec, uint32_t vu,
                                            uint64_t iteration, int status,
                                            sp_error_kind status_error, const ResponseTap& tap,
                                            const cookies::Jar* jar) {
  VuVars* v = spec.captures.empty() ? nullptr : &Vars(vu, iteration);
  EvaluateResponse(spec, status, status_error, tap, v, &outcome_, jar);
  return outcome_;
}

}  // namespace sp::http
