// What /proc says about a process and its process group. The process fault never owns the
// services it acts on (the host spawned and reaps them), so it cannot waitpid(): /proc is the
// only way to tell a stopped, running, exited (zombie) or recycled pid apart.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace sp::fault_process {

struct ProcStat {
  char state = 0;           // field 3: R, S, D, T (stopped), t, Z (zombie), X, ...
  pid_t pgrp = 0;           // field 5
  uint64_t start_time = 0;  // field 22: clock ticks after boot; with the pid, names a process
};

// Fields of /proc/<pid>/stat, or nullopt when there is no such process (or it cannot be read).
std::optional<ProcStat> ReadProcStat(pid_t pid);

// Parses the text of a /proc/<pid>/stat file (exposed for tests).
std::optional<ProcStat> ParseProcStat(const char* text);

// True when `pid` names the process that had `start_time`, and it has not exited (a zombie
// is gone for our purposes: it runs no code and only waits for its parent to reap it).
bool IsAlive(pid_t pid, uint64_t start_time);

struct GroupState {
  int live = 0;     // members that are not zombies
  int stopped = 0;  // of those, in state T
};

// Counts the members of process group `pgid` by scanning /proc.
GroupState ReadGroupState(pid_t pgid);

}  // namespace sp::fault_process
