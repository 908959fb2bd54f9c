// ServiceSet against real child processes: /bin/sh scripts and the demo binary.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/services/service_set.h"
#include "tests/core/services/test_helpers.h"

namespace sp::services {
namespace {

using namespace std::chrono_literals;
using test::MakeService;
using test::ProcessGone;
using test::ReadFile;
using test::ReadPidFile;
using test::TempDir;
using test::WaitUntil;
using Clock = std::chrono::steady_clock;

std::string Url(int port) { return "http://127.0.0.1:" + std::to_string(port) + "/health"; }

bool ExitedWith(const ServiceStatus& st, int code) {
  return !st.running && st.wait_status >= 0 && WIFEXITED(st.wait_status) &&
         WEXITSTATUS(st.wait_status) == code;
}

TEST_CASE("starts the demo, waits for its health_url and stops it with SIGTERM", "[services]") {
  TempDir dir;
  int port = test::FreePort();
  sp::plan::Service demo =
      MakeService("demo", {test::DemoBinary(), "--port", std::to_string(port)});
  demo.health_url = Url(port);
  ServiceSet set(dir.File("logs"));
  std::string err;
  REQUIRE(set.Start({demo}, &err));
  CHECK(err.empty());
  CHECK(set.IsAlive("demo"));
  pid_t pid = set.Pid("demo");
  REQUIRE(pid > 0);
  CHECK(getpgid(pid) == pid);  // leader of its own process group
  CHECK(test::Http(port, "GET", "/health").status == 200);

  set.StopAll();
  CHECK_FALSE(set.IsAlive("demo"));
  CHECK(ProcessGone(pid));
  auto st = set.Status("demo");
  REQUIRE(st.has_value());
  CHECK(ExitedWith(*st, 0));
  CHECK(st->log_path == dir.File("logs") + "/demo.log");
  CHECK(ReadFile(st->log_path).find("stressplan-demo listening on 127.0.0.1:" +
                                    std::to_string(port)) != std::string::npos);
  set.StopAll();  // idempotent
  CHECK(set.Pid("nope") == -1);
  CHECK_FALSE(set.Status("nope").has_value());
}

TEST_CASE("a missing executable names the service, its plan location and the path",
          "[services]") {
  TempDir dir;
  ServiceSet set(dir.File("logs"));
  std::string err;

  SECTION("searched in PATH") {
    REQUIRE_FALSE(set.Start({MakeService("ghost", {"stressplan-no-such-command"})}, &err));
    CHECK_THAT(err, Catch::Contains("service 'ghost' (plans/test.yaml:7:5)"));
    CHECK_THAT(err, Catch::Contains("'stressplan-no-such-command' not found in PATH"));
  }
  SECTION("relative to the workdir") {
    sp::plan::Service s = MakeService("ghost", {"bin/missing", "--flag"});
    s.workdir = dir.path();
    REQUIRE_FALSE(set.Start({s}, &err));
    CHECK_THAT(err, Catch::Contains("service 'ghost' (plans/test.yaml:7:5)"));
    CHECK_THAT(err, Catch::Contains(dir.path() + "/bin/missing"));
    CHECK_THAT(err, Catch::Contains("No such file or directory"));
  }
  SECTION("not executable") {
    test::WriteFile(dir.File("script.sh"), "#!/bin/sh\n", /*executable=*/false);
    sp::plan::Service s = MakeService("ghost", {"./script.sh"});
    s.workdir = dir.path();
    REQUIRE_FALSE(set.Start({s}, &err));
    CHECK_THAT(err, Catch::Contains("is not executable"));
  }
  SECTION("services started before it are stopped") {
    REQUIRE_FALSE(set.Start({MakeService("first", {"sleep", "60"}),
                             MakeService("ghost", {"no/such/file"})},
                            &err));
    CHECK_THAT(err, Catch::Contains("service 'ghost'"));
    pid_t pid = set.Pid("first");
    REQUIRE(pid > 0);
    CHECK(ProcessGone(pid));
    auto st = set.Status("first");
    REQUIRE(st.has_value());
    CHECK_FALSE(st->running);
    CHECK(WIFSIGNALED(st->wait_status));
  }
}

TEST_CASE("a service that exits at once fails with its exit status and log tail",
          "[services]") {
  TempDir dir;
  sp::plan::Service s = MakeService(
      "crasher", {"/bin/sh", "-c",
                  "i=1; while [ $i -le 30 ]; do echo \"line $i\"; i=$((i+1)); done; "
                  "echo 'fatal: to stderr' >&2; exit 3"});
  s.health_url = Url(test::FreePort());
  ServiceSet set(dir.File("logs"));
  std::string err;
  auto started = Clock::now();
  REQUIRE_FALSE(set.Start({s}, &err));
  CHECK(Clock::now() - started < 3s);  // fails fast, not at start_timeout
  CHECK_THAT(err, Catch::Contains("service 'crasher' (plans/test.yaml:7:5) exited with status 3"));
  CHECK_THAT(err, Catch::Contains(dir.File("logs") + "/crasher.log"));
  CHECK_THAT(err, Catch::Contains("  fatal: to stderr\n"));
  CHECK_THAT(err, Catch::Contains("  line 30\n"));
  CHECK_THAT(err, Catch::Contains("  line 12\n"));
  CHECK_THAT(err, !Catch::Contains("  line 11\n"));  // only the last 20 lines
}

TEST_CASE("a service killed by a signal reports the signal", "[services]") {
  TempDir dir;
  sp::plan::Service s = MakeService("usr1", {"/bin/sh", "-c", "kill -USR1 $$"});
  s.health_url = Url(test::FreePort());
  ServiceSet set(dir.File("logs"));
  std::string err;
  REQUIRE_FALSE(set.Start({s}, &err));
  CHECK_THAT(err, Catch::Contains("killed by signal 10 (SIGUSR1)"));
  CHECK_THAT(err, Catch::Contains("is empty"));
}

TEST_CASE("a service that never becomes healthy times out and is killed", "[services]") {
  TempDir dir;
  sp::plan::Service s = MakeService(
      "mute", {"/bin/sh", "-c", "echo $$ > " + dir.File("pid") + "; echo waiting; exec sleep 60"});
  s.health_url = Url(test::FreePort());
  s.start_timeout = 700ms;
  ServiceSet set(dir.File("logs"));
  std::string err;
  auto started = Clock::now();
  REQUIRE_FALSE(set.Start({s}, &err));
  auto took = Clock::now() - started;
  CHECK(took >= 700ms);
  CHECK(took < 700ms + 2s);
  CHECK_THAT(err, Catch::Contains("service 'mute' (plans/test.yaml:7:5) did not become healthy "
                                  "within 0.7 s"));
  CHECK_THAT(err, Catch::Contains(s.health_url));
  CHECK_THAT(err, Catch::Contains("Connection refused"));
  CHECK_THAT(err, Catch::Contains("  waiting\n"));
  pid_t pid = ReadPidFile(dir.File("pid"));
  REQUIRE(pid > 0);
  CHECK(ProcessGone(pid));
}

TEST_CASE("StopAll kills a group that ignores SIGTERM after stop_timeout", "[services]") {
  TempDir dir;
  sp::plan::Service s = MakeService(
      "stubborn", {"/bin/sh", "-c",
                   "trap '' TERM; sleep 60 & echo $! > " + dir.File("child.pid") + "; echo $$ > " +
                       dir.File("leader.pid") + "; wait"});
  s.stop_timeout = 400ms;
  ServiceSet set(dir.File("logs"));
  std::string err;
  REQUIRE(set.Start({s}, &err));
  pid_t leader = ReadPidFile(dir.File("leader.pid"));
  pid_t child = ReadPidFile(dir.File("child.pid"));
  REQUIRE(leader == set.Pid("stubborn"));
  REQUIRE(child > 0);
  CHECK(getpgid(child) == leader);

  auto started = Clock::now();
  std::vector<std::string> killed = set.StopAll();
  auto took = Clock::now() - started;
  CHECK(took >= 400ms);
  REQUIRE(killed.size() == 1);
  CHECK_THAT(killed[0], Catch::Contains("service 'stubborn'") &&
                            Catch::Contains("stop_timeout of 0.4 s") &&
                            Catch::Contains("SIGKILL") && Catch::Contains("stubborn.log"));
  CHECK(set.StopAll().empty());  // idempotent: nothing more to kill
  CHECK(took < 3s);
  CHECK(ProcessGone(leader));
  CHECK(WaitUntil([&] { return ProcessGone(child); }, 2000ms));
  auto st = set.Status("stubborn");
  REQUIRE(st.has_value());
  CHECK(WIFSIGNALED(st->wait_status));
  CHECK(WTERMSIG(st->wait_status) == SIGKILL);
}

TEST_CASE("SIGTERM to the group also stops the service's own children", "[services]") {
  TempDir dir;
  sp::plan::Service s = MakeService(
      "parent", {"/bin/sh", "-c", "sleep 60 & echo $! > " + dir.File("child.pid") + "; wait"});
  ServiceSet set(dir.File("logs"));
  std::string err;
  REQUIRE(set.Start({s}, &err));
  pid_t child = ReadPidFile(dir.File("child.pid"));
  REQUIRE(child > 0);
  auto started = Clock::now();
  CHECK(set.StopAll().empty());  // no SIGKILL needed
  CHECK(Clock::now() - started < 2s);
  CHECK(WaitUntil([&] { return ProcessGone(child); }, 2000ms));
  auto st = set.Status("parent");
  REQUIRE(st.has_value());
  CHECK(WIFSIGNALED(st->wait_status));
  CHECK(WTERMSIG(st->wait_status) == SIGTERM);
}

TEST_CASE("services start in order and stop in reverse order", "[services]") {
  TempDir dir;
  auto script = [&](const std::string& name) {
    return "trap 'echo stop-" + name + " >> " + dir.File("order") + "; exit 0' TERM; echo start-" +
           name + " >> " + dir.File("order") + "; while :; do sleep 0.05; done";
  };
  ServiceSet set(dir.File("logs"));
  std::string err;
  REQUIRE(set.Start({MakeService("a", {"/bin/sh", "-c", script("a")}),
                     MakeService("b", {"/bin/sh", "-c", script("b")})},
                    &err));
  REQUIRE(WaitUntil([&] { return ReadFile(dir.File("order")) == "start-a\nstart-b\n"; }, 5s));
  auto all = set.StatusAll();
  REQUIRE(all.size() == 2);
  CHECK(all[0].name == "a");
  CHECK(all[1].running);

  std::string again;
  CHECK_FALSE(set.Start({MakeService("c", {"sleep", "1"})}, &again));
  CHECK_THAT(again, Catch::Contains("already running"));

  set.StopAll();
  CHECK(ReadFile(dir.File("order")) == "start-a\nstart-b\nstop-b\nstop-a\n");
  CHECK(ExitedWith(*set.Status("a"), 0));
  CHECK(ExitedWith(*set.Status("b"), 0));
}

TEST_CASE("command[0] with a slash resolves against workdir; env is added", "[services]") {
  TempDir dir;
  std::filesystem::create_directories(dir.File("bin"));
  test::WriteFile(dir.File("bin/svc.sh"),
                  "#!/bin/sh\necho \"FOO=$FOO HOME_SET=${HOME:+yes} pwd=$(pwd)\"\n"
                  "exec sleep 60\n",
                  /*executable=*/true);
  sp::plan::Service s = MakeService("svc", {"bin/svc.sh"});
  s.workdir = dir.path();
  s.env = {{"FOO", "bar baz"}};
  ServiceSet set(dir.File("logs"));
  std::string err;
  REQUIRE(set.Start({s}, &err));
  std::string expected = "FOO=bar baz HOME_SET=" + std::string(getenv("HOME") ? "yes" : "") +
                         " pwd=" + dir.path() + "\n";
  CHECK(WaitUntil([&] { return ReadFile(set.LogPath("svc")) == expected; }, 5s));
  CHECK(ReadFile(set.LogPath("svc")) == expected);
}

TEST_CASE("the destructor stops what is still running", "[services]") {
  TempDir dir;
  pid_t pid = -1;
  {
    ServiceSet set(dir.File("logs"));
    std::string err;
    REQUIRE(set.Start({MakeService("sleeper", {"sleep", "60"})}, &err));
    pid = set.Pid("sleeper");
    REQUIRE(pid > 0);
    CHECK_FALSE(ProcessGone(pid));
  }
  CHECK(ProcessGone(pid));
}

TEST_CASE("children get a clean signal mask and no inherited descriptors", "[services]") {
  TempDir dir;
  // A descriptor opened without O_CLOEXEC (as Poco's sockets are) must not reach the service.
  int leaky = open("/dev/null", O_RDONLY);
  REQUIRE(leaky > 2);
  // A caller that blocks SIGTERM (to sigwait() for it) must not pass that on.
  sigset_t term;
  sigset_t saved;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, &saved);

