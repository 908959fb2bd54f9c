#include "plugins/chaos/process/plugin_abi.h"

#include <string>

#include "plugins/chaos/process/journal.h"
#include "plugins/chaos/process/options.h"
#include "plugins/chaos/process/process_fault.h"
#include "plugins/common/descriptor.h"
#include "plugins/common/fault_edge.h"
#include "plugins/common/host_log.h"
#include "plugins/common/sp_error.h"

namespace sp::fault_process {
namespace {

using plugin_common::WriteError;

constexpr char kWho[] = "process fault";
using Edge = plugin_common::FaultEdge<ProcessFault, kWho>;

sp_status Revert(void* instance, sp_error* err) {
  return Edge::Guarded(err, [&] {
    sp_error local{};
    if (static_cast<ProcessFault*>(instance)->Revert(err != nullptr ? err : &local)) return SP_OK;
    return SP_ERROR;
  });
}

sp_status Recover(const sp_host_api* host, void* host_ctx, const char* record, sp_error* err) {
  return Edge::Guarded(err, [&] {
    PauseRecord parsed;
    std::string why;
    if (!ParsePauseRecord(record, &parsed, &why)) {
      WriteError(err, why);
      return SP_ERROR;
    }
    RecoverOutcome outcome = RecoverOutcome::kGone;
    if (!RecoverPause(parsed, &outcome, &why)) {
      WriteError(err, why);
      return SP_ERROR;
    }
    plugin_common::HostLog(host, host_ctx, SP_LOG_INFO,
                           outcome == RecoverOutcome::kResumed
                               ? "process fault: resumed service '" + parsed.service +
                                     "' (process group " + std::to_string(parsed.pgid) + ")"
                               : "process fault: service '" + parsed.service + "' (pid " +
                                     std::to_string(parsed.pid) + ") is gone; nothing to resume");
    return SP_OK;
  });
}

// No sites: a process step acts on a plan service.
const sp_fault_vtable kVtable = Edge::MakeVtable(Revert, Recover);

const sp_plugin_descriptor kDescriptor = plugin_common::MakeDescriptor(
    SP_KIND_FAULT, "process", "0.1.0",
    "pauses (SIGSTOP/SIGCONT), kills or restarts a plan service's process group", kOptionDecls,
    &kVtable);

}  // namespace

const sp_plugin_descriptor* plugin_descriptor() { return &kDescriptor; }

}  // namespace sp::fault_process
