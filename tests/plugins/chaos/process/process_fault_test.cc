// The process fault driven through its vtable, as the host drives it, against real process
// groups that a fake host presents as plan services.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "plugins/chaos/process/options.h"
#include "plugins/chaos/process/plugin_abi.h"
#include "tests/plugins/chaos/fault_test_support.h"

namespace sp::fault_test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

const sp_fault_vtable* Vtable() {
  return static_cast<const sp_fault_vtable*>(fault_process::plugin_descriptor()->vtable);
}

// A service of two processes: the shell leader and a background sleep in its group, so that
// "the whole group" is tested, not just the leader. Both end by themselves after 30 s.
const std::vector<std::string> kTwoProcessService = {"sh", "-c", "sleep 30 & exec sleep 30"};

// Once the shell has started its background sleep and exec'd the other one (or applied its
// trap): a signal that arrived earlier would test the shell's start-up instead.
void WaitUntilReady(pid_t pid, int members) {
  REQUIRE(Eventually([&] { return ProcComm(pid) == "sleep" && CountGroup(pid).live == members; }));
}

Options ProcessOptions(const std::string& action, const std::string& signal = "SIGKILL") {
  Options o(fault_process::kOptionDecls, fault_process::kOptionCount);
  o.Set("service", "demo").Set("action", action).Set("signal", signal);
  return o;
}

struct Fault : FaultHandle {
  Fault(FakeHost& host, const Options& options) : FaultHandle(Vtable(), host, options) {}
};

sp_status Recover(const std::string& record, sp_error* error) {
  *error = sp_error{};
  return Vtable()->recover(nullptr, nullptr, record.c_str(), error);
}

bool GroupGone(pid_t pgid) { return CountGroup(pgid).live == 0; }

}  // namespace

TEST_CASE("process pause: the whole group stops at inject and runs again at revert", "[process]") {
  FakeHost host;
  host.AddService("demo", kTwoProcessService);
  const pid_t pid = host.service("demo").pid();
  WaitUntilReady(pid, 2);
  Fault fault(host, ProcessOptions("pause"));
  REQUIRE(fault.status == SP_OK);
  CHECK(fault.active() == 0);

  REQUIRE(fault.inject() == SP_OK);
  // inject returns once every member is stopped, not merely signalled.
  CHECK(ProcState(pid) == 'T');
  CHECK(CountGroup(pid).stopped == 2);
  CHECK(fault.active() == 1);

  REQUIRE(fault.revert() == SP_OK);
  CHECK(ProcState(pid) != 'T');
  CHECK(CountGroup(pid).stopped == 0);
  CHECK(CountGroup(pid).live == 2);
  CHECK(fault.active() == 0);
}

TEST_CASE("process pause: the journal record names the leader and signals nothing", "[process]") {
  FakeHost host;
  host.AddService("demo", {"sleep", "30"});
  const pid_t pid = host.service("demo").pid();
  Fault fault(host, ProcessOptions("pause"));
  REQUIRE(fault.status == SP_OK);
  const json record = json::parse(fault.record());
  CHECK(record["fault"] == "process");
  CHECK(record["action"] == "pause");
  CHECK(record["pid"] == pid);
  CHECK(record["pgid"] == pid);
  CHECK(record["start_time"] == ProcStartTime(pid));
  CHECK(record["service"] == "demo");
  CHECK(ProcState(pid) != 'T');
}

TEST_CASE("process pause: recover resumes a process left paused by a dead run", "[process]") {
  FakeHost host;
  host.AddService("demo", kTwoProcessService);
  const pid_t pid = host.service("demo").pid();
  WaitUntilReady(pid, 2);
  std::string record;
  {
    Fault fault(host, ProcessOptions("pause"));
    REQUIRE(fault.status == SP_OK);
    record = fault.record();
    REQUIRE(fault.inject() == SP_OK);
    // The run dies here: destroy without revert.
  }
  REQUIRE(CountGroup(pid).stopped == 2);
  sp_error error{};
  REQUIRE(Recover(record, &error) == SP_OK);
  CHECK(Eventually([&] { return CountGroup(pid).stopped == 0; }));
  CHECK(CountGroup(pid).live == 2);
  // Idempotent: the fault is already gone.
  CHECK(Recover(record, &error) == SP_OK);
}

