#include "core/run/recover.h"

#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "core/plugin/host.h"
#include "core/plugin/loader.h"
#include "core/run/journal.h"
#include "core/run/redact.h"
#include "core/run/run.h"

namespace sp::run {

int Recover(const RecoverOptions& options) {
  JournalState state;
  size_t torn = 0;
  std::string err;
  if (!ReadJournal(options.journal, &state, &torn, &err)) {
    std::fprintf(stderr, "stressplan recover: %s\n", err.c_str());
    return kExitUsage;
  }
  if (torn > 0) {
    std::fprintf(stderr, "stressplan recover: %zu line(s) of %s could not be read (a write cut short by the crash); skipped\n",
                 torn, options.journal.c_str());
  }
  // The run may still be going: reverting its faults under it would fight its own reverts.
  // The same process, not another that got its pid since: the start times must agree.
  const bool run_alive = state.run_pid > 0 &&
                         (::kill(static_cast<pid_t>(state.run_pid), 0) == 0 || errno == EPERM) &&
                         (state.run_start_time.empty() || ProcessStartTime(state.run_pid) == state.run_start_time);
  if (run_alive && !options.force && !state.unreverted.empty()) {
    std::fprintf(stderr,
                 "stressplan recover: the run that wrote %s (pid %lld) is still running; stop it (it reverts its "
                 "own faults) or pass --force\n",
                 options.journal.c_str(), static_cast<long long>(state.run_pid));
    return kExitUsage;
  }
  if (state.unreverted.empty()) {
    std::printf("%s: nothing to recover (%zu fault(s) injected, all reverted)\n", options.journal.c_str(), state.injected);
    return kExitPassed;
  }
  plugin::Host host;
  plugin::Loader loader(&host);
  loader.SetSearchPath(plugin::SearchPath(options.plugin_paths, {}));
  int failed = 0;
  // Newest first, like the run's own reverts: a fault put on top of another comes out first.
  for (auto it = state.unreverted.rbegin(); it != state.unreverted.rend(); ++it) {
    const Unreverted& u = *it;
    if (u.record.empty()) {
      std::printf("  %s (%s): nothing outlives the run's process; nothing to do\n", u.step.c_str(), u.plugin.c_str());
      MarkRecovered(options.journal, u.id, &err);
      continue;
    }
    // The file the run used, when it is still there; else the plugin by name.
    std::string why;
    const plugin::Plugin* p = nullptr;
    if (!u.plugin_file.empty() && std::filesystem::exists(u.plugin_file)) p = loader.Load(u.plugin_file, &why);
    if (p == nullptr) p = loader.Load(u.plugin, &why);
    if (p == nullptr || p->kind() != SP_KIND_FAULT || p->d.fault.recover == nullptr) {
      std::fprintf(stderr, "  %s (%s): cannot recover: %s\n", u.step.c_str(), u.plugin.c_str(),
                   p == nullptr ? why.c_str() : "the plugin has no recover function");
      ++failed;
      continue;
    }
    // A plan with secrets journals them as [secret:NAME]: the plugin needs the values back.
    std::string record = u.record;
    if (!FillSecretPlaceholders(&record, &why)) {
      std::fprintf(stderr, "  %s (%s): cannot recover: %s\n", u.step.c_str(), u.plugin.c_str(), why.c_str());
      ++failed;
      continue;
    }
    sp_error e{};
    if (p->d.fault.recover(host.api(), host.Context(p->name()), record.c_str(), &e) != SP_OK) {
      std::fprintf(stderr, "  %s (%s): recover failed: %s\n", u.step.c_str(), u.plugin.c_str(),
                   e.message[0] ? e.message : "no reason given");
      ++failed;
      continue;
    }
    if (!MarkRecovered(options.journal, u.id, &err)) std::fprintf(stderr, "  %s\n", err.c_str());
    std::printf("  %s (%s): recovered\n", u.step.c_str(), u.plugin.c_str());
  }
  if (failed) {
    std::fprintf(stderr, "stressplan recover: %d fault(s) could not be recovered; they stay in %s\n", failed,
                 options.journal.c_str());
    return kExitRuntime;
  }
  std::printf("%s: recovered %zu fault(s)\n", options.journal.c_str(), state.unreverted.size());
  return kExitPassed;
}

}  // namespace sp::run