  const std::string fd = std::to_string(leaky);
  sp::plan::Service s = MakeService(
      "clean", {"/bin/sh", "-c",
                "if [ -e /proc/$$/fd/" + fd + " ]; then echo leaked; else echo closed; fi; "
                "exec sleep 60"});
  ServiceSet set(dir.File("logs"));
  std::string err;
  bool started = set.Start({s}, &err);
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  close(leaky);
  REQUIRE(started);
  CHECK(WaitUntil([&] { return !ReadFile(set.LogPath("clean")).empty(); }, 5s));
  CHECK(ReadFile(set.LogPath("clean")) == "closed\n");
  auto t0 = Clock::now();
  set.StopAll();
  CHECK(Clock::now() - t0 < 2s);  // SIGTERM worked, no wait for SIGKILL
  CHECK(WTERMSIG(set.Status("clean")->wait_status) == SIGTERM);
}

TEST_CASE("services die with the process that started them", "[services]") {
  TempDir dir;
  const std::string pid_file = dir.File("service.pid");
  // Stand-in for a crashing stressplan: a forked copy of this test starts a service and is
  // then SIGKILLed, so no destructor runs.
  pid_t runner = fork();
  REQUIRE(runner >= 0);
  if (runner == 0) {
    ServiceSet set(dir.File("logs"));
    std::string err;
    set.Start({MakeService("orphan", {"/bin/sh", "-c", "echo $$ > " + pid_file +
                                                           "; exec sleep 60"})},
              &err);
    for (;;) pause();
  }
  pid_t service = ReadPidFile(pid_file);
  kill(runner, SIGKILL);
  int status = 0;
  waitpid(runner, &status, 0);
  REQUIRE(service > 0);
  CHECK(WaitUntil([&] { return ProcessGone(service); }, 5s));
}

TEST_CASE("invalid input is rejected before anything starts", "[services]") {
  TempDir dir;
  ServiceSet set(dir.File("logs"));
  std::string err;
  SECTION("https health_url") {
    sp::plan::Service s = MakeService("tls", {"sleep", "60"});
    s.health_url = "https://127.0.0.1:1/health";
    REQUIRE_FALSE(set.Start({s}, &err));
    CHECK_THAT(err, Catch::Contains("service 'tls' (plans/test.yaml:7:5): health_url"));
    CHECK(set.StatusAll().empty());
  }
  SECTION("duplicate names") {
    REQUIRE_FALSE(set.Start({MakeService("x", {"sleep", "60"}), MakeService("x", {"sleep", "60"})},
                            &err));
    CHECK_THAT(err, Catch::Contains("already used"));
  }
  SECTION("missing workdir") {
    sp::plan::Service s = MakeService("w", {"sleep", "60"});
    s.workdir = dir.File("nope");
    REQUIRE_FALSE(set.Start({s}, &err));
    CHECK_THAT(err, Catch::Contains("working directory '" + dir.File("nope") + "'"));
  }
}

TEST_CASE("the default log directory is per process under TMPDIR", "[services]") {
  ServiceSet set;
  CHECK_THAT(set.log_dir(), Catch::EndsWith("/stressplan-" + std::to_string(getpid())));
  CHECK(set.LogPath("a b/c") == set.log_dir() + "/a_b_c.log");
}

}  // namespace
}  // namespace sp::services