TEST_CASE("process pause: recover leaves a recycled or ended pid alone", "[process]") {
  sp_error error{};
  SECTION("the pid now names another process (its start time differs)") {
    GroupLeader other({"sleep", "30"});
    REQUIRE(kill(other.pid(), SIGSTOP) == 0);
    REQUIRE(Eventually([&] { return ProcState(other.pid()) == 'T'; }));
    const json record = {{"fault", "process"}, {"action", "pause"}, {"pgid", other.pid()},
                         {"pid", other.pid()}, {"start_time", ProcStartTime(other.pid()) + 1},
                         {"service", "demo"}};
    REQUIRE(Recover(record.dump(), &error) == SP_OK);
    std::this_thread::sleep_for(milliseconds(100));
    CHECK(ProcState(other.pid()) == 'T');  // no SIGCONT reached it
  }
  SECTION("the process ended") {
    GroupLeader gone({"sleep", "30"});
    const pid_t pid = gone.pid();
    const uint64_t start = ProcStartTime(pid);
    gone.KillAndReap();
    REQUIRE(ProcState(pid) == 0);
    const json record = {{"fault", "process"}, {"action", "pause"}, {"pgid", pid},
                         {"pid", pid},         {"start_time", start}, {"service", "demo"}};
    CHECK(Recover(record.dump(), &error) == SP_OK);
  }
}

TEST_CASE("process recover: a malformed record is an error with a message", "[process]") {
  const char* records[] = {
      "not json",
      R"({"fault":"command","action":"pause","pgid":1,"pid":1,"start_time":1})",
      R"({"fault":"process","action":"kill","pgid":1,"pid":1,"start_time":1})",
      R"({"fault":"process","action":"pause","pid":1,"start_time":1})",
      R"({"fault":"process","action":"pause","pgid":-4,"pid":1,"start_time":1})",
      R"({"fault":"process","action":"pause","pgid":"12","pid":1,"start_time":1})",
  };
  for (const char* record : records) {
    INFO(record);
    sp_error error{};
    CHECK(Recover(record, &error) == SP_ERROR);
    CHECK(std::string(error.message).find("journal record") != std::string::npos);
  }
}

TEST_CASE("process kill: the group is gone after inject and stays gone", "[process]") {
  FakeHost host;
  host.AddService("demo", kTwoProcessService);
  const pid_t pid = host.service("demo").pid();
  WaitUntilReady(pid, 2);
  Fault fault(host, ProcessOptions("kill", GENERATE(as<std::string>{}, "SIGKILL", "TERM", "15")));
  REQUIRE(fault.status == SP_OK);
  CHECK(fault.record().empty());  // nothing a later process could undo

  REQUIRE(fault.inject() == SP_OK);
  CHECK(GroupGone(pid));
  CHECK(fault.active() == 0);
  REQUIRE(fault.revert() == SP_OK);
  CHECK(host.api()->service_pid(host.ctx(), "demo") == -1);
  CHECK(host.restarts() == 0);
}

TEST_CASE("process restart: gone after inject, a new process after revert", "[process]") {
  FakeHost host;
  host.AddService("demo", kTwoProcessService);
  const pid_t old_pid = host.service("demo").pid();
  WaitUntilReady(old_pid, 2);
  Fault fault(host, ProcessOptions("restart", GENERATE(as<std::string>{}, "SIGKILL", "SIGTERM")));
  REQUIRE(fault.status == SP_OK);
  CHECK(fault.record().empty());
  CHECK(fault.active() == 0);

  REQUIRE(fault.inject() == SP_OK);
  CHECK(GroupGone(old_pid));
  CHECK(fault.active() == 1);

  REQUIRE(fault.revert() == SP_OK);
  CHECK(host.restarts() == 1);
  const int64_t new_pid = host.api()->service_pid(host.ctx(), "demo");
  CHECK(new_pid > 0);
  CHECK(new_pid != old_pid);
  CHECK(ProcState(static_cast<pid_t>(new_pid)) != 0);
  CHECK(fault.active() == 0);
  // A second revert (the host's error path) does not restart it again.
  REQUIRE(fault.revert() == SP_OK);
  CHECK(host.restarts() == 1);
}

