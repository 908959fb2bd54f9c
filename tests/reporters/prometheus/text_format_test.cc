#include "plugins/reporters/prometheus/text_format.h"

#include <catch2/catch.hpp>
#include <cmath>

using namespace sp::prometheus_reporter;

TEST_CASE("the text format: HELP, TYPE, constant labels first, escapes", "[prometheus]") {
  Exposition e;
  e.constant_labels = {{"plan", "a \"b\"\\c\nd"}};
  e.families.push_back({"x_total",
                        "counter",
                        "Help with \\ and\nnewline.",
                        {{"", {{"kind", "timeout"}}, 3}, {"", {}, 0.25}}});
  e.families.push_back({"y_seconds", "histogram", "H.", {{"_bucket", {{"le", "+Inf"}}, 2}}});
  REQUIRE(TextExposition(e) ==
          "# HELP x_total Help with \\\\ and\\nnewline.\n"
          "# TYPE x_total counter\n"
          "x_total{plan=\"a \\\"b\\\"\\\\c\\nd\",kind=\"timeout\"} 3\n"
          "x_total{plan=\"a \\\"b\\\"\\\\c\\nd\"} 0.25\n"
          "# HELP y_seconds H.\n"
          "# TYPE y_seconds histogram\n"
          "y_seconds_bucket{plan=\"a \\\"b\\\"\\\\c\\nd\",le=\"+Inf\"} 2\n");
}

TEST_CASE("no labels at all: no braces", "[prometheus]") {
  Exposition e;
  e.families.push_back({"g", "gauge", "G.", {{"", {}, 1}}});
  REQUIRE(TextExposition(e) == "# HELP g G.\n# TYPE g gauge\ng 1\n");
}

TEST_CASE("values read back as the same double", "[prometheus]") {
  REQUIRE(FormatValue(3) == "3");
  REQUIRE(FormatValue(0.0025) == "0.0025");
  REQUIRE(FormatValue(123456789012345.0) == "123456789012345");
  REQUIRE(FormatValue(INFINITY) == "+Inf");
  REQUIRE(FormatValue(-INFINITY) == "-Inf");
  REQUIRE(FormatValue(NAN) == "NaN");
  REQUIRE(std::stod(FormatValue(0.1 + 0.2)) == 0.1 + 0.2);
}
