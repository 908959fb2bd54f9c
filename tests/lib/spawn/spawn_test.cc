// lib/spawn: the PATH lookup, and real children started the way services and the command fault
// start them (own process group, environment, output, descriptors, signal mask, exit status).
#include "lib/spawn/spawn.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace sp::spawn;

namespace {

// A fresh folder under the system's temporary one, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "sp-spawn-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void WriteFile(const fs::path& path, const std::string& text, fs::perms perms) {
  std::ofstream(path) << text;
  fs::permissions(path, perms);
}

// Everything the child writes until it closes its output (bounded by 10 s).
std::string ReadAll(int fd) {
  std::string out;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[512];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n > 0) out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Runs /bin/sh -c `script` with its output in a pipe; returns what it printed and its status.
std::string RunShell(const std::string& script, const Environment& env, int* status) {
  SpawnRequest req;
  req.executable = "/bin/sh";
  req.argv = {"sh", "-c", script};
  req.env = env;
  req.output = SpawnRequest::Output::kPipe;
  SpawnedChild child;
  std::string err;
  REQUIRE(Spawn(req, &child, &err));
  std::string out = ReadAll(child.output_fd);
  close(child.output_fd);
  REQUIRE(ReapWithin(child.pid, std::chrono::seconds(10), status));
  return out;
}

}  // namespace

TEST_CASE("FindExecutable: a miss in PATH names the program and the PATH searched", "[spawn]") {
  std::string path;
  std::string err;
  CHECK_FALSE(
      FindExecutable("sp-no-such-program", "", {{"PATH", "/nonexistent:/also-not"}}, &path, &err));
  CHECK(err == "'sp-no-such-program' not found in PATH (/nonexistent:/also-not)");
  CHECK(path.empty());
  CHECK_FALSE(FindExecutable("", "", {}, &path, &err));
  CHECK(err == "the command is empty");
}

TEST_CASE("FindExecutable: the PATH of the child's environment, relative entries from workdir",
          "[spawn]") {
  TempDir dir;
  fs::create_directory(dir.path / "bin");
  WriteFile(dir.path / "bin" / "tool", "#!/bin/sh\n", fs::perms::owner_all);
  WriteFile(dir.path / "bin" / "data", "x\n", fs::perms::owner_read | fs::perms::owner_write);
  std::string path;
  std::string err;
  REQUIRE(FindExecutable("tool", "", {{"PATH", (dir.path / "bin").string()}}, &path, &err));
  CHECK(path == (dir.path / "bin" / "tool").string());
  REQUIRE(FindExecutable("tool", dir.path.string(), {{"PATH", "/nonexistent:bin"}}, &path, &err));
  CHECK(path == (dir.path / "bin" / "tool").string());
  // A file that is not executable is passed over, as a shell does.
  CHECK_FALSE(FindExecutable("data", "", {{"PATH", (dir.path / "bin").string()}}, &path, &err));
  CHECK(err.find("'data' not found in PATH") == 0);
}

TEST_CASE("FindExecutable: a path with a slash is checked, relative to workdir", "[spawn]") {
  TempDir dir;
  WriteFile(dir.path / "run.sh", "#!/bin/sh\n", fs::perms::owner_all);
  WriteFile(dir.path / "notes", "x\n", fs::perms::owner_read | fs::perms::owner_write);
  std::string path;
  std::string err;
  REQUIRE(FindExecutable("./run.sh", dir.path.string(), {}, &path, &err));
  CHECK(path == (dir.path / "run.sh").string());
  CHECK_FALSE(FindExecutable("./missing", dir.path.string(), {}, &path, &err));
  CHECK(err == "'./missing' (" + (dir.path / "missing").string() +
                   ") not found: No such file or directory");
  CHECK_FALSE(FindExecutable(dir.path.string() + "/", "", {}, &path, &err));
  CHECK(err.find("is a directory") != std::string::npos);
  if (geteuid() != 0) {  // root may execute anything
    CHECK_FALSE(FindExecutable("./notes", dir.path.string(), {}, &path, &err));
    CHECK(err.find("is not executable: Permission denied") != std::string::npos);
  }
}

