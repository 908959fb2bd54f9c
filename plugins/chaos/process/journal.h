// The journal record of a pause, and `stressplan recover`'s use of it. Only a pause can
// outlive the run that injected it: a stopped service stays stopped whoever dies. A killed
// service of a dead run is not brought back by recover - starting a plan service needs the
// plan and the run that owned it (its health check, log and process-group bookkeeping), and
// the run is gone; kill and restart therefore write no record.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace sp::fault_process {

struct PauseRecord {
  std::string service;
  pid_t pgid = 0;
  pid_t pid = 0;
  uint64_t start_time = 0;  // /proc/<pid>/stat field 22: tells a recycled pid apart
};

// {"fault":"process","action":"pause","pgid":N,"pid":N,"start_time":N,"service":"name"}
std::string FormatPauseRecord(const PauseRecord& record);

// False with *err saying what is wrong with the text.
bool ParsePauseRecord(const char* text, PauseRecord* record, std::string* err);

enum class RecoverOutcome { kResumed, kGone };

// SIGCONTs the record's process group when its leader is still the process that was paused
// (same pid and start time); otherwise leaves everything alone (kGone). False with *err when
// the signal itself fails.
bool RecoverPause(const PauseRecord& record, RecoverOutcome* outcome, std::string* err);

}  // namespace sp::fault_process
