// What the fault tests share: option tables built the way the host hands them over, real child
// processes as stand-ins for plan services, and a fake sp_host_api whose service_pid,
// service_restart and service_declared act on those children.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "stressplan/fault.h"

namespace sp::fault_test {

// sp_options for one plugin's declarations: every option unset until Set.
class Options {
 public:
  Options(const sp_option_decl* decls, size_t count);
  Options& Set(const std::string& name, const std::string& text);  // string, json, path
  Options& SetNs(const std::string& name, int64_t ns);               // duration
  const sp_options* get() const { return &table_; }

 private:
  sp_option_value& Find(const std::string& name);

  std::vector<sp_option_value> values_;
  std::deque<std::string> texts_;  // a deque: pointers into it stay valid as it grows
  sp_options table_{};
};

// A process group started from the test: argv's process is its leader. Killed (the whole
// group) and reaped when the object goes, whatever the test did; the child also dies with the
// test process (PR_SET_PDEATHSIG), and every command the tests use ends by itself within 30 s.
class GroupLeader {
 public:
  explicit GroupLeader(std::vector<std::string> argv);
  GroupLeader(const GroupLeader&) = delete;
  GroupLeader& operator=(const GroupLeader&) = delete;
  ~GroupLeader();

  pid_t pid() const { return pid_; }
  bool Running();  // reaps it if it exited
  void KillAndReap();

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// /proc/<pid>/stat: state letter (0 when there is no such process) and field 22.
char ProcState(pid_t pid);
uint64_t ProcStartTime(pid_t pid);
// /proc/<pid>/comm without the newline: "sleep" once a shell exec'd it.
std::string ProcComm(pid_t pid);
// Members of process group `pgid` that are not zombies, and how many of those are stopped.
struct GroupCount {
  int live = 0;
  int stopped = 0;
};
GroupCount CountGroup(pid_t pgid);

// Polls pred every 5 ms for up to `limit`.
template <class Pred>
bool Eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::milliseconds(2000));

// The plan's services, as the host keeps them: name -> a running child started from argv.
class FakeHost {
 public:
  FakeHost();
  void AddService(const std::string& name, std::vector<std::string> argv);  // also declares it
  // A name service_declared answers 1 for without a running child (validate's view).
  void Declare(const std::string& name) { declared_.push_back(name); }
  GroupLeader& service(const std::string& name) { return *services_.at(name).child; }
  int restarts() const { return restarts_; }
  const sp_host_api* api() const { return &api_; }
  void* ctx() { return this; }
  std::vector<std::string> logs;

 private:
  struct Service {
    std::vector<std::string> argv;
    std::unique_ptr<GroupLeader> child;
  };
  static int64_t ServicePid(void* ctx, const char* name);
  static int ServiceDeclared(void* ctx, const char* name);
  static sp_status ServiceRestart(void* ctx, const char* name, sp_error* err);
  static void Log(void* ctx, sp_log_level level, const char* message);

  std::map<std::string, Service> services_;
  std::vector<std::string> declared_;
  int restarts_ = 0;
  sp_host_api api_{};
};

// One fault instance created through `vtable` as the host creates it, destroyed at the end of
// the test whatever happened. Each call starts from a cleared `error`.
class FaultHandle {
 public:
  FaultHandle(const sp_fault_vtable* vtable, FakeHost& host, const Options& options);
  FaultHandle(const FaultHandle&) = delete;
  FaultHandle& operator=(const FaultHandle&) = delete;
  ~FaultHandle();

  sp_status inject() { return call(vtable_->inject); }
  sp_status revert() { return call(vtable_->revert); }
  int active() { return vtable_->is_active(instance); }
  std::string record();  // journal_record, which must fit in 4 KiB
  sp_status call(sp_status (*fn)(void*, sp_error*));
  std::string message() const { return error.message; }

  void* instance = nullptr;
  sp_error error{};
  sp_status status = SP_ERROR;  // what create returned

 private:
  const sp_fault_vtable* vtable_;
};

// A temporary directory, removed with its contents at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

bool FileExists(const std::string& path);
std::string ReadFile(const std::string& path);

}  // namespace sp::fault_test

#include <thread>

template <class Pred>
bool sp::fault_test::Eventually(Pred pred, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}
