#include <catch2/catch.hpp>

#include "core/plan/typed_value.h"
#include "core/plan/yaml_loader.h"

using namespace sp::plan;

TEST_CASE("typed text: integers, floats, booleans", "[typed]") {
  int64_t i = 0;
  CHECK((ParseIntText("42", &i) && i == 42));
  CHECK((ParseIntText("-3", &i) && i == -3));
  CHECK((ParseIntText("+7", &i) && i == 7));
  CHECK_FALSE(ParseIntText("", &i));
  CHECK_FALSE(ParseIntText("1.0", &i));
  CHECK_FALSE(ParseIntText("1e3", &i));
  CHECK_FALSE(ParseIntText("+-5", &i));
  CHECK_FALSE(ParseIntText("0x10", &i));
  CHECK_FALSE(ParseIntText("99999999999999999999", &i));
  CHECK_FALSE(ParseIntText("5 ", &i));

  double f = 0;
  CHECK((ParseFloatText("0.5", &f) && f == 0.5));
  CHECK((ParseFloatText("-2.5e3", &f) && f == -2500));
  CHECK((ParseFloatText("3", &f) && f == 3));
  CHECK_FALSE(ParseFloatText("inf", &f));
  CHECK_FALSE(ParseFloatText("nan", &f));
  CHECK_FALSE(ParseFloatText(".inf", &f));
  CHECK_FALSE(ParseFloatText("1e999", &f));
  CHECK_FALSE(ParseFloatText("1,5", &f));

  bool b = false;
  CHECK((ParseBoolText("true", &b) && b));
  CHECK((ParseBoolText("false", &b) && !b));
  CHECK_FALSE(ParseBoolText("yes", &b));
  CHECK_FALSE(ParseBoolText("True", &b));
  CHECK_FALSE(ParseBoolText("1", &b));
}

TEST_CASE("typed readers: quoted text is read by the expected type", "[typed]") {
  Value v;
  Diagnostics errors;
  REQUIRE(LoadYamlString("a: '12'\nb: \"30s\"\nc: {x: 1}\n", "t.yaml", &v, &errors));
  int64_t i = 0;
  CHECK((ReadInt(*v.find("a"), "a", &i, &errors) && i == 12));
  Duration d{0};
  CHECK((ReadDuration(*v.find("b"), "b", &d, &errors) && d == std::chrono::seconds(30)));
  CHECK(errors.empty());
  std::string s;
  CHECK_FALSE(ReadText(*v.find("c"), "c", &s, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() == "t.yaml:3:4: c: expected text, got a map");
}

TEST_CASE("CheckKeys lists every unknown key", "[typed]") {
  Value v;
  Diagnostics errors;
  REQUIRE(LoadYamlString("nmae: a\nweight: 1\nzzz: 2\n", "t.yaml", &v, &errors));
  CHECK_FALSE(CheckKeys(v, "scenarios.0", {"name", "weight"}, "a scenario", &errors));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].str() ==
        "t.yaml:1:1: scenarios.0.nmae: unknown key in a scenario (did you mean \"name\"?); known keys: name, weight");
  CHECK(errors[1].str() == "t.yaml:3:1: scenarios.0.zzz: unknown key in a scenario; known keys: name, weight");
}
