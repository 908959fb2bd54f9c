#include "core/chaos/prometheus.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

using sp::chaos::PromSelector;
using sp::chaos::PromValue;

namespace {

// What Micrometer's Prometheus registry prints for resilience4j (note the trailing commas).
const char* const kResilience4j = R"(# HELP resilience4j_circuitbreaker_state The states of the circuit breaker
# TYPE resilience4j_circuitbreaker_state gauge
resilience4j_circuitbreaker_state{name="backendA",state="closed",} 0.0
resilience4j_circuitbreaker_state{name="backendA",state="disabled",} 0.0
resilience4j_circuitbreaker_state{name="backendA",state="forced_open",} 0.0
resilience4j_circuitbreaker_state{name="backendA",state="half_open",} 0.0
resilience4j_circuitbreaker_state{name="backendA",state="metrics_only",} 0.0
resilience4j_circuitbreaker_state{name="backendA",state="open",} 1.0
resilience4j_circuitbreaker_state{name="backendB",state="closed",} 1.0
resilience4j_circuitbreaker_state{name="backendB",state="open",} 0.0
# HELP resilience4j_circuitbreaker_calls_seconds Total number of successful calls
# TYPE resilience4j_circuitbreaker_calls_seconds summary
resilience4j_circuitbreaker_calls_seconds_count{kind="successful",name="backendA",} 120.0
resilience4j_circuitbreaker_calls_seconds_sum{kind="successful",name="backendA",} 1.2345
resilience4j_circuitbreaker_calls_seconds_count{kind="failed",name="backendA",} 30.0
resilience4j_circuitbreaker_calls_seconds_count{kind="ignored",name="backendA",} 0.0
# HELP resilience4j_circuitbreaker_not_permitted_calls_total Total number of not permitted calls
# TYPE resilience4j_circuitbreaker_not_permitted_calls_total counter
resilience4j_circuitbreaker_not_permitted_calls_total{kind="not_permitted",name="backendA",} 7.0
# HELP resilience4j_circuitbreaker_failure_rate The failure rate of the circuit breaker
# TYPE resilience4j_circuitbreaker_failure_rate gauge
resilience4j_circuitbreaker_failure_rate{name="backendA",} 50.0
resilience4j_circuitbreaker_failure_rate{name="backendB",} -1.0
)";

// A Go/Python client style exposition as a demo service would print it: no trailing commas,
// timestamps, histogram with +Inf, escaped label values, CRLF line ends, no final newline.
const char* const kDemo =
    "# HELP demo_upstream_breaker_open 1 while the upstream breaker is open.\r\n"
    "# TYPE demo_upstream_breaker_open gauge\r\n"
    "demo_upstream_breaker_open{upstream=\"llm\"} 1\r\n"
    "demo_upstream_breaker_open{upstream=\"db\"} 0\r\n"
    "# TYPE demo_upstream_breaker_transitions_total counter\r\n"
    "demo_upstream_breaker_transitions_total{upstream=\"llm\",to=\"open\"} 3 1712345678000\r\n"
    "demo_upstream_breaker_transitions_total{upstream=\"llm\",to=\"closed\"} 2 1712345678000\r\n"
    "demo_upstream_breaker_transitions_total{upstream=\"db\",to=\"open\"} 1\r\n"
    "\r\n"
    "# TYPE demo_request_seconds histogram\r\n"
    "demo_request_seconds_bucket{le=\"0.1\"} 90\r\n"
    "demo_request_seconds_bucket{le=\"+Inf\"} 100\r\n"
    "demo_request_seconds_count 100\r\n"
    "demo_errors_total{message=\"quote \\\" backslash \\\\ newline \\n end\"} 4\r\n"
    "demo_errors_total{message=\"plain\"} 1\r\n"
    "demo_temperature  \t -Inf\r\n"
    "demo_ratio +Inf\r\n"
    "demo_unknown NaN\r\n"
    "demo_sci 1.5e3";

PromSelector Sel(const std::string& text) {
  PromSelector sel;
  std::string err;
  INFO(text);
  REQUIRE(PromSelector::Parse(text, &sel, &err));
  CHECK(err.empty());
  return sel;
}

