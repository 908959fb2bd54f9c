#include "core/cli/arguments.h"

#include <iostream>

#include <Poco/Exception.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionProcessor.h>

#include "core/plan/suggest.h"

namespace sp::cli {

std::string ParsedArguments::last(const std::string& name, const std::string& fallback) const {
  auto it = options.find(name);
  return it == options.end() || it->second.empty() ? fallback : it->second.back();
}

bool ParseArguments(const std::vector<std::string>& args, Poco::Util::OptionSet& set,
                    ParsedArguments* out, std::string* err) {
  set.addOption(Poco::Util::Option("help", "h", "show this help"));
  Poco::Util::OptionProcessor processor(set);
  processor.setUnixStyle(true);
  bool only_positional = false;
  try {
    for (const std::string& arg : args) {
      if (!only_positional && arg == "--") {
        only_positional = true;
        continue;
      }
      std::string name, value;
      if (!only_positional && processor.process(arg, name, value)) {
        if (name.empty()) continue;  // the option's value comes in the next argument
        if (name == "help") {
          out->help = true;
        } else {
          out->options[name].push_back(value);
        }
        continue;
      }
      out->positional.push_back(arg);
    }
    processor.checkRequired();
  } catch (const Poco::Util::UnknownOptionException& e) {
    // Poco names the option without its dashes (and with any "=value").
    std::string bare = e.message();
    while (!bare.empty() && bare[0] == '-') bare.erase(0, 1);
    bare = bare.substr(0, bare.find('='));
    std::string flag = "--" + bare;
    std::vector<std::string> names;
    for (const auto& o : set) names.push_back(o.fullName());
    std::string close = plan::ClosestMatch(bare, names);
    *err = "unknown option " + flag + (close.empty() ? "" : " (did you mean --" + close + "?)");
    return false;
  } catch (const Poco::Util::MissingArgumentException& e) {
    *err = "option " + e.message() + " needs a value";
    return false;
  } catch (const Poco::Exception& e) {
    *err = e.displayText();
    return false;
  }
  return true;
}

void PrintHelp(const Poco::Util::OptionSet& set, const std::string& command,
               const std::string& usage, const std::string& description, const std::string& exit_codes) {
  Poco::Util::HelpFormatter help(set);
  help.setUnixStyle(true);
  help.setCommand("stressplan " + command);
  help.setUsage(usage);
  help.setHeader(description);
  help.setFooter("Exit codes: " + exit_codes + ". See docs/cli.md.");
  help.format(std::cout);
}

}  // namespace sp::cli
