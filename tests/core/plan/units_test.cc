#include <catch2/catch.hpp>

#include "core/plan/units.h"

using namespace sp::plan;
using namespace std::chrono;

namespace {
nanoseconds Dur(const std::string& text) {
  nanoseconds d{-1};
  std::string err;
  INFO(text);
  REQUIRE(ParseDuration(text, &d, &err));
  CHECK(err.empty());
  return d;
}
std::string DurErr(const std::string& text) {
  nanoseconds d{-1};
  std::string err;
  INFO(text);
  REQUIRE_FALSE(ParseDuration(text, &d, &err));
  CHECK(d == nanoseconds{-1});
  return err;
}
double Rate(const std::string& text) {
  double r = -1;
  std::string err;
  INFO(text);
  REQUIRE(ParseRate(text, &r, &err));
  return r;
}
std::string RateErr(const std::string& text) {
  double r = -1;
  std::string err;
  INFO(text);
  REQUIRE_FALSE(ParseRate(text, &r, &err));
  return err;
}
int64_t Size(const std::string& text) {
  int64_t b = -1;
  std::string err;
  INFO(text);
  REQUIRE(ParseSize(text, &b, &err));
  return b;
}
std::string SizeErr(const std::string& text) {
  int64_t b = -1;
  std::string err;
  INFO(text);
  REQUIRE_FALSE(ParseSize(text, &b, &err));
  return err;
}
}  // namespace

TEST_CASE("durations: every unit", "[units]") {
  CHECK(Dur("100ns") == nanoseconds(100));
  CHECK(Dur("250us") == microseconds(250));
  CHECK(Dur("250\xC2\xB5s") == microseconds(250));
  CHECK(Dur("500ms") == milliseconds(500));
  CHECK(Dur("30s") == seconds(30));
  CHECK(Dur("5m") == minutes(5));
  CHECK(Dur("1h") == hours(1));
  CHECK(Dur("1h30m") == minutes(90));
  CHECK(Dur("1m30s") == seconds(90));
  CHECK(Dur("1s500ms") == milliseconds(1500));
  CHECK(Dur("1.5s") == milliseconds(1500));
  CHECK(Dur(" 2s ") == seconds(2));
  CHECK(Dur("0") == nanoseconds(0));
  CHECK(Dur("0s") == nanoseconds(0));
}

TEST_CASE("durations: errors explain the syntax", "[units]") {
  CHECK(DurErr("30") == "duration \"30\" has no unit: write a number with a unit: ns, us, ms, s, m or h (e.g. 500ms, 30s, 1h30m)");
  CHECK(DurErr("-5s") == "duration \"-5s\" is negative; durations are >= 0");
  CHECK(DurErr("5 sec").find("unknown duration unit \" sec\"") != std::string::npos);
  CHECK(DurErr("5d").find("unknown duration unit \"d\"") != std::string::npos);
  CHECK(DurErr("abc").find("invalid duration \"abc\"") != std::string::npos);
  CHECK(DurErr("").find("empty duration") != std::string::npos);
  CHECK(DurErr("1h30").find("has no unit") != std::string::npos);
  CHECK(DurErr("99999999h").find("too long") != std::string::npos);
  CHECK(DurErr("s").find("invalid duration") != std::string::npos);
}

TEST_CASE("rates", "[units]") {
  CHECK(Rate("200/s") == 200.0);
  CHECK(Rate("1200/m") == 20.0);
  CHECK(Rate("36/h") == Approx(0.01));
  CHECK(Rate("50") == 50.0);
  CHECK(Rate("0.5") == 0.5);
  CHECK(Rate("10 / s") == 10.0);
  CHECK(Rate("0") == 0.0);
  CHECK(RateErr("-1/s") == "rate \"-1/s\" is negative; rates are >= 0");
  CHECK(RateErr("5/d") == "unknown rate unit \"d\" in \"5/d\": use /s, /m or /h (e.g. 200/s)");
  CHECK(RateErr("fast").find("invalid rate \"fast\": write events per second") == 0);
  CHECK(RateErr("5x").find("invalid rate") == 0);
}

TEST_CASE("sizes", "[units]") {
  CHECK(Size("512") == 512);
  CHECK(Size("512B") == 512);
  CHECK(Size("4KiB") == 4096);
  CHECK(Size("4KB") == 4000);
  CHECK(Size("2MB") == 2'000'000);
  CHECK(Size("2MiB") == 2 * 1024 * 1024);
  CHECK(Size("1GiB") == int64_t{1} << 30);
  CHECK(Size("1GB") == 1'000'000'000);
  CHECK(Size("1TiB") == int64_t{1} << 40);
  CHECK(Size("1.5KiB") == 1536);
  CHECK(SizeErr("2M") == "size unit \"M\" in \"2M\" is ambiguous: write MB (x1000) or MiB (x1024)");
  CHECK(SizeErr("-1KB") == "size \"-1KB\" is negative; sizes are >= 0");
  CHECK(SizeErr("4 potatoes").find("unknown size unit \"potatoes\"") == 0);
  CHECK(SizeErr("big").find("invalid size \"big\": write bytes (512)") == 0);
}

TEST_CASE("formatting durations and rates round-trips", "[units]") {
  CHECK(FormatDuration(seconds(90)) == "1m30s");
  CHECK(FormatDuration(milliseconds(250)) == "250ms");
  CHECK(FormatDuration(hours(1)) == "1h");
  CHECK(FormatDuration(nanoseconds(0)) == "0s");
  CHECK(FormatDuration(milliseconds(1500)) == "1s500ms");
  for (nanoseconds d : {nanoseconds(1), nanoseconds(1234567891011), nanoseconds(hours(25))}) {
    CHECK(Dur(FormatDuration(d)) == d);
  }
  CHECK(FormatRate(200) == "200/s");
  CHECK(FormatRate(0.5) == "0.5/s");
}

TEST_CASE("units: values past the plan's limits are refused, not wrapped around", "[units][limits]") {
  // One leap year is the longest duration; 2,500,000 h used to pass (and two of them
  // overflowed a profile's total into a negative duration).
  CHECK(Dur("8784h") == hours(8784));
  CHECK(DurErr("8785h") == "duration \"8785h\" is too long: at most 8784h (one leap year)");
  CHECK(DurErr("2500000h").find("is too long: at most 8784h") != std::string::npos);
  CHECK(DurErr("8784h1s").find("is too long") != std::string::npos);
  CHECK(DurErr(std::string(400, '9') + "h").find("is too long") != std::string::npos);

  CHECK(Rate("10000000/s") == 10'000'000.0);
  CHECK(RateErr("10000001/s") == "rate \"10000001/s\" is too large: at most 10000000/s");
  CHECK(RateErr(std::string(400, '9')).find("is too large") != std::string::npos);

  CHECK(Size("1TiB") == int64_t{1} << 40);
  CHECK(SizeErr("1.5TiB") == "size \"1.5TiB\" is too large: at most 1TiB");
  CHECK(SizeErr("2TB").find("is too large") != std::string::npos);
}

TEST_CASE("units: a huge value is not echoed whole in the error", "[units][limits]") {
  const std::string huge = std::string(100'000, '7') + "parsecs";
  const std::string err = DurErr(huge);
  CHECK(err.size() < 400);
  CHECK(err.find("(100007 bytes)") != std::string::npos);
}