std::string ParseError(const std::string& text) {
  PromSelector sel;
  std::string err;
  INFO(text);
  CHECK_FALSE(PromSelector::Parse(text, &sel, &err));
  return err;
}

}  // namespace

TEST_CASE("selectors parse names, matchers and escapes") {
  PromSelector s = Sel("up");
  CHECK(s.name == "up");
  CHECK(s.matchers.empty());
  CHECK(s.text == "up");

  CHECK(Sel("  up{ }  ").matchers.empty());
  CHECK(Sel("job:rate5m{}").name == "job:rate5m");

  s = Sel(R"(x_total{a="1", b != "2",})");
  REQUIRE(s.matchers.size() == 2);
  CHECK(s.matchers[0].label == "a");
  CHECK(s.matchers[0].value == "1");
  CHECK_FALSE(s.matchers[0].negate);
  CHECK(s.matchers[1].label == "b");
  CHECK(s.matchers[1].value == "2");
  CHECK(s.matchers[1].negate);

  s = Sel(R"(m{msg="say \"hi\" \\ \n"})");
  REQUIRE(s.matchers.size() == 1);
  CHECK(s.matchers[0].value == "say \"hi\" \\ \n");
  CHECK(Sel(R"(m{a=""})").matchers[0].value.empty());
}

