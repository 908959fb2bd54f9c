#include "plugins/chaos/command/command_spec.h"

#include <nlohmann/json.hpp>

#include "plugins/common/option_error.h"

namespace sp::fault_command {
namespace {

using nlohmann::json;

// A scalar as the text the user wrote; false for null, lists and maps.
bool ScalarText(const json& v, std::string* out) {
  if (v.is_string()) {
    *out = v.get<std::string>();
    return true;
  }
  if (v.is_number() || v.is_boolean()) {
    *out = v.dump();
    return true;
  }
  return false;
}

}  // namespace

bool ParseCommand(const std::string& json_text, const std::string& what, Command* out,
                  SpecError* err) {
  const json v = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  const std::string expected = "command fault: `" + what +
                               "` must be a list of arguments ([rm, -f, /tmp/x]) or a string "
                               "run with /bin/sh -c";
  if (v.is_string()) {
    out->shell = v.get<std::string>();
    if (out->shell.find_first_not_of(" \t\r\n") == std::string::npos) {
      *err = {expected + "; got an empty string", ""};
      return false;
    }
    out->argv = {"/bin/sh", "-c", out->shell};
    return true;
  }
  if (!v.is_array() || v.empty()) {
    *err = {expected + (v.is_array() ? "; got an empty list" : ""), ""};
    return false;
  }
  out->shell.clear();
  out->argv.clear();
  for (size_t i = 0; i < v.size(); ++i) {
    std::string arg;
    if (!ScalarText(v[i], &arg)) {
      *err = {"command fault: `" + what + "` argument " + std::to_string(i) +
                  " must be a string, got " + v[i].type_name(),
              "/" + std::to_string(i)};
      return false;
    }
    out->argv.push_back(std::move(arg));
  }
  if (out->argv[0].empty()) {
    *err = {"command fault: `" + what + "` starts with an empty program name", "/0"};
    return false;
  }
  return true;
}

bool ParseEnv(const std::string& json_text, std::map<std::string, std::string>* out,
              SpecError* err) {
  const json v = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!v.is_object()) {
    *err = {"command fault: `env` must be a map of variable names to values", ""};
    return false;
  }
  for (const auto& [name, value] : v.items()) {
    if (name.empty() || name.find('=') != std::string::npos) {
      *err = {"command fault: `env` variable name '" + name + "' is empty or contains '='",
              "/" + plugin_common::JsonPointerToken(name)};
      return false;
    }
    std::string text;
    if (!ScalarText(value, &text)) {
      *err = {
          "command fault: `env` variable " + name + " must be a string, got " + value.type_name(),
          "/" + plugin_common::JsonPointerToken(name)};
      return false;
    }
    (*out)[name] = std::move(text);
  }
  return true;
}

std::string CommandJson(const Command& command) {
  if (command.is_shell()) return json(command.shell).dump();
  return json(command.argv).dump();
}

}  // namespace sp::fault_command
