// A command as the plan writes it: an argv list (`[rm, -f, /tmp/x]`), or a string run with
// /bin/sh -c. Parsed from the JSON text the host hands over for a JSON option, and written back
// into the journal record in the same form.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sp::fault_command {

struct Command {
  std::vector<std::string> argv;  // what is executed; for a string: /bin/sh -c <string>
  std::string shell;              // the string form, or empty for an argv list
  bool is_shell() const { return !shell.empty(); }
};

struct SpecError {
  std::string message;
  std::string path;  // JSON pointer inside the option's value, e.g. "/1"
};

// `what` names the option in messages ("inject"). False with *err for anything but a
// non-empty string or a non-empty list of scalars (numbers and booleans are taken as written:
// YAML `[sleep, 30]` arrives as ["sleep", 30]).
bool ParseCommand(const std::string& json_text, const std::string& what, Command* out,
                  SpecError* err);

// An object of variable names to scalar values. False with *err (path "/NAME") otherwise.
bool ParseEnv(const std::string& json_text, std::map<std::string, std::string>* out,
              SpecError* err);

// The command as JSON: its string, or its argv list.
std::string CommandJson(const Command& command);

}  // namespace sp::fault_command
