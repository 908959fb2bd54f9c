#include "plugins/chaos/command/plugin_abi.h"

#include <string>

#include "plugins/chaos/command/command_fault.h"
#include "plugins/chaos/command/journal.h"
#include "plugins/chaos/command/options.h"
#include "plugins/common/descriptor.h"
#include "plugins/common/fault_edge.h"
#include "plugins/common/host_log.h"
#include "plugins/common/sp_error.h"

namespace sp::fault_command {
namespace {

using plugin_common::WriteError;

constexpr char kWho[] = "command fault";
using Edge = plugin_common::FaultEdge<CommandFault, kWho>;

sp_status Recover(const sp_host_api* host, void* host_ctx, const char* record, sp_error* err) {
  return Edge::Guarded(err, [&] {
    Command revert;
    RunSettings settings;
    std::string why;
    if (!ParseRecord(record, &revert, &settings, &why)) {
      WriteError(err, why);
      return SP_ERROR;
    }
    const RunResult result = RunCommand(revert, settings);
    if (!result.succeeded()) {
      WriteError(err, FailureMessage("revert", result, settings.timeout));
      return SP_ERROR;
    }
    plugin_common::HostLog(host, host_ctx, SP_LOG_INFO,
                           "command fault: revert command " + CommandJson(revert) + " succeeded");
    return SP_OK;
  });
}

// No sites: a command acts on whatever it acts on.
const sp_fault_vtable kVtable = Edge::MakeVtable(Edge::Revert, Recover);

const sp_plugin_descriptor kDescriptor = plugin_common::MakeDescriptor(
    SP_KIND_FAULT, "command", "0.1.0",
    "runs a command to inject a fault and another to revert it (and optionally one to check it)",
    kOptionDecls, &kVtable);

}  // namespace

const sp_plugin_descriptor* plugin_descriptor() { return &kDescriptor; }

}  // namespace sp::fault_command
