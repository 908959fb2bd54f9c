#include "tests/plugins/chaos/fault_test_support.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sp::fault_test {

Options::Options(const sp_option_decl* decls, size_t count) : values_(count) {
  for (size_t k = 0; k < count; ++k) {
    values_[k].name = decls[k].name;
    values_[k].type = decls[k].type;
  }
  table_ = {count, values_.data()};
}

sp_option_value& Options::Find(const std::string& name) {
  for (sp_option_value& v : values_) {
    if (name == v.name) return v;
  }
  FAIL("no option " << name);
  throw std::logic_error("unreachable");
}

Options& Options::Set(const std::string& name, const std::string& text) {
  sp_option_value& v = Find(name);
  texts_.push_back(text);
  v.is_set = 1;
  v.s = {texts_.back().data(), texts_.back().size()};
  return *this;
}

Options& Options::SetNs(const std::string& name, int64_t ns) {
  sp_option_value& v = Find(name);
  v.is_set = 1;
  v.i = ns;
  return *this;
}

GroupLeader::GroupLeader(std::vector<std::string> argv) {
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  // Closed by a successful exec: reading EOF from it means the real program runs.
  int fds[2];
  REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
  const pid_t parent = getpid();
  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    execvp(args[0], args.data());
    const int error = errno;
    ssize_t n = write(fds[1], &error, sizeof error);
    (void)n;
    _exit(127);
  }
  close(fds[1]);
  setpgid(pid_, pid_);  // also here: no window in which kill(-pid) misses the child
  int error = 0;
  ssize_t n;
  do {
    n = read(fds[0], &error, sizeof error);
  } while (n < 0 && errno == EINTR);
  close(fds[0]);
  INFO("exec " << argv[0] << ": " << std::strerror(error));
  REQUIRE(n == 0);
}

GroupLeader::~GroupLeader() { KillAndReap(); }

bool GroupLeader::Running() {
  if (reaped_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) reaped_ = true;
  return !reaped_;
}

void GroupLeader::KillAndReap() {
  if (pid_ <= 0) return;
  kill(-pid_, SIGKILL);  // works on stopped processes too
  if (!reaped_) {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }
}

namespace {

// The fields after "pid (comm)": comm may hold spaces and parentheses.
bool StatFields(pid_t pid, char* state, int* pgrp, unsigned long long* start) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos) return false;
  std::istringstream rest(text.substr(paren + 1));
  std::string skip;
  int ppid = 0;
  rest >> *state >> ppid >> *pgrp;
  for (int field = 6; field < 22; ++field) rest >> skip;
  rest >> *start;
  return static_cast<bool>(rest);
}

}  // namespace

char ProcState(pid_t pid) {
  char state = 0;
  int pgrp = 0;
  unsigned long long start = 0;
  return StatFields(pid, &state, &pgrp, &start) ? state : 0;
}

uint64_t ProcStartTime(pid_t pid) {
  char state = 0;
  int pgrp = 0;
  unsigned long long start = 0;
  return StatFields(pid, &state, &pgrp, &start) ? start : 0;
}

std::string ProcComm(pid_t pid) {
  std::string comm = ReadFile("/proc/" + std::to_string(pid) + "/comm");
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  return comm;
}

GroupCount CountGroup(pid_t pgid) {
  GroupCount c;
  DIR* proc = opendir("/proc");
  REQUIRE(proc != nullptr);
  while (dirent* e = readdir(proc)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char state = 0;
    int pgrp = 0;
    unsigned long long start = 0;
    if (!StatFields(std::atoi(e->d_name), &state, &pgrp, &start) || pgrp != pgid) continue;
    if (state == 'Z' || state == 'X') continue;
    ++c.live;
    c.stopped += state == 'T';
  }
  closedir(proc);
  return c;
}

FakeHost::FakeHost() {
  api_.struct_size = sizeof api_;
  api_.abi_major = SP_ABI_VERSION_MAJOR;
  api_.abi_minor = SP_ABI_VERSION_MINOR;
  api_.log = Log;
  api_.service_pid = ServicePid;
  api_.service_restart = ServiceRestart;
  api_.service_declared = ServiceDeclared;
}

int FakeHost::ServiceDeclared(void* ctx, const char* name) {
  auto* self = static_cast<FakeHost*>(ctx);
  return self->services_.count(name) != 0 ||
         std::find(self->declared_.begin(), self->declared_.end(), name) != self->declared_.end();
}

void FakeHost::AddService(const std::string& name, std::vector<std::string> argv) {
  Service s{argv, std::make_unique<GroupLeader>(argv)};
  services_[name] = std::move(s);
}

int64_t FakeHost::ServicePid(void* ctx, const char* name) {
  auto* self = static_cast<FakeHost*>(ctx);
  auto it = self->services_.find(name);
  if (it == self->services_.end() || !it->second.child->Running()) return -1;
  return it->second.child->pid();
}

// As the host does it: the old process is gone (or is made to go), a new one starts.
sp_status FakeHost::ServiceRestart(void* ctx, const char* name, sp_error* err) {
  auto* self = static_cast<FakeHost*>(ctx);
  auto it = self->services_.find(name);
  if (it == self->services_.end()) {
    std::snprintf(err->message, sizeof err->message, "no service %s", name);
    return SP_ERROR;
  }
  it->second.child->KillAndReap();
  it->second.child = std::make_unique<GroupLeader>(it->second.argv);
  ++self->restarts_;
  return SP_OK;
}

void FakeHost::Log(void* ctx, sp_log_level, const char* message) {
  static_cast<FakeHost*>(ctx)->logs.emplace_back(message);
}

FaultHandle::FaultHandle(const sp_fault_vtable* vtable, FakeHost& host, const Options& options)
    : vtable_(vtable) {
  status = vtable_->create(host.api(), host.ctx(), options.get(), &instance, &error);
}

FaultHandle::~FaultHandle() {
  if (instance != nullptr) vtable_->destroy(instance);
}

std::string FaultHandle::record() {
  std::string buf(4096, '\0');
  const size_t n = vtable_->journal_record(instance, buf.data(), buf.size());
  REQUIRE(n < buf.size());
  return buf.substr(0, n);
}

sp_status FaultHandle::call(sp_status (*fn)(void*, sp_error*)) {
  error = sp_error{};
  return fn(instance, &error);
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "sp-faults-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

bool FileExists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace sp::fault_test
