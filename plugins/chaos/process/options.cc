#include "plugins/chaos/process/options.h"

#include <signal.h>

#include <optional>
#include <string_view>

#include "plugins/common/options.h"

namespace sp::fault_process {

const sp_option_decl kOptionDecls[kOptionCount] = {
    {"service", SP_OPT_STRING, nullptr, 1,
     "the name of the plan service (an entry of `services:`) the fault acts on"},
    {"action", SP_OPT_STRING, nullptr, 1,
     "pause (SIGSTOP the service's process group, SIGCONT at revert), kill (signal it; it "
     "stays down for the rest of the run) or restart (signal it, start it again at revert)"},
    {"signal", SP_OPT_STRING, "SIGKILL", 0,
     "what kill and restart send to the process group: SIGKILL or SIGTERM (also KILL, TERM, "
     "9, 15)"},
};

namespace {

bool ParseSignal(std::string_view text, int* sig) {
  if (text == "SIGKILL" || text == "KILL" || text == "9") {
    *sig = SIGKILL;
    return true;
  }
  if (text == "SIGTERM" || text == "TERM" || text == "15") {
    *sig = SIGTERM;
    return true;
  }
  return false;
}

}  // namespace

const char* ActionName(Action action) {
  switch (action) {
    case Action::kPause: return "pause";
    case Action::kKill: return "kill";
    case Action::kRestart: return "restart";
  }
  return "?";
}

bool ParseOptions(const sp_options* options, ProcessConfig* out, OptionError* err) {
  const std::optional<std::string_view> service = plugin_common::OptionString(options, kService);
  if (!service || service->empty()) {
    *err = {"process fault: `service` must name a plan service (an entry of `services:`)",
            "service", ""};
    return false;
  }
  out->service = std::string(*service);

  const std::string_view action = plugin_common::OptionString(options, kAction).value_or("");
  if (action == "pause") {
    out->action = Action::kPause;
  } else if (action == "kill") {
    out->action = Action::kKill;
  } else if (action == "restart") {
    out->action = Action::kRestart;
  } else {
    *err = {"process fault: unknown action '" + std::string(action) +
                "'; expected one of: pause, kill, restart",
            "action", ""};
    return false;
  }

  // The host fills the declared default; an older host that does not is given it here.
  const std::string_view signal = plugin_common::OptionString(options, kSignal).value_or("SIGKILL");
  if (!ParseSignal(signal, &out->signal)) {
    *err = {"process fault: unsupported signal '" + std::string(signal) +
                "'; expected SIGKILL or SIGTERM (also KILL, TERM, 9, 15)",
            "signal", ""};
    return false;
  }
  return true;
}

}  // namespace sp::fault_process
