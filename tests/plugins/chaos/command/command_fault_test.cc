// The command fault driven through its vtable, as the host drives it, running real commands
// in a temporary directory.
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "plugins/chaos/command/options.h"
#include "plugins/chaos/command/plugin_abi.h"
#include "tests/plugins/chaos/fault_test_support.h"

namespace sp::fault_test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

const sp_fault_vtable* Vtable() {
  return static_cast<const sp_fault_vtable*>(fault_command::plugin_descriptor()->vtable);
}

Options CommandOptions(const TempDir& dir, const json& inject, const json& revert) {
  Options o(fault_command::kOptionDecls, fault_command::kOptionCount);
  o.Set("inject", inject.dump()).Set("revert", revert.dump()).Set("workdir", dir.path());
  o.SetNs("timeout", 10'000'000'000);
  return o;
}

struct Fault : FaultHandle {
  Fault(FakeHost& host, const Options& options) : FaultHandle(Vtable(), host, options) {}
};

}  // namespace

TEST_CASE("command: inject creates a marker, check sees it, revert removes it", "[command]") {
  FakeHost host;
  TempDir dir;
  // argv and sh -c forms side by side; relative paths start from workdir.
  Options o = CommandOptions(dir, {"touch", "marker"}, "rm -f marker");
  o.Set("check", json({"test", "-e", "marker"}).dump());
  Fault fault(host, o);
  REQUIRE(fault.status == SP_OK);
  CHECK(fault.active() == 0);

  REQUIRE(fault.inject() == SP_OK);
  CHECK(FileExists(dir.file("marker")));
  CHECK(fault.active() == 1);

  REQUIRE(fault.revert() == SP_OK);
  CHECK_FALSE(FileExists(dir.file("marker")));
  CHECK(fault.active() == 0);
}

TEST_CASE("command: without check, active from a successful inject to a successful revert",
          "[command]") {
  FakeHost host;
  TempDir dir;
  Fault fault(host, CommandOptions(dir, "true", {"true"}));
  REQUIRE(fault.status == SP_OK);
  CHECK(fault.active() == 0);
  REQUIRE(fault.revert() == SP_OK);  // never injected: nothing to do, and no failure
  REQUIRE(fault.inject() == SP_OK);
  CHECK(fault.active() == 1);
  REQUIRE(fault.revert() == SP_OK);
  CHECK(fault.active() == 0);
}

TEST_CASE("command: a failing command reports its status and the end of its output",
          "[command]") {
  FakeHost host;
  TempDir dir;
  SECTION("short output, stdout and stderr") {
    Fault fault(host, CommandOptions(dir, "echo starting; echo 'iptables: permission denied' >&2; exit 3",
                                     {"true"}));
    REQUIRE(fault.status == SP_OK);
    CHECK(fault.inject() == SP_ERROR);
    CHECK(fault.message() ==
          "inject command exited with status 3: starting\niptables: permission denied");
    CHECK(fault.active() == 0);
  }
  SECTION("long output: the message keeps its end and fits sp_error") {
    Fault fault(host, CommandOptions(dir, "head -c 20000 /dev/zero | tr '\\0' x; echo; echo THE-END; exit 1",
                                     {"true"}));
    REQUIRE(fault.status == SP_OK);
    CHECK(fault.inject() == SP_ERROR);
    const std::string m = fault.message();
    CHECK(m.rfind("inject command exited with status 1: ...", 0) == 0);
    CHECK(m.size() < sizeof(sp_error{}.message));
    CHECK(m.substr(m.size() - 8) == "\nTHE-END");
  }
  SECTION("revert fails the same way") {
    Fault fault(host, CommandOptions(dir, {"true"}, "echo cannot undo; exit 7"));
    REQUIRE(fault.inject() == SP_OK);
    CHECK(fault.revert() == SP_ERROR);
    CHECK(fault.message() == "revert command exited with status 7: cannot undo");
    CHECK(fault.active() == 1);
  }
  SECTION("a program that does not exist") {
    Fault fault(host, CommandOptions(dir, {"no-such-program-sp-test"}, {"true"}));
    CHECK(fault.inject() == SP_ERROR);
    CHECK(fault.message().find("inject command could not be started: 'no-such-program-sp-test' "
                               "not found in PATH") == 0);
  }
}

