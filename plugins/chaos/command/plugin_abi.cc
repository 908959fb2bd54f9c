#include "plugins/chaos/command/plugin_abi.h"

#include <cstdio>
#include <exception>
#include <memory>
#include <string>

#include "plugins/chaos/command/command_fault.h"
#include "plugins/chaos/command/journal.h"
#include "plugins/chaos/command/options.h"

namespace sp::fault_command {
namespace {

template <size_t N>
void CopyText(char (&dst)[N], const std::string& text) {
  std::snprintf(dst, N, "%s", text.c_str());
}

void WriteError(sp_error* err, const std::string& message, const std::string& option = {},
                const std::string& path = {}) {
  if (err == nullptr) return;
  CopyText(err->message, message);
  CopyText(err->option, option);
  CopyText(err->path, path);
}

// Runs fn, turning any exception into SP_ERROR with its text.
template <class Fn>
sp_status Guarded(sp_error* err, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    WriteError(err, std::string("command fault: internal error: ") + e.what());
  } catch (...) {
    WriteError(err, "command fault: internal error: unknown exception");
  }
  return SP_ERROR;
}

sp_status Create(const sp_host_api* host, void* host_ctx, const sp_options* options,
                 void** instance, sp_error* err) {
  return Guarded(err, [&] {
    if (instance == nullptr) {
      WriteError(err, "command fault: create called without an instance pointer");
      return SP_INVALID_ARGUMENT;
    }
    CommandConfig config;
    OptionError refused;
    if (!ParseOptions(options, &config, &refused)) {
      WriteError(err, refused.message, refused.option, refused.path);
      return SP_INVALID_ARGUMENT;
    }
    *instance = new CommandFault(host, host_ctx, std::move(config));
    return SP_OK;
  });
}

sp_status Inject(void* instance, sp_error* err) {
  return Guarded(err, [&] {
    std::string why;
    if (static_cast<CommandFault*>(instance)->Inject(&why)) return SP_OK;
    WriteError(err, why);
    return SP_ERROR;
  });
}

sp_status Revert(void* instance, sp_error* err) {
  return Guarded(err, [&] {
    std::string why;
    if (static_cast<CommandFault*>(instance)->Revert(&why)) return SP_OK;
    WriteError(err, why);
    return SP_ERROR;
  });
}

int IsActive(void* instance) {
  try {
    return static_cast<const CommandFault*>(instance)->IsActive() ? 1 : 0;
  } catch (...) {
    return 1;  // unknown: say active, so that the host reports it rather than assumes it gone
  }
}

void Destroy(void* instance) { delete static_cast<CommandFault*>(instance); }

// Returns the record's length. When it does not fit in cap, buf holds "" and the return value
// (>= cap) is the length needed, as snprintf does: a host may retry with a larger buffer.
size_t JournalRecord(void* instance, char* buf, size_t cap) {
  try {
    return static_cast<const CommandFault*>(instance)->JournalRecord(buf, cap);
  } catch (...) {
    if (cap > 0) buf[0] = '\0';
    return 0;
  }
}

sp_status Recover(const sp_host_api* host, void* host_ctx, const char* record, sp_error* err) {
  return Guarded(err, [&] {
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
    HostLog(host, host_ctx, SP_LOG_INFO,
            "command fault: revert command " + CommandJson(revert) + " succeeded");
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
    nullptr,  // no sites: a command acts on whatever it acts on
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
    "command",
    "0.1.0",
    "runs a command to inject a fault and another to revert it (and optionally one to check it)",
    kOptionDecls,
    kOptionCount,
    &kVtable,
    nullptr,
    nullptr,
};

}  // namespace

const sp_plugin_descriptor* plugin_descriptor() { return &kDescriptor; }

}  // namespace sp::fault_command
