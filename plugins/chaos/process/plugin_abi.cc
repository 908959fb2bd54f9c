#include "plugins/chaos/process/plugin_abi.h"

#include <cstdio>
#include <exception>
#include <memory>
#include <string>

#include "plugins/chaos/process/journal.h"
#include "plugins/chaos/process/options.h"
#include "plugins/chaos/process/process_fault.h"

namespace sp::fault_process {
namespace {

template <size_t N>
void CopyText(char (&dst)[N], const std::string& text) {
  std::snprintf(dst, N, "%s", text.c_str());
}

void WriteError(sp_error* err, const std::string& message, const std::string& option = {}) {
  if (err == nullptr) return;
  CopyText(err->message, message);
  CopyText(err->option, option);
}

// Runs fn, turning any exception into SP_ERROR with its text.
template <class Fn>
sp_status Guarded(sp_error* err, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    WriteError(err, std::string("process fault: internal error: ") + e.what());
  } catch (...) {
    WriteError(err, "process fault: internal error: unknown exception");
  }
  return SP_ERROR;
}

sp_status Create(const sp_host_api* host, void* host_ctx, const sp_options* options,
                 void** instance, sp_error* err) {
  return Guarded(err, [&] {
    if (instance == nullptr) {
      WriteError(err, "process fault: create called without an instance pointer");
      return SP_INVALID_ARGUMENT;
    }
    ProcessConfig config;
    OptionError refused;
    if (!ParseOptions(options, &config, &refused)) {
      WriteError(err, refused.message, refused.option);
      return SP_INVALID_ARGUMENT;
    }
    std::unique_ptr<ProcessFault> fault = ProcessFault::Create(host, host_ctx, config, &refused);
    if (!fault) {
      WriteError(err, refused.message, refused.option);
      return refused.option.empty() ? SP_ERROR : SP_INVALID_ARGUMENT;
    }
    *instance = fault.release();
    return SP_OK;
  });
}

sp_status Inject(void* instance, sp_error* err) {
  return Guarded(err, [&] {
    std::string why;
    if (static_cast<ProcessFault*>(instance)->Inject(&why)) return SP_OK;
    WriteError(err, why);
    return SP_ERROR;
  });
}

sp_status Revert(void* instance, sp_error* err) {
  return Guarded(err, [&] {
    sp_error local{};
    if (static_cast<ProcessFault*>(instance)->Revert(err != nullptr ? err : &local)) return SP_OK;
    return SP_ERROR;
  });
}

int IsActive(void* instance) {
  try {
    return static_cast<const ProcessFault*>(instance)->IsActive() ? 1 : 0;
  } catch (...) {
    return 1;  // unknown: say active, so that the host reports it rather than assumes it gone
  }
}

void Destroy(void* instance) { delete static_cast<ProcessFault*>(instance); }

// Returns the record's length. When it does not fit in cap, buf holds "" and the return value
// (>= cap) is the length needed, as snprintf does: a host may retry with a larger buffer.
size_t JournalRecord(void* instance, char* buf, size_t cap) {
  try {
    return static_cast<const ProcessFault*>(instance)->JournalRecord(buf, cap);
  } catch (...) {
    if (cap > 0) buf[0] = '\0';
    return 0;
  }
}

sp_status Recover(const sp_host_api* host, void* host_ctx, const char* record, sp_error* err) {
  return Guarded(err, [&] {
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
    if (host != nullptr && host->log != nullptr) {
      const std::string what =
          outcome == RecoverOutcome::kResumed
              ? "process fault: resumed service '" + parsed.service + "' (process group " +
                    std::to_string(parsed.pgid) + ")"
              : "process fault: service '" + parsed.service + "' (pid " +
                    std::to_string(parsed.pid) + ") is gone; nothing to resume";
      host->log(host_ctx, SP_LOG_INFO, what.c_str());
    }
    return SP_OK;
  });
}

const sp_fault_vtable kVtable = {
    sizeof(sp_fault_vtable),
    Create,
    Inject,
    Revert,
    IsActive,
    Destroy,
    nullptr,  // no sites: a process step acts on a plan service
    0,
    nullptr,
    nullptr,
    nullptr,
    JournalRecord,
    Recover,
};

const sp_plugin_descriptor kDescriptor = {
    SP_DESCRIPTOR_HEADER,
    SP_KIND_FAULT,
    "process",
    "0.1.0",
    "pauses (SIGSTOP/SIGCONT), kills or restarts a plan service's process group",
    kOptionDecls,
    kOptionCount,
    &kVtable,
    nullptr,
    nullptr,
};

}  // namespace

const sp_plugin_descriptor* plugin_descriptor() { return &kDescriptor; }

}  // namespace sp::fault_process
