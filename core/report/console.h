// What a person sees while a run goes: on a terminal a live status line every second, without
// one (CI logs) a plain line every 10 s, and at the end a summary on stdout. Nothing with
// --quiet. Progress goes to stderr so stdout carries only the summary.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "core/metrics/recorder.h"
#include "core/report/redact.h"
#include "core/report/results.h"

namespace sp::report {

class Console {
 public:
  // Summary on stdout, progress on stderr, live lines when stderr is a terminal.
  // `info` outlives the console.
  Console(bool quiet, const RunInfo& info);
  // The same with the streams and the terminal decision given (tests).
  Console(bool quiet, const RunInfo& info, FILE* out, FILE* err, bool tty);

  void Tick(const SnapshotData& s, const metrics::Recorder& interval, const metrics::Recorder& total);
  // A line on stderr while the run goes (a signal, an abort, a plugin's log): it ends the open
  // live line first, so the message starts on its own line. Printed even with --quiet: these
  // say why a run stops or what went wrong. Thread-safe, like Tick and Summary.
  void Message(const std::string& line);
  void Summary(const RunEnd& end, const metrics::Recorder& total, const std::vector<std::string>& names);
  // Secret values are replaced in everything printed from then on (a fault command's output,
  // step names, messages). The redactor must outlive the console.
  void SetRedactor(const Redactor* redactor) { redactor_ = redactor; }

 private:
  std::string Redacted(std::string text) const { return redactor_ ? redactor_->Text(std::move(text)) : text; }
  void PrintSummary(const RunEnd& end, const metrics::Recorder& total, const std::vector<std::string>& names);

  std::mutex mu_;  // Tick and Summary on the main thread, Message from any thread
  bool quiet_;
  FILE* out_;  // the summary
  FILE* err_;  // progress lines
  bool tty_;
  bool line_open_ = false;
  const RunInfo& info_;
  const Redactor* redactor_ = nullptr;
};

}  // namespace sp::report
