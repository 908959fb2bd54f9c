// The chaos journal: an append-only file, one JSON object per line, written (and fsync'd)
// before each fault is injected and after it was reverted, so that a run killed in between
// (kill -9, power loss) leaves a record of what it left behind. `stressplan recover` reads it
// and hands each unreverted record back to its plugin (docs/chaos.md, "Recovery after a
// crash").
//
//   {"op":"run","pid":123,"start_time":"8812345","started_at":"...","plan":"plans/full.yaml"}
//   {"op":"inject","id":1,"step":"llm slow","plugin":"proxy","plugin_file":"/.../stressplan-proxy.so","record":null}
//   {"op":"reverted","id":1}
//   {"op":"recovered","id":1,"by_pid":456}
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "core/report/redact.h"

namespace sp::chaos {

class Journal {
 public:
  // For a plan that declares secrets, before Open: the file is created with mode 0600 and
  // each line has the secret values replaced by [secret:NAME] placeholders, which
  // `stressplan recover` fills back from the environment. `redactor` outlives the journal.
  void SetSecrets(const report::Redactor* redactor) { secrets_ = redactor; }
  // Creates `path` (replacing an earlier run's journal) and writes the run line. False with
  // *err when it cannot, or when the journal there still lists faults a killed run left in
  // that only `stressplan recover` can undo: overwriting it would lose them.
  bool Open(const std::string& path, const std::string& plan_file, const std::string& started_at, std::string* err);
  // Appends an inject line (fsync'd) and sets *id; `record` is the plugin's JSON text or empty.
  // False when the line could not be written and synced.
  bool Injecting(const std::string& step, const std::string& plugin, const std::string& plugin_file,
                 const std::string& record, uint64_t* id);
  void Reverted(uint64_t id);
  const std::string& path() const { return path_; }
  bool is_open() const { return fd_ >= 0; }
  ~Journal();

 private:
  void Append(const std::string& line);
  std::mutex mu_;
  int fd_ = -1;
  std::string path_;
  uint64_t next_id_ = 1;
  const report::Redactor* secrets_ = nullptr;
};

// A fault a journal says was injected and never reverted or recovered.
struct Unreverted {
  uint64_t id = 0;
  std::string step;
  std::string plugin;
  std::string plugin_file;
  std::string record;  // JSON text; empty: nothing outlives the run's process
};

struct JournalState {
  int64_t run_pid = -1;
  std::string run_start_time;  // /proc/<pid>/stat starttime of the run, to tell a reused pid
  std::string plan;
  std::string started_at;
  std::vector<Unreverted> unreverted;
  size_t injected = 0;
};

// The kernel's start time of process `pid` (field 22 of /proc/<pid>/stat, clock ticks since
// boot), or "" when it does not exist. With the pid it names one process for good.
std::string ProcessStartTime(int64_t pid);

// Reads a journal. Lines that do not parse (a torn last line after a crash) are skipped and
// counted in *torn. False with *err when the file cannot be read or has no run line.
bool ReadJournal(const std::string& path, JournalState* out, size_t* torn, std::string* err);
// Appends a "recovered" line for `id` (stressplan recover).
bool MarkRecovered(const std::string& path, uint64_t id, std::string* err);

}  // namespace sp::chaos
