#include "plugins/chaos/command/options.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "plugins/common/options.h"

namespace sp::fault_command {

const sp_option_decl kOptionDecls[kOptionCount] = {
    {"inject", SP_OPT_JSON, nullptr, 1,
     "the command that injects the fault: a list of arguments, or a string run with /bin/sh -c"},
    {"revert", SP_OPT_JSON, nullptr, 1,
     "the command that takes the fault back out (same forms); also what `stressplan recover` "
     "runs"},
    {"check", SP_OPT_JSON, nullptr, 0,
     "a command whose exit status 0 means the fault is still in place (verifies the revert); "
     "without it the fault counts as active from a successful inject to a successful revert"},
    {"timeout", SP_OPT_DURATION, "10s", 0,
     "the longest each command may run; then its process group is killed and the call fails"},
    // "." is made absolute against the plan's folder by the host, like any path option.
    {"workdir", SP_OPT_PATH, ".", 0, "the directory the commands start in (default: the plan's folder)"},
    {"env", SP_OPT_JSON, nullptr, 0,
     "extra environment variables for the commands, as a map (they override inherited ones)"},
};

namespace {

using plugin_common::OptionValue;

std::string Text(const sp_option_value* v) { return std::string(plugin_common::OptionText(v)); }

bool CommandOption(const sp_options* options, Option k, Command* out, OptionError* err) {
  const char* name = kOptionDecls[k].name;
  const sp_option_value* v = OptionValue(options, k);
  if (v == nullptr) {
    *err = {std::string("command fault: `") + name + "` is required", name, ""};
    return false;
  }
  SpecError bad;
  if (ParseCommand(Text(v), name, out, &bad)) return true;
  *err = {bad.message, name, bad.path};
  return false;
}

}  // namespace

bool ParseOptions(const sp_options* options, CommandConfig* out, OptionError* err) {
  if (!CommandOption(options, kInject, &out->inject, err)) return false;
  if (!CommandOption(options, kRevert, &out->revert, err)) return false;
  if (OptionValue(options, kCheck) != nullptr) {
    out->check.emplace();
    if (!CommandOption(options, kCheck, &*out->check, err)) return false;
  }

  const sp_option_value* timeout = OptionValue(options, kTimeout);
  out->settings.timeout = std::chrono::nanoseconds(timeout != nullptr ? timeout->i : 10'000'000'000);
  if (out->settings.timeout.count() <= 0) {
    *err = {"command fault: `timeout` must be longer than 0s", "timeout", ""};
    return false;
  }

  // Unset (a host that does not fill defaults): the current directory. Made absolute either
  // way, so that the journal record still means the same directory to `stressplan recover`.
  std::error_code ec;
  const std::string workdir = Text(OptionValue(options, kWorkdir));
  std::filesystem::path dir = workdir.empty() ? std::filesystem::current_path(ec)
                                              : std::filesystem::absolute(workdir, ec);
  std::string why;
  struct stat st;
  if (ec) {
    why = ec.message();
  } else if (stat(dir.c_str(), &st) != 0) {
    why = std::strerror(errno);
  } else if (!S_ISDIR(st.st_mode)) {
    why = "not a directory";
  }
  if (!why.empty()) {
    *err = {"command fault: workdir '" + dir.string() + "' cannot be used: " + why, "workdir", ""};
    return false;
  }
  out->settings.workdir = dir.lexically_normal().string();

  if (const sp_option_value* env = OptionValue(options, kEnv)) {
    SpecError bad;
    if (!ParseEnv(Text(env), &out->settings.env, &bad)) {
      *err = {bad.message, "env", bad.path};
      return false;
    }
  }
  return true;
}

}  // namespace sp::fault_command
