#include "plugins/chaos/process/journal.h"

#include <signal.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "plugins/chaos/process/proc_stat.h"

namespace sp::fault_process {
namespace {

using nlohmann::json;

// A positive integer member that fits `limit`, or false.
bool PositiveMember(const json& j, const char* key, uint64_t limit, uint64_t* out) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return false;
  if (it->is_number_unsigned()) {
    *out = it->get<uint64_t>();
  } else {
    const int64_t v = it->get<int64_t>();
    if (v <= 0) return false;
    *out = static_cast<uint64_t>(v);
  }
  return *out > 0 && *out <= limit;
}

}  // namespace

std::string FormatPauseRecord(const PauseRecord& record) {
  // Written by hand: a json object would sort the keys; this order reads like the docs.
  return "{\"fault\":\"process\",\"action\":\"pause\",\"pgid\":" + std::to_string(record.pgid) +
         ",\"pid\":" + std::to_string(record.pid) +
         ",\"start_time\":" + std::to_string(record.start_time) +
         ",\"service\":" + json(record.service).dump() + "}";
}

bool ParsePauseRecord(const char* text, PauseRecord* record, std::string* err) {
  const json j = json::parse(text != nullptr ? text : "", nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    *err = "process fault: the journal record is not a JSON object";
    return false;
  }
  if (j.value("fault", "") != "process") {
    *err = "process fault: the journal record is not a process fault's (\"fault\" is not \"process\")";
    return false;
  }
  if (j.value("action", "") != "pause") {
    *err = "process fault: the journal record's action is not \"pause\" (only a pause is "
           "recorded)";
    return false;
  }
  constexpr uint64_t kMaxPid = 0x3fffffff;  // Linux pids stay below 2^22; pid_t is 32 bits
  uint64_t pgid = 0;
  uint64_t pid = 0;
  if (!PositiveMember(j, "pgid", kMaxPid, &pgid) || !PositiveMember(j, "pid", kMaxPid, &pid) ||
      !PositiveMember(j, "start_time", UINT64_MAX, &record->start_time)) {
    *err = "process fault: the journal record needs positive integers pgid, pid and start_time";
    return false;
  }
  record->pgid = static_cast<pid_t>(pgid);
  record->pid = static_cast<pid_t>(pid);
  const auto service = j.find("service");
  record->service = service != j.end() && service->is_string() ? service->get<std::string>() : "";
  return true;
}

bool RecoverPause(const PauseRecord& record, RecoverOutcome* outcome, std::string* err) {
  const std::optional<ProcStat> st = ReadProcStat(record.pid);
  // No such pid, or the pid now names another process: the paused one is gone, and so is
  // the reason to signal anything.
  if (!st || st->start_time != record.start_time) {
    *outcome = RecoverOutcome::kGone;
    return true;
  }
  if (kill(-record.pgid, SIGCONT) != 0) {
    if (errno == ESRCH) {
      *outcome = RecoverOutcome::kGone;
      return true;
    }
    *err = "process fault: cannot send SIGCONT to process group " + std::to_string(record.pgid) +
           ": " + std::strerror(errno);
    return false;
  }
  *outcome = RecoverOutcome::kResumed;
  return true;
}

}  // namespace sp::fault_process
