// Execution segments (core/run/segment.h): every split adds up exactly to the plan, for awkward
// segment counts (1, 3, 7, more segments than users), checked against the single-machine
// arithmetic of schedule.h as the oracle.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "core/run/schedule.h"
#include "core/run/segment.h"

using sp::plan::Stage;
using sp::run::Segment;

namespace {

constexpr uint64_t kMs = 1'000'000;

std::vector<Segment> All(uint32_t n) {
  std::vector<Segment> v;
  for (uint32_t i = 0; i < n; ++i) v.push_back(Segment{i, n});
  return v;
}

Stage Closed(int users, std::optional<double> spawn_rate, std::chrono::seconds d) {
  Stage s;
  s.duration = d;
  s.users = users;
  s.spawn_rate = spawn_rate;
  return s;
}

Stage Open(double rate, std::optional<double> ramp_to, std::chrono::seconds d) {
  Stage s;
  s.duration = d;
  s.users = 0;
  s.rate = rate;
  s.ramp_to = ramp_to;
  return s;
}

}  // namespace

TEST_CASE("segments: shares of a count differ by at most one and add up", "[segment]") {
  CHECK(sp::run::ShareOf(10, Segment{0, 4}) == 3);
  CHECK(sp::run::ShareOf(10, Segment{1, 4}) == 3);
  CHECK(sp::run::ShareOf(10, Segment{2, 4}) == 2);
  CHECK(sp::run::ShareOf(10, Segment{3, 4}) == 2);
  for (uint32_t n : {1u, 3u, 7u, 12u}) {
    for (int total = 0; total <= 40; ++total) {
      int sum = 0;
      int low = total;
      int high = 0;
      for (Segment s : All(n)) {
        const int share = sp::run::ShareOf(total, s);
        sum += share;
        low = std::min(low, share);
        high = std::max(high, share);
      }
      INFO("n=" << n << " total=" << total);
      CHECK(sum == total);
      CHECK(high - low <= 1);
    }
  }
  CHECK(sp::run::ShareOf(2, Segment{5, 7}) == 0);  // more segments than users: some get none
  CHECK(sp::run::ShareOf(uint64_t{1} << 40, Segment{2, 3}) == ((uint64_t{1} << 40) + 1) / 3);
}

TEST_CASE("segments: local numbers map to disjoint global numbers covering 0..total-1",
          "[segment]") {
  for (uint32_t n : {1u, 3u, 7u}) {
    const uint64_t total = 50;
    std::set<uint64_t> seen;
    for (Segment s : All(n)) {
      for (uint64_t l = 0; l < sp::run::ShareOf(total, s); ++l) {
        CHECK(seen.insert(sp::run::GlobalNumber(l, s)).second);
      }
    }
    CHECK(seen.size() == total);
    CHECK(*seen.rbegin() == total - 1);
  }
}

TEST_CASE("segments: a ramp of users is sliced at every instant", "[segment]") {
  // 0 -> 10 users at 3 users/s, and 10 -> 1 at 2 users/s: at every millisecond the segments'
  // users add up to the single machine's.
  const Stage up = Closed(10, 3.0, std::chrono::seconds(5));
  const Stage down = Closed(1, 2.0, std::chrono::seconds(6));
  for (uint32_t n : {1u, 3u, 4u, 7u, 16u}) {
    for (uint64_t t = 0; t <= 6000 * kMs; t += kMs) {
      for (auto [stage, from] : {std::pair{&up, 0}, std::pair{&down, 10}}) {
        const int plan = sp::run::UsersWithin(*stage, from, t);
        int sum = 0;
        for (Segment s : All(n)) sum += sp::run::ShareOf(plan, s);
        REQUIRE(sum == plan);
      }
    }
  }
}