TEST_CASE("Spawn: the child gets its environment and leads its own process group", "[spawn]") {
  SpawnRequest req;
  req.executable = "/bin/sh";
  req.argv = {"sh", "-c", "echo \"$SP_SPAWN_TEST\"; exec sleep 30"};
  req.env = {{"SP_SPAWN_TEST", "from the request"}};
  req.output = SpawnRequest::Output::kPipe;
  SpawnedChild child;
  std::string err;
  REQUIRE(Spawn(req, &child, &err));
  std::string line;
  while (line.find('\n') == std::string::npos) {
    pollfd p{child.output_fd, POLLIN, 0};
    REQUIRE(poll(&p, 1, 10000) == 1);
    char buf[256];
    const ssize_t n = read(child.output_fd, buf, sizeof buf);
    REQUIRE(n > 0);
    line.append(buf, static_cast<size_t>(n));
  }
  CHECK(line == "from the request\n");
  CHECK(getpgid(child.pid) == child.pid);
  CHECK(getpgid(child.pid) != getpgrp());
  int status = 0;
  CHECK(TryWait(child.pid, &status) == WaitState::kRunning);
  REQUIRE(kill(-child.pid, SIGKILL) == 0);  // the group, as services and commands are stopped
  REQUIRE(ReapWithin(child.pid, std::chrono::seconds(5), &status));
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  close(child.output_fd);
}

TEST_CASE("Spawn: the exit status is read", "[spawn]") {
  int status = -1;
  CHECK(RunShell("exit 7", {}, &status).empty());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 7);
  RunShell("kill -TERM $$", {}, &status);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGTERM);
  CHECK(SignalText(SIGTERM) == "15 (SIGTERM)");
}

TEST_CASE("Spawn: stdin is /dev/null, stderr joins stdout, the inherited environment stays",
          "[spawn]") {
  setenv("SP_SPAWN_INHERITED", "kept", 1);
  setenv("SP_SPAWN_OVERRIDDEN", "parent", 1);
  int status = -1;
  const std::string out =
      RunShell("cat; echo \"$SP_SPAWN_INHERITED $SP_SPAWN_OVERRIDDEN\"; echo err >&2",
               {{"SP_SPAWN_OVERRIDDEN", "child"}}, &status);
  CHECK(out == "kept child\nerr\n");
  CHECK(WIFEXITED(status));
}

TEST_CASE("Spawn: no descriptor of the parent leaks and no signal stays blocked", "[spawn]") {
  const int leaked = open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  REQUIRE(leaked >= 3);
  sigset_t term;
  sigset_t saved;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, &saved);  // the host blocks SIGTERM in every thread
  int status = -1;
  const std::string out =
      RunShell("test -e /proc/self/fd/" + std::to_string(leaked) +
                   " && echo leaked || echo closed; grep SigBlk /proc/self/status",
               {}, &status);
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  close(leaked);
  CHECK(out == "closed\nSigBlk:\t0000000000000000\n");
}

TEST_CASE("Spawn: output to a log file, truncated or appended", "[spawn]") {
  TempDir dir;
  const std::string log = (dir.path / "out.log").string();
  for (bool append : {false, true, false}) {
    SpawnRequest req;
    req.executable = "/bin/sh";
    req.argv = {"sh", "-c", append ? "echo second" : "echo first"};
    req.log_path = log;
    req.append_log = append;
    SpawnedChild child;
    std::string err;
    REQUIRE(Spawn(req, &child, &err));
    CHECK(child.output_fd == -1);
    int status = 0;
    REQUIRE(ReapWithin(child.pid, std::chrono::seconds(10), &status));
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text == (append ? "first\nsecond\n" : "first\n"));
  }
}

TEST_CASE("Spawn: what fails before or at exec is reported, nothing left running", "[spawn]") {
  TempDir dir;
  SpawnRequest req;
  req.argv = {"x"};
  req.output = SpawnRequest::Output::kPipe;
  SpawnedChild child;
  std::string err;

  req.executable = "/bin/true";
  req.workdir = (dir.path / "gone").string();
  CHECK_FALSE(Spawn(req, &child, &err));
  CHECK(err == "working directory '" + req.workdir + "' cannot be used: No such file or directory");

  req.workdir = dir.path.string();
  req.executable = (dir.path / "missing").string();
  CHECK_FALSE(Spawn(req, &child, &err));
  CHECK(err == "exec failed for " + req.executable + ": No such file or directory");
  CHECK(child.pid == -1);

  req.output = SpawnRequest::Output::kLogFile;
  req.executable = "/bin/true";
  req.log_path = (dir.path / "no-folder" / "x.log").string();
  CHECK_FALSE(Spawn(req, &child, &err));
  CHECK(err == "cannot open log file " + req.log_path + ": No such file or directory");
  int status = 0;
  CHECK(TryWait(-1, &status) == WaitState::kLost);  // no child of this process is left
}
