// --start-at (core/run/start_at.h): RFC 3339 with its offsets and epoch seconds, checked against
// instants computed by hand; the refusal of a stale instant.
#include <catch2/catch.hpp>

#include "core/run/start_at.h"

namespace {

// 2026-01-02T03:04:05Z
constexpr double kInstant = 1767323045.0;

double Parsed(const char* text) {
  double v = -1;
  std::string err;
  INFO(text);
  REQUIRE(sp::run::ParseStartAt(text, &v, &err));
  return v;
}

}  // namespace

TEST_CASE("start-at: RFC 3339 and epoch seconds", "[start_at]") {
  CHECK(Parsed("2026-01-02T03:04:05Z") == kInstant);
  CHECK(Parsed("2026-01-02t03:04:05z") == kInstant);
  CHECK(Parsed("2026-01-02T04:04:05+01:00") == kInstant);
  CHECK(Parsed("2026-01-01T21:34:05-05:30") == kInstant);
  CHECK(Parsed("2026-01-02T03:04:05.25Z") == Approx(kInstant + 0.25).margin(1e-6));
  CHECK(Parsed("1970-01-01T00:00:00Z") == 0.0);
  CHECK(Parsed("2024-02-29T00:00:00Z") == 1709164800.0);  // a leap day
  CHECK(Parsed("1767323045") == kInstant);
  CHECK(Parsed("1767323045.5") == kInstant + 0.5);
}

TEST_CASE("start-at: what is refused, and why", "[start_at]") {
  double v = 0;
  std::string err;
  for (const char* bad : {"", "now", "2026-01-02T03:04:05", "2026-01-02 03:04:05Z",
                          "2026-01-02T03:04Z", "2026-01-02T03:04:05+0100", "2026-01-02T03:04:05.Z",
                          "2026-01-02T03:04:05Zjunk", "1767323045s", "-1", "inf", "1e9"}) {
    INFO(bad);
    CHECK_FALSE(sp::run::ParseStartAt(bad, &v, &err));
    CHECK_THAT(err, Catch::Contains("expected an RFC 3339 time"));
  }
  CHECK_FALSE(sp::run::ParseStartAt("2026-02-30T00:00:00Z", &v, &err));
  CHECK_THAT(err, Catch::Contains("is not a valid date and time"));
  CHECK_FALSE(sp::run::ParseStartAt("2026-01-02T24:00:00Z", &v, &err));

  // A few seconds late is accepted (the generators started a little apart); more is stale.
  CHECK(sp::run::StartAtFromFlag("1767323045", kInstant + 4.0, &v, &err));
  CHECK_FALSE(sp::run::StartAtFromFlag("2026-01-02T03:04:05Z", kInstant + 60.0, &v, &err));
  CHECK_THAT(err, Catch::Contains("60.0 s in the past"));
  CHECK(sp::run::StartAtFromFlag("1767323105", kInstant, &v, &err));  // a minute ahead
}
