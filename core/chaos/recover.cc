#include "core/chaos/recover.h"

#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <map>

#include "core/chaos/journal.h"
#include "core/exit_codes.h"
#include "core/plugin/fault_instance.h"
#include "core/plugin/host.h"
#include "core/plugin/loader.h"
#include "core/report/redact.h"

namespace sp::chaos {

namespace {

// Every plugin first, by name on the search path only: the journal is a file anyone who can
// write the report folder could have written, and the library it names would run with our
// rights. A journal whose plugin is not on the path is refused before anything is recovered.
bool LoadPluginsByName(const JournalState& state, const std::string& journal, plugin::Loader* loader,
                       std::map<size_t, const plugin::Plugin*>* plugins) {
  int missing = 0;
  for (size_t i = 0; i < state.unreverted.size(); ++i) {
    const Unreverted& u = state.unreverted[i];
    if (u.record.empty()) continue;
    std::string why;
    const plugin::Plugin* p = loader->LoadByName(u.plugin, &why);
    if (p != nullptr && (p->kind() != SP_KIND_FAULT || !plugin::FaultInstance::HasRecover(*p))) {
      why = "plugin " + p->file + " is not a fault plugin with a recover function";
      p = nullptr;
    }
    if (p == nullptr) {
      std::fprintf(stderr, "  %s (%s): %s\n", u.step.c_str(), u.plugin.c_str(), why.c_str());
      if (!u.plugin_file.empty()) {
        std::fprintf(stderr, "    the run loaded it from %s; if you trust that file, pass --plugin-path %s\n",
                     u.plugin_file.c_str(), std::filesystem::path(u.plugin_file).parent_path().c_str());
      }
      ++missing;
      continue;
    }
    (*plugins)[i] = p;
  }
  if (missing) {
    std::fprintf(stderr,
                 "stressplan recover: %s names %d plugin(s) that cannot recover from the plugin path; nothing "
                 "was recovered (plugins are loaded by name from the plugin path only, never from the file a "
                 "journal names)\n",
                 journal.c_str(), missing);
    return false;
  }
  return true;
}

}  // namespace

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
  std::map<size_t, const plugin::Plugin*> plugins;  // index in state.unreverted -> its plugin
  if (!LoadPluginsByName(state, options.journal, &loader, &plugins)) return kExitUsage;
  int failed = 0;
  // Newest first, like the run's own reverts: a fault put on top of another comes out first.
  for (size_t i = state.unreverted.size(); i-- > 0;) {
    const Unreverted& u = state.unreverted[i];
    if (u.record.empty()) {
      std::printf("  %s (%s): nothing outlives the run's process; nothing to do\n", u.step.c_str(), u.plugin.c_str());
      MarkRecovered(options.journal, u.id, &err);
      continue;
    }
    const plugin::Plugin* p = plugins[i];
    // A plan with secrets journals them as [secret:NAME]: the plugin needs the values back.
    std::string record = u.record;
    std::string why;
    if (!report::FillSecretPlaceholders(&record, &why)) {
      std::fprintf(stderr, "  %s (%s): cannot recover: %s\n", u.step.c_str(), u.plugin.c_str(), why.c_str());
      ++failed;
      continue;
    }
    plugin::PluginError e;
    if (!plugin::FaultInstance::Recover(*p, &host, record, &e)) {
      std::fprintf(stderr, "  %s (%s): recover failed: %s\n", u.step.c_str(), u.plugin.c_str(),
                   e.MessageOr("no reason given").c_str());
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

}  // namespace sp::chaos
