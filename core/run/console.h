// What a person sees while a run goes: on a terminal a live status line every second, without
// one (CI logs) a plain line every 10 s, and at the end a summary on stdout. Nothing with
// --quiet. Progress goes to stderr so stdout carries only the summary.
#pragma once

#include <string>
#include <vector>

#include "core/metrics/recorder.h"
#include "core/plan/plan.h"
#include "core/run/documents.h"
#include "core/run/schedule.h"

namespace sp::run {

class Console {
 public:
  Console(bool quiet, const plan::Plan& plan, const StageClock& clock);

  void Tick(const SnapshotData& s, const metrics::Recorder& interval, const metrics::Recorder& total);
  void Summary(const RunEnd& end, const metrics::Recorder& total, const std::vector<std::string>& names);

 private:
  bool quiet_;
  bool tty_;
  bool line_open_ = false;
  const plan::Plan& plan_;
  const StageClock& clock_;
};

}  // namespace sp::run