TEST_CASE("command: a hanging command is killed with its group at the timeout", "[command]") {
  FakeHost host;
  TempDir dir;
  // The shell starts a background sleep in its group and records both pids.
  Options o = CommandOptions(dir, "echo $$ > leader; sleep 30 & echo $! > child; echo waiting; wait",
                             {"true"});
  o.SetNs("timeout", 500'000'000);
  Fault fault(host, o);
  REQUIRE(fault.status == SP_OK);
  const auto start = Clock::now();
  CHECK(fault.inject() == SP_ERROR);
  const auto took = Clock::now() - start;
  CHECK(took >= std::chrono::milliseconds(500));
  CHECK(took < std::chrono::milliseconds(1500));
  CHECK(fault.message() == "inject command timed out after 500ms and was killed: waiting");
  const pid_t child = std::stoi(ReadFile(dir.file("child")));
  // Killed, not left running (it may remain a zombie until its new parent reaps it).
  CHECK(Eventually([&] { const char s = ProcState(child); return s == 0 || s == 'Z'; }));
}

TEST_CASE("command: stdin is /dev/null, not the host's", "[command]") {
  FakeHost host;
  TempDir dir;
  Options o = CommandOptions(dir, {"cat"}, {"true"});
  o.SetNs("timeout", 5'000'000'000);
  Fault fault(host, o);
  const auto start = Clock::now();
  CHECK(fault.inject() == SP_OK);
  CHECK(Clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("command: env and workdir are honoured", "[command]") {
  FakeHost host;
  TempDir dir;
  Options o = CommandOptions(dir, "printf '%s %s\\n' \"$SP_FAULT_VAR\" \"$SP_PORT\" > out.txt; pwd >> out.txt",
                             {"true"});
  o.Set("env", json({{"SP_FAULT_VAR", "hello world"}, {"SP_PORT", 8080}}).dump());
  Fault fault(host, o);
  REQUIRE(fault.status == SP_OK);
  REQUIRE(fault.inject() == SP_OK);
  CHECK(ReadFile(dir.file("out.txt")) == "hello world 8080\n" + dir.path() + "\n");
}

TEST_CASE("command: env PATH is used to find an argv program", "[command]") {
  FakeHost host;
  TempDir dir;
  REQUIRE(std::system(("mkdir " + dir.file("bin") + " && printf '#!/bin/sh\\ntouch found\\n' > " +
                       dir.file("bin/sp-fault-tool") + " && chmod +x " + dir.file("bin/sp-fault-tool"))
                          .c_str()) == 0);
  Options o = CommandOptions(dir, {"sp-fault-tool"}, {"true"});
  o.Set("env", json({{"PATH", dir.file("bin") + ":/usr/bin:/bin"}}).dump());
  Fault fault(host, o);
  REQUIRE(fault.inject() == SP_OK);
  CHECK(FileExists(dir.file("found")));
}

TEST_CASE("command: recover runs the journal record's revert in a new instance-less call",
          "[command]") {
  FakeHost host;
  TempDir dir;
  std::string record;
  {
    Options o = CommandOptions(dir, {"touch", "marker"}, {"sh", "-c", "rm \"$MARKER\""});
    o.Set("env", json({{"MARKER", "marker"}}).dump());
    Fault fault(host, o);
    REQUIRE(fault.status == SP_OK);
    record = fault.record();
    REQUIRE(fault.inject() == SP_OK);
    // The run dies here: destroyed without revert.
  }
  REQUIRE(FileExists(dir.file("marker")));
  const json parsed = json::parse(record);
  CHECK(parsed["fault"] == "command");
  CHECK(parsed["revert"] == json({"sh", "-c", "rm \"$MARKER\""}));
  CHECK(parsed["workdir"] == dir.path());
  CHECK(parsed["env"] == json({{"MARKER", "marker"}}));
  CHECK(parsed["timeout_ns"] == 10'000'000'000);

  sp_error error{};
  REQUIRE(Vtable()->recover(host.api(), host.ctx(), record.c_str(), &error) == SP_OK);
  CHECK_FALSE(FileExists(dir.file("marker")));
  // The revert now fails (rm of a missing file): recover says so with the output.
  error = sp_error{};
  CHECK(Vtable()->recover(host.api(), host.ctx(), record.c_str(), &error) == SP_ERROR);
  CHECK(std::string(error.message).find("revert command exited with status 1: rm: ") == 0);
}

TEST_CASE("command: the string form is recorded as a string", "[command]") {
  FakeHost host;
  TempDir dir;
  Fault fault(host, CommandOptions(dir, {"true"}, "rm -f marker"));
  CHECK(json::parse(fault.record())["revert"] == "rm -f marker");
}

TEST_CASE("command recover: a malformed record is an error with a message", "[command]") {
  const char* records[] = {
      "[]",
      R"({"fault":"process","revert":"true","workdir":"/","timeout_ns":1000})",
      R"({"fault":"command","workdir":"/","timeout_ns":1000})",
      R"({"fault":"command","revert":[],"workdir":"/","timeout_ns":1000})",
      R"({"fault":"command","revert":"true","timeout_ns":1000})",
      R"({"fault":"command","revert":"true","workdir":"/","timeout_ns":0})",
      R"({"fault":"command","revert":"true","workdir":"/","timeout_ns":1000,"env":[1]})",
  };
  for (const char* record : records) {
    INFO(record);
    sp_error error{};
    CHECK(Vtable()->recover(nullptr, nullptr, record, &error) == SP_ERROR);
    CHECK(std::string(error.message).find("journal record") != std::string::npos);
  }
}

TEST_CASE("command options: each refusal names its option and where in it", "[command][options]") {
  FakeHost host;
  TempDir dir;
  struct Case {
    const char* option;
    std::string value;
    const char* path;
  };
  const Case cases[] = {
      {"inject", "42", ""},
      {"inject", "\"  \"", ""},
      {"inject", "[]", ""},
      {"inject", R"(["rm", null])", "/1"},
      {"inject", R"(["", "x"])", "/0"},
      {"revert", R"({"cmd": "rm"})", ""},
      {"check", "\"\"", ""},
      {"env", "[1]", ""},
      {"env", R"({"A": {"b": 1}})", "/A"},
      {"env", R"({"A=B": "x"})", "/A=B"},
      {"workdir", "/nonexistent/sp-fault-test", ""},
  };
  for (const Case& c : cases) {
    INFO(c.option << " = " << c.value);
    Options o = CommandOptions(dir, {"true"}, {"true"});
    o.Set(c.option, c.value);
    Fault fault(host, o);
    CHECK(fault.status == SP_INVALID_ARGUMENT);
    CHECK(std::string(fault.error.option) == c.option);
    CHECK(std::string(fault.error.path) == c.path);
    CHECK(fault.error.message[0] != '\0');
  }
  SECTION("timeout") {
    Options o = CommandOptions(dir, {"true"}, {"true"});
    o.SetNs("timeout", 0);
    Fault fault(host, o);
    CHECK(fault.status == SP_INVALID_ARGUMENT);
    CHECK(std::string(fault.error.option) == "timeout");
  }
  SECTION("missing inject") {
    Options o(fault_command::kOptionDecls, fault_command::kOptionCount);
    o.Set("revert", "\"true\"");
    Fault fault(host, o);
    CHECK(fault.status == SP_INVALID_ARGUMENT);
    CHECK(std::string(fault.error.option) == "inject");
  }
}

}  // namespace sp::fault_test