TEST_CASE("malformed selectors say what and where") {
  CHECK(ParseError("") == "selector is empty: expected a metric name such as up or up{job=\"api\"}");
  CHECK(ParseError(R"({a="b"})") ==
        R"(selector '{a="b"}': a metric name is required before '{' at column 1)");
  CHECK(ParseError("1up") ==
        "selector '1up': expected a metric name (letters, digits, '_' or ':'), found '1' at "
        "column 1");
  CHECK(ParseError("up{a=b}") ==
        "selector 'up{a=b}': expected a double-quoted value for label 'a' at column 6");
  CHECK(ParseError(R"(up{a="b")") == R"(selector 'up{a="b"': missing '}' to close the '{' at column 3)");
  CHECK(ParseError(R"(up{a="b)") == R"(selector 'up{a="b': unterminated value for label 'a' at column 6)");
  CHECK(ParseError(R"(up{a=~"b"})") ==
        R"(selector 'up{a=~"b"}': regex matchers (=~, !~) are not supported; use = or != at column 5)");
  CHECK(ParseError(R"(up{a!~"b"})").find("regex matchers") != std::string::npos);
  CHECK(ParseError(R"(up{a="b"} x)") == R"(selector 'up{a="b"} x': unexpected 'x' after the selector at column 11)");
  CHECK(ParseError("up x") == "selector 'up x': unexpected 'x' after the selector at column 4");
  CHECK(ParseError(R"(up{1a="b"})") ==
        R"(selector 'up{1a="b"}': expected a label name, found '1' at column 4)");
  CHECK(ParseError("up{a}") == "selector 'up{a}': expected = or != after label 'a' at column 5");
  CHECK(ParseError(R"(up{a="\t"})") ==
        R"(selector 'up{a="\t"}': unknown escape '\t' (only \", \\ and \n) at column 7)");
  CHECK(ParseError(R"(up{a="1" b="2"})") ==
        R"(selector 'up{a="1" b="2"}': expected ',' or '}', found 'b' at column 10)");
  CHECK(ParseError("up{") == "selector 'up{': missing '}' to close the '{' at column 3");
}

TEST_CASE("resilience4j exposition: gauges by label, sums, no match") {
  size_t skipped = 99;
  auto v = PromValue(kResilience4j,
                     Sel(R"(resilience4j_circuitbreaker_state{name="backendA",state="open"})"),
                     &skipped);
  REQUIRE(v);
  CHECK(*v == 1.0);
  CHECK(skipped == 0);

  // All states of backendA sum to 1 (one state at a time); every series of the metric to 2.
  CHECK(PromValue(kResilience4j, Sel(R"(resilience4j_circuitbreaker_state{name="backendA"})")) == 1.0);
  CHECK(PromValue(kResilience4j, Sel("resilience4j_circuitbreaker_state")) == 2.0);
  CHECK(PromValue(kResilience4j, Sel(R"(resilience4j_circuitbreaker_state{state="open"})")) == 1.0);
  // != : everything of backendA that is not closed.
  CHECK(PromValue(kResilience4j,
                  Sel(R"(resilience4j_circuitbreaker_state{name="backendA",state!="closed"})")) == 1.0);
  CHECK(PromValue(kResilience4j,
                  Sel(R"(resilience4j_circuitbreaker_calls_seconds_count{kind!="successful"})")) == 30.0);
  CHECK(PromValue(kResilience4j, Sel("resilience4j_circuitbreaker_calls_seconds_count")) == 150.0);
  CHECK(PromValue(kResilience4j, Sel("resilience4j_circuitbreaker_failure_rate{name=\"backendB\"}")) == -1.0);

  // No match: another name (a prefix is not a match), a label value nobody has.
  CHECK_FALSE(PromValue(kResilience4j, Sel("resilience4j_circuitbreaker_calls_seconds")));
  CHECK_FALSE(PromValue(kResilience4j, Sel(R"(resilience4j_circuitbreaker_state{name="backendC"})")));
  CHECK_FALSE(PromValue("", Sel("up")));
  CHECK_FALSE(PromValue("# only comments\n\n", Sel("up")));
}

TEST_CASE("demo exposition: CRLF, timestamps, escapes, special values, no final newline") {
  size_t skipped = 99;
  CHECK(PromValue(kDemo, Sel(R"(demo_upstream_breaker_open{upstream="llm"})"), &skipped) == 1.0);
  CHECK(skipped == 0);
  CHECK(PromValue(kDemo, Sel(R"(demo_upstream_breaker_transitions_total{to="open"})")) == 4.0);
  CHECK(PromValue(kDemo,
                  Sel(R"(demo_upstream_breaker_transitions_total{upstream="llm",to="open"})")) == 3.0);
  CHECK(PromValue(kDemo, Sel(R"(demo_request_seconds_bucket{le="+Inf"})")) == 100.0);
  CHECK(PromValue(kDemo, Sel(R"(demo_errors_total{message="quote \" backslash \\ newline \n end"})")) == 4.0);
  CHECK(PromValue(kDemo, Sel(R"(demo_errors_total{message!="plain"})")) == 4.0);
  CHECK(PromValue(kDemo, Sel("demo_temperature")) == -std::numeric_limits<double>::infinity());
  CHECK(PromValue(kDemo, Sel("demo_ratio")) == std::numeric_limits<double>::infinity());
  auto nan = PromValue(kDemo, Sel("demo_unknown"));
  REQUIRE(nan);
  CHECK(std::isnan(*nan));
  CHECK(PromValue(kDemo, Sel("demo_sci")) == 1500.0);  // the last line, no newline after it
}

TEST_CASE("a missing label has the empty value, as in PromQL") {
  const char* text = "m{a=\"x\"} 1\nm{b=\"y\"} 2\nm 4\n";
  CHECK(PromValue(text, Sel(R"(m{a=""})")) == 6.0);
  CHECK(PromValue(text, Sel(R"(m{a!="x"})")) == 6.0);
  CHECK(PromValue(text, Sel(R"(m{a!=""})")) == 1.0);
  CHECK(PromValue(text, Sel("m{}")) == 7.0);
}

TEST_CASE("garbage lines are skipped and counted, the rest still read") {
  const char* text =
      "this is not a metric\n"
      "up{job=\"a\" 1\n"              // unclosed brace
      "up{job=\"a\"} \n"              // no value
      "up{job=\"a\"} abc\n"           // not a number
      "up{job=\"a\"} 1 2 3\n"         // too many fields
      "up{job=\"a\"} 1 1.5\n"         // a timestamp is an integer
      "up{job=\"a\",job=\"b\"} 1\n"   // a label twice
      "up{job=\"a} 1\n"               // unterminated value
      "{job=\"a\"} 1\n"               // no name
      "up{job=\"a\"} 2 -17\n"         // fine (negative timestamp)
      "  # indented comment\n"
      "up{job=\"b\"} 3\n";
  size_t skipped = 0;
  CHECK(PromValue(text, Sel("up"), &skipped) == 5.0);
  CHECK(skipped == 9);
  // Counted even when nothing matches.
  CHECK_FALSE(PromValue(text, Sel("down"), &skipped));
  CHECK(skipped == 9);
}
