// Reading one value out of a Prometheus text exposition (format 0.0.4), the way a chaos
// observer samples a service's /metrics: a selector names the series, the values are summed.
// The plan checks its observers' selectors (core/plan) with the same parser the observers
// (core/chaos) use, so it lives below both.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sp::prometheus {

// A PromQL-like instant selector without functions or regexes: `name`, `name{}`,
// `name{a="x",b!="y"}`. As in PromQL, a label the sample lacks has the value "", so `a=""`
// matches samples without `a` and `a!="x"` matches samples without `a`.
struct PromSelector {
  std::string name;                       // metric name
  struct Matcher { std::string label; std::string value; bool negate = false; };  // label="v" / label!="v"
  std::vector<Matcher> matchers;
  std::string text;                       // as written
  // Parses `name`, `name{}`, `name{a="x",b!="y"}`; false + *err (saying what and where) when malformed.
  // Label values take the escapes \" \\ \n; a trailing comma is allowed; `=~`/`!~` are refused.
  static bool Parse(std::string_view text, PromSelector* out, std::string* err);

  // Whether a sample named `sample_name` with these (unescaped) labels is selected.
  bool Matches(std::string_view sample_name,
               const std::vector<std::pair<std::string, std::string>>& labels) const;
};

// Sum of the values of every sample in `exposition` whose name and labels match; nullopt when
// no sample matches. Handles comments/HELP/TYPE, escaped label values (\" \\ \n), optional
// timestamps, +Inf/-Inf/NaN, spaces, a missing trailing newline and CRLF. Lines it cannot parse
// are skipped and counted in *skipped when non-null (they never fail the whole read: one odd
// line from an exporter should not blind the observer).
std::optional<double> PromValue(std::string_view exposition, const PromSelector& sel,
                                size_t* skipped = nullptr);

}  // namespace sp::prometheus
