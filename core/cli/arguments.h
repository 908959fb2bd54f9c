// Command-line parsing for one subcommand, on Poco::Util's OptionSet/OptionProcessor
// (Unix style: --name value, --name=value, unique prefixes accepted). Errors name the flag.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <Poco/Util/OptionSet.h>

namespace sp::cli {

struct ParsedArguments {
  std::map<std::string, std::vector<std::string>> options;  // by full option name, in order
  std::vector<std::string> positional;
  bool help = false;

  bool has(const std::string& name) const { return options.count(name) > 0; }
  // The last value given for an option, or `fallback`.
  std::string last(const std::string& name, const std::string& fallback = "") const;
};

// Parses `args` against `set` (which gets a --help option added). On error returns false
// and sets *err, e.g. "unknown option --prfile (did you mean --profile?)".
bool ParseArguments(const std::vector<std::string>& args, Poco::Util::OptionSet& set,
                    ParsedArguments* out, std::string* err);

// Prints the usage of a subcommand from its OptionSet, ending with that command's own exit
// codes ("0 ..., 2 ...").
void PrintHelp(const Poco::Util::OptionSet& set, const std::string& command,
               const std::string& usage, const std::string& description, const std::string& exit_codes);

}  // namespace sp::cli
