#include "plugins/chaos/command/journal.h"

#include <nlohmann/json.hpp>

namespace sp::fault_command {

using nlohmann::ordered_json;

std::string FormatRecord(const Command& revert, const RunSettings& settings) {
  ordered_json j;
  j["fault"] = "command";
  j["revert"] = ordered_json::parse(CommandJson(revert));
  j["workdir"] = settings.workdir;
  j["env"] = settings.env;
  j["timeout_ns"] = settings.timeout.count();
  // Replace rather than throw on invalid UTF-8: a record must be written whatever the plan held.
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

bool ParseRecord(const char* text, Command* revert, RunSettings* settings, std::string* err) {
  const ordered_json j = ordered_json::parse(text != nullptr ? text : "", nullptr, false);
  if (!j.is_object()) {
    *err = "command fault: the journal record is not a JSON object";
    return false;
  }
  if (j.value("fault", "") != "command") {
    *err = "command fault: the journal record is not a command fault's (\"fault\" is not \"command\")";
    return false;
  }
  SpecError bad;
  if (!j.contains("revert") || !ParseCommand(j["revert"].dump(), "revert", revert, &bad)) {
    *err = "command fault: the journal record has no usable revert command" +
           (bad.message.empty() ? std::string() : " (" + bad.message + ")");
    return false;
  }
  const auto workdir = j.find("workdir");
  const auto timeout = j.find("timeout_ns");
  if (workdir == j.end() || !workdir->is_string() || timeout == j.end() ||
      !timeout->is_number_integer() || timeout->get<int64_t>() <= 0) {
    *err = "command fault: the journal record needs a string workdir and a positive timeout_ns";
    return false;
  }
  settings->workdir = workdir->get<std::string>();
  settings->timeout = std::chrono::nanoseconds(timeout->get<int64_t>());
  settings->env.clear();
  if (const auto env = j.find("env"); env != j.end() && !ParseEnv(env->dump(), &settings->env, &bad)) {
    *err = "command fault: the journal record's env is not usable (" + bad.message + ")";
    return false;
  }
  return true;
}

}  // namespace sp::fault_command
