// The host side of the ABI as the proxy's tests need it: a host function table that records
// log lines, and option tables built from name -> value the way the host hands them over
// (in declaration order, typed, unset when not given).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "stressplan/plugin.h"

namespace sp::proxy::test {

constexpr uint64_t kMs = 1'000'000;
uint64_t NowNs();

const sp_host_api* FakeHost();
// Every line logged through the fake host so far, "LEVEL message".
std::vector<std::string> LoggedLines();

// Option values by name, in plan syntax already converted: strings as text, durations and
// sizes as integers (ns / bytes), floats and ints as numbers. Built into an sp_options that
// stays valid while this object lives.
class OptionTable {
 public:
  OptionTable(const sp_option_decl* decls, size_t count, std::map<std::string, std::string> text,
              std::map<std::string, double> numbers);
  const sp_options* get() const { return &options_; }

 private:
  std::vector<std::string> texts_;
  std::vector<sp_option_value> values_;
  sp_options options_{};
};

}  // namespace sp::proxy::test
