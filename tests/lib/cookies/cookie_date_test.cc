// Cookie dates (RFC 6265 §5.1.1): the three formats servers send, the algorithm's tolerance of
// order and decoration, two-digit years, every range check, and an oracle: random instants
// written in each format read back as libc's timegm computes them.
#include "lib/cookies/cookie_date.h"

#include <time.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>

using sp::cookies::ParseCookieDate;

namespace {

// The unix seconds of `text`, or -1 when it is refused (no date below is 1969-12-31 23:59:59).
int64_t Date(const std::string& text) {
  int64_t when = 0;
  INFO(text);
  return ParseCookieDate(text, &when) ? when : -1;
}

constexpr int64_t k1994 = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT

}  // namespace

TEST_CASE("cookie date: the formats servers send", "[cookies]") {
  CHECK(Date("Sun, 06 Nov 1994 08:49:37 GMT") == k1994);       // RFC 1123
  CHECK(Date("Sunday, 06-Nov-94 08:49:37 GMT") == k1994);      // RFC 850
  CHECK(Date("Sun Nov  6 08:49:37 1994") == k1994);            // asctime
  CHECK(Date("Sun, 06-Nov-1994 08:49:37 GMT") == k1994);       // Netscape's
  CHECK(Date("Wed, 09 Jun 2021 10:18:14 GMT") == 1623233894);  // RFC 6265 §3.1
  CHECK(Date("Thu, 01 Jan 1970 00:00:00 GMT") == 0);
}

TEST_CASE("cookie date: order, case, decoration and the time zone do not matter", "[cookies]") {
  CHECK(Date("06 Nov 1994 08:49:37") == k1994);
  CHECK(Date("1994 Nov 06 08:49:37") == k1994);  // "1994" cannot be a day: it is the year
  CHECK(Date("08:49:37 06 NOVEMBER 1994") == k1994);
  CHECK(Date("nov 6 1994 8:49:37") == k1994);
  CHECK(Date("6 nOv 1994 08:49:37 +0900") == k1994);  // the zone is ignored, always UTC
  CHECK(Date("  ,;06th Nov 1994ad 08:49:37xyz!") == k1994);
  CHECK(Date("Sun,06-Nov-1994,08:49:37") == k1994);
  // The first token of each kind wins; later ones are ignored.
  CHECK(Date("06 Nov 1994 08:49:37 07 Dec 1995 09:50:38") == k1994);
  // A token is taken for the first production it matches that is still missing: "12" is the
  // day, so "06" is the year (2006), and "1994" then matches nothing.
  CHECK(Date("Nov 12 06 1994 08:49:37") == Date("12 Nov 2006 08:49:37"));
}

TEST_CASE("cookie date: two-digit years are 1970-2069", "[cookies]") {
  CHECK(Date("01 Jan 70 00:00:00") == 0);
  CHECK(Date("31 Dec 99 23:59:59") == 946684799);
  CHECK(Date("29 Feb 00 00:00:00") == 951782400);
  CHECK(Date("01 Jan 69 00:00:00") == 3124224000);
  // The rule applies to the value, however many digits wrote it.
  CHECK(Date("01 Jan 0069 00:00:00") == 3124224000);
  CHECK(Date("01 Jan 070 00:00:00") == 0);
}

TEST_CASE("cookie date: out of range or missing fields refuse the date", "[cookies]") {
  CHECK(Date("01 Jan 1601 00:00:00") == -11644473600);
  CHECK(Date("31 Dec 9999 23:59:59") == 253402300799);
  CHECK(Date("31 Dec 1600 23:59:59") == -1);  // before 1601
  CHECK(Date("00 Jan 2000 00:00:00") == -1);  // day 0
  CHECK(Date("32 Jan 2000 00:00:00") == -1);  // day 32
  CHECK(Date("01 Jan 2000 24:00:00") == -1);
  CHECK(Date("01 Jan 2000 00:60:00") == -1);
  CHECK(Date("01 Jan 2000 00:00:60") == -1);  // no leap second
  CHECK(Date("31 Apr 2000 00:00:00") == -1);  // April has 30 days
  CHECK(Date("29 Feb 1900 00:00:00") == -1);  // not a leap year
  CHECK(Date("29 Feb 2004 12:00:00") == 1078056000);
  CHECK(Date("Jan 2000 00:00:00") == -1);  // no day
  CHECK(Date("01 2000 00:00:00") == -1);   // no month
  CHECK(Date("01 Jan 00:00:00") == -1);    // no year
  CHECK(Date("01 Jan 2000") == -1);        // no time
  CHECK(Date("") == -1);
  CHECK(Date("   ") == -1);
  CHECK(Date("0") == -1);
  CHECK(Date("Ja 01 2000 00:00:00") == -1);  // a month needs three letters
}

TEST_CASE("cookie date: tokens must match their production exactly", "[cookies]") {
  // Three digits are no day (they are the year 2001 here), and "2000" is no day either.
  CHECK(Date("001 Jan 2000 00:00:00") == -1);
  CHECK(Date("01 Jan 20000 00:00:00") == -1);       // five digits: no year
  CHECK(Date("01 Jan 2 00:00:00") == -1);           // one digit: no year (it was the day's kind)
  CHECK(Date("01 Jan 2000 000:00:00") == -1);       // three-digit hour: no time
  CHECK(Date("01 Jan 2000 00:00:000") == -1);       // three-digit second
  CHECK(Date("01 Jan 2000 00:00") == -1);           // two fields
  CHECK(Date("01 Jan 2000 1:2:3") == 946688523);    // one digit each is fine
  CHECK(Date("01 Jan 2000 1:2:3pm") == 946688523);  // a non-digit may follow
  CHECK(Date("01x Jan 2000y 00:00:00z") == 946684800);
  // Control and high bytes are not delimiters: they stay inside their token.
  CHECK(Date(std::string("01 Jan 2000 00:00:00\x01")) == 946684800);
  CHECK(Date(std::string("01\x01 Jan 2000 00:00:00")) == 946684800);
  CHECK(Date(std::string("\x01"
                         "01 Jan 2000 00:00:00")) == -1);  // "\x01""01" is no day
  CHECK(Date("01 Jan\xff 2000 00:00:00") == 946684800);
}

TEST_CASE("cookie date: random instants in every format read back as timegm says", "[cookies]") {
  std::mt19937_64 random(6265);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 20000; ++i) {
    const int64_t when = std::uniform_int_distribution<int64_t>(-11644473600, 253402300799)(random);
    const time_t t = static_cast<time_t>(when);
    struct tm tm;
    REQUIRE(gmtime_r(&t, &tm) != nullptr);
    char text[3][64];
    std::snprintf(text[0], sizeof text[0], "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    std::snprintf(text[1], sizeof text[1], "%s %s %2d %02d:%02d:%02d %d", kDays[tm.tm_wday],
                  kMonths[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  tm.tm_year + 1900);
    const int year = tm.tm_year + 1900;
    std::snprintf(text[2], sizeof text[2], "%s, %02d-%s-%02d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], year % 100, tm.tm_hour, tm.tm_min, tm.tm_sec);
    CHECK(Date(text[0]) == when);
    CHECK(Date(text[1]) == when);
    // Two digits name the year only from 1970 to 2069.
    if (year >= 1970 && year <= 2069) CHECK(Date(text[2]) == when);
  }
}
