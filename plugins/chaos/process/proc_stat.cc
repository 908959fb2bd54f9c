#include "plugins/chaos/process/proc_stat.h"

#include <dirent.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace sp::fault_process {

std::optional<ProcStat> ParseProcStat(const char* text) {
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and ')' - the last ')' ends it.
  const char* close_paren = std::strrchr(text, ')');
  if (close_paren == nullptr) return std::nullopt;
  ProcStat st;
  int ppid = 0;
  int pgrp = 0;
  // Fields 3..22; the ones in between are skipped with %*.
  unsigned long long start = 0;
  const int n = std::sscanf(close_paren + 1,
                            " %c %d %d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
                            "%*d %*d %llu",
                            &st.state, &ppid, &pgrp, &start);
  if (n != 4) return std::nullopt;
  st.pgrp = pgrp;
  st.start_time = start;
  return st;
}

std::optional<ProcStat> ReadProcStat(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  FILE* f = std::fopen(path.c_str(), "re");
  if (f == nullptr) return std::nullopt;
  char buf[1024];
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  return ParseProcStat(buf);
}

bool IsAlive(pid_t pid, uint64_t start_time) {
  const std::optional<ProcStat> st = ReadProcStat(pid);
  return st && st->start_time == start_time && st->state != 'Z' && st->state != 'X';
}

GroupState ReadGroupState(pid_t pgid) {
  GroupState g;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return g;
  while (dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    const std::optional<ProcStat> st = ReadProcStat(static_cast<pid_t>(std::atoi(entry->d_name)));
    if (!st || st->pgrp != pgid || st->state == 'Z' || st->state == 'X') continue;
    ++g.live;
    if (st->state == 'T') ++g.stopped;
  }
  closedir(proc);
  return g;
}

}  // namespace sp::fault_process
