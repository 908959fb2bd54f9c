// The run's report folder, made ready before anything runs: created if missing, proved
// writable by creating, writing and removing a probe file (a read-only, full or non-folder
// --report is found before the load, not after it), and locked for the whole run with an
// exclusive flock on DIR/.stressplan.lock holding the run's pid, so a second run into the
// same folder is refused instead of overwriting the first's reports.
#pragma once

#include <string>

namespace sp::report {

class ReportFolder {
 public:
  static constexpr const char* kLockName = ".stressplan.lock";

  ReportFolder() = default;
  ReportFolder(const ReportFolder&) = delete;
  ReportFolder& operator=(const ReportFolder&) = delete;
  ~ReportFolder();  // Release()

  // Creates `dir` if needed, probes it and takes the lock. False with *err naming the folder
  // and the OS reason (or the pid of the run holding the lock).
  bool Open(const std::string& dir, std::string* err);
  // Removes the lock file and lets go of the lock.
  void Release();

 private:
  bool Probe(std::string* err) const;
  bool Lock(std::string* err);

  std::string dir_;
  int lock_fd_ = -1;
};

}  // namespace sp::report