TEST_CASE("process restart: a service that ignores SIGTERM fails inject, revert still restarts it",
          "[process]") {
  FakeHost host;
  // An ignored signal stays ignored across exec: sleep ignores SIGTERM too.
  host.AddService("demo", {"sh", "-c", "trap '' TERM; exec sleep 30"});
  const pid_t old_pid = host.service("demo").pid();
  WaitUntilReady(old_pid, 1);
  Fault fault(host, ProcessOptions("restart", "SIGTERM"));
  REQUIRE(fault.status == SP_OK);

  const auto start = std::chrono::steady_clock::now();
  CHECK(fault.inject() == SP_ERROR);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  CHECK(std::string(fault.error.message).find("still running 2 s after SIGTERM") != std::string::npos);
  CHECK(fault.active() == 1);

  REQUIRE(fault.revert() == SP_OK);
  CHECK(GroupGone(old_pid));
  CHECK(host.api()->service_pid(host.ctx(), "demo") != old_pid);
  CHECK(fault.active() == 0);
}

TEST_CASE("process options: each refusal names its option", "[process][options]") {
  FakeHost host;
  host.AddService("demo", {"sleep", "30"});
  SECTION("unknown action") {
    Fault fault(host, ProcessOptions("freeze"));
    CHECK(fault.status == SP_INVALID_ARGUMENT);
    CHECK(std::string(fault.error.option) == "action");
    CHECK(std::string(fault.error.message).find("pause, kill, restart") != std::string::npos);
  }
  SECTION("unsupported signal") {
    Fault fault(host, ProcessOptions("kill", "SIGHUP"));
    CHECK(fault.status == SP_INVALID_ARGUMENT);
    CHECK(std::string(fault.error.option) == "signal");
  }
  SECTION("missing service") {
    Options o(fault_process::kOptionDecls, fault_process::kOptionCount);
    o.Set("action", "pause");
    Fault fault(host, o);
    CHECK(fault.status == SP_INVALID_ARGUMENT);
    CHECK(std::string(fault.error.option) == "service");
  }
  SECTION("a service that is not running") {
    Options o(fault_process::kOptionDecls, fault_process::kOptionCount);
    o.Set("service", "nope").Set("action", "kill");
    Fault fault(host, o);
    CHECK(fault.status == SP_INVALID_ARGUMENT);
    CHECK(std::string(fault.error.option) == "service");
    CHECK(std::string(fault.error.message) ==
          "process fault: service 'nope' is not running (is it in the plan's services:?)");
  }
  SECTION("a 1.0 host without the service functions") {
    sp_host_api old = *host.api();
    old.struct_size = offsetof(sp_host_api, service_pid);
    void* instance = nullptr;
    sp_error error{};
    Options o = ProcessOptions("pause");
    CHECK(Vtable()->create(&old, host.ctx(), o.get(), &instance, &error) == SP_ERROR);
    CHECK(instance == nullptr);
    CHECK(std::string(error.message).find("service_pid") != std::string::npos);
  }
}

TEST_CASE("process check_options: the service must be one the plan declares", "[process]") {
  FakeHost host;
  host.Declare("demo");  // declared, not running: what validate sees
  auto check = [&](const sp_host_api* api, const Options& o, sp_error* error) {
    *error = sp_error{};
    return Vtable()->check_options(api, host.ctx(), o.get(), error);
  };
  sp_error error{};
  SECTION("a declared service passes although it is not running") {
    CHECK(check(host.api(), ProcessOptions("pause"), &error) == SP_OK);
  }
  SECTION("a name the plan does not declare is refused, naming the option") {
    Options o(fault_process::kOptionDecls, fault_process::kOptionCount);
    o.Set("service", "demoo").Set("action", "kill");
    CHECK(check(host.api(), o, &error) == SP_INVALID_ARGUMENT);
    CHECK(std::string(error.option) == "service");
    CHECK(std::string(error.message) ==
          "process fault: the plan declares no service 'demoo' (`service` must name an entry of "
          "`services:`)");
  }
  SECTION("a 1.2 host, which cannot answer, leaves the check to create") {
    sp_host_api old = *host.api();
    old.struct_size = offsetof(sp_host_api, service_declared);
    Options o(fault_process::kOptionDecls, fault_process::kOptionCount);
    o.Set("service", "demoo").Set("action", "kill");
    CHECK(check(&old, o, &error) == SP_OK);
  }
}

}  // namespace sp::fault_test
