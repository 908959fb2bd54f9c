#include <catch2/catch.hpp>

#include "core/plan/suggest.h"

using namespace sp::plan;

TEST_CASE("edit distance", "[suggest]") {
  CHECK(EditDistance("", "") == 0);
  CHECK(EditDistance("kitten", "sitting") == 3);
  CHECK(EditDistance("tagret", "target") == 1);  // adjacent swap counts once
  CHECK(EditDistance("Target", "target") == 0);
  CHECK(EditDistance("abc", "") == 3);
}

TEST_CASE("did you mean", "[suggest]") {
  const std::vector<std::string> keys = {"name", "scenarios", "profiles", "profile", "target"};
  CHECK(ClosestMatch("scenarois", keys) == "scenarios");
  CHECK(ClosestMatch("profle", keys) == "profile");
  CHECK(ClosestMatch("xyz", keys) == "");
  CHECK(ClosestMatch("chaos", keys) == "");
  CHECK(DidYouMean("tagret", keys) == " (did you mean \"target\"?)");
  CHECK(DidYouMean("zzzzzz", keys) == "");
  CHECK(JoinNames({"a", "b"}) == "a, b");
  CHECK(JoinNames({}) == "none");
}
