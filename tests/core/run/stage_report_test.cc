// Per-stage honesty: requests that failed on the generator's own limits (local_limit) are
// counted as their own kind, per stage, and make that stage untrustworthy.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <string>

#include "core/metrics/recorder.h"
#include "core/run/stage_report.h"

using sp::metrics::ErrorKindName;
using sp::metrics::Recorder;
using sp::run::StageClock;
using sp::run::StageTracker;
using namespace std::chrono_literals;

namespace {

constexpr uint64_t kSec = 1'000'000'000;

sp::plan::Stage Closed(std::chrono::nanoseconds d, int users) {
  sp::plan::Stage s;
  s.duration = d;
  s.users = users;
  return s;
}

sp_result Result(sp_error_kind kind) {
  sp_result r{};
  r.struct_size = sizeof r;
  r.error = kind;
  r.start_ns = 10;
  r.end_ns = 20;
  r.failed_check = UINT32_MAX;
  return r;
}

}  // namespace

TEST_CASE("recorder: local_limit is its own error kind, counted per stage") {
  CHECK(std::string(ErrorKindName(SP_E_LOCAL_LIMIT)) == "local_limit");
  CHECK(std::string(ErrorKindName(SP_E_OTHER)) == "other");
  Recorder a(1, 2);
  a.Record(Result(SP_E_LOCAL_LIMIT), 0, 1, 0);
  a.Record(Result(SP_E_LOCAL_LIMIT), 0, 1, 0);
  a.Record(Result(SP_E_OTHER), 0, 0, 0);
  Recorder b(1, 2);
  b.Record(Result(SP_E_LOCAL_LIMIT), 0, 0, 0);
  a.Merge(b);
  CHECK(a.errors() == 4);
  CHECK(a.errors_by_kind()[SP_E_LOCAL_LIMIT] == 3);
  CHECK(a.errors_by_kind()[SP_E_OTHER] == 1);
  CHECK(a.stages()[0].local_limit == 1);
  CHECK(a.stages()[1].local_limit == 2);
}

TEST_CASE("stage report: any local_limit error makes its stage untrustworthy, naming the count "
          "and RLIMIT_NOFILE") {
  StageClock clock({Closed(2s, 0), Closed(2s, 0)});
  clock.Start(0);
  clock.Advance(2 * kSec);
  StageTracker tracker(clock);
  Recorder total(1, 2);
  total.Record(Result(SP_E_OTHER), 0, 0, 0);  // other errors are the target's business
  for (int i = 0; i < 7; ++i) total.Record(Result(SP_E_LOCAL_LIMIT), 0, 1, 0);

  const auto stages = tracker.Evaluate(total, 0, 4 * kSec);
  REQUIRE(stages.size() == 2);
  CHECK(stages[0].problems.empty());
  REQUIRE(stages[1].problems.size() == 1);
  const std::string& why = stages[1].problems[0];
  INFO(why);
  CHECK(why.find("stage 1: 7 requests failed on the generator's own limits") == 0);
  rlimit l{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &l) == 0);
  const std::string limit =
      l.rlim_cur == RLIM_INFINITY ? "unlimited" : std::to_string(static_cast<unsigned long long>(l.rlim_cur));
  CHECK(why.find("RLIMIT_NOFILE is " + limit) != std::string::npos);
}