TEST_CASE("segments: the open schedule is dealt round-robin, its union the plan's", "[segment]") {
  const Stage ramp = Open(100.0, 900.0, std::chrono::seconds(3));
  const uint64_t planned = static_cast<uint64_t>(sp::run::PlannedArrivals(ramp));  // 1500
  for (uint32_t n : {1u, 3u, 7u}) {
    std::vector<double> union_times;
    for (Segment s : All(n)) {
      for (uint64_t l = 0; l < sp::run::ShareOf(planned, s); ++l) {
        const double t = sp::run::SegmentArrivalSeconds(ramp, l, s);
        if (l > 0) CHECK(t >= sp::run::SegmentArrivalSeconds(ramp, l - 1, s));
        union_times.push_back(t);
      }
    }
    std::sort(union_times.begin(), union_times.end());
    REQUIRE(union_times.size() == planned);
    for (uint64_t k = 0; k < planned; ++k)
      REQUIRE(union_times[k] == sp::run::ArrivalSeconds(ramp, k));
  }
}

TEST_CASE("segments: parsing I/N and the environment of an Indexed Job", "[segment]") {
  Segment s;
  std::string err;
  REQUIRE(sp::run::ParseSegment("2/7", &s, &err));
  CHECK((s.index == 2 && s.count == 7));
  CHECK_FALSE(sp::run::ParseSegment("7/7", &s, &err));
  CHECK_THAT(err, Catch::Contains("out of range: indexes run from 0 to 6"));
  for (const char* bad : {"", "3", "1/", "/4", "-1/4", "1/0", "a/b", "1/4x", "1/ 4"}) {
    INFO(bad);
    CHECK_FALSE(sp::run::ParseSegment(bad, &s, &err));
  }

  std::map<std::string, std::string> env;
  auto getenv = [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  REQUIRE(sp::run::SegmentFromSettings("", getenv, &s, &err));
  CHECK(s.whole());
  env["JOB_COMPLETION_INDEX"] = "3";
  CHECK_FALSE(sp::run::SegmentFromSettings("", getenv, &s, &err));
  CHECK_THAT(err, Catch::Contains("STRESSPLAN_SEGMENTS"));
  env["STRESSPLAN_SEGMENTS"] = "4";
  REQUIRE(sp::run::SegmentFromSettings("", getenv, &s, &err));
  CHECK((s.index == 3 && s.count == 4));
  env["STRESSPLAN_SEGMENTS"] = "3";
  CHECK_FALSE(sp::run::SegmentFromSettings("", getenv, &s, &err));
  CHECK_THAT(err, Catch::StartsWith("JOB_COMPLETION_INDEX / STRESSPLAN_SEGMENTS: segment index 3"));
  env["STRESSPLAN_SEGMENT"] = "1/2";  // the explicit variable wins over the Job's
  REQUIRE(sp::run::SegmentFromSettings("", getenv, &s, &err));
  CHECK((s.index == 1 && s.count == 2));
  REQUIRE(sp::run::SegmentFromSettings("0/5", getenv, &s, &err));  // and the flag over both
  CHECK((s.index == 0 && s.count == 5));
  CHECK_FALSE(sp::run::SegmentFromSettings("5/5", getenv, &s, &err));
  CHECK_THAT(err, Catch::StartsWith("--segment: "));
}

TEST_CASE("segments: a stage's iterations go to the segments with users, adding up", "[segment]") {
  for (uint32_t n : {1u, 3u, 7u, 16u}) {
    for (int users : {0, 1, 2, 5, 7, 40}) {
      for (uint64_t iterations : {1ull, 5ull, 100ull, 1001ull}) {
        uint64_t sum = 0;
        for (Segment s : All(n)) {
          const uint64_t part = sp::run::IterationShare(iterations, users, s);
          sum += part;
          INFO("n=" << n << " users=" << users << " iterations=" << iterations);
          // No segment gets iterations without a user to run them (unless no one has any).
          if (users > 0 && sp::run::ShareOf(users, s) == 0) CHECK(part == 0);
        }
        REQUIRE(sum == iterations);
      }
    }
  }
  CHECK(sp::run::IterationShare(10, 2, Segment{0, 4}) == 5);
  CHECK(sp::run::IterationShare(10, 2, Segment{2, 4}) == 0);
}
