// Judging a rule on two runs' readings (core/compare/judge.h): a change within the runs' own
// noise passes, one beyond the allowance and the noise fails, and missing metrics are told
// apart from passing ones.
#include "core/compare/judge.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

using sp::compare::Judge;
using sp::compare::Judgment;
using sp::compare::ParseRule;
using sp::compare::Reading;
using sp::compare::Rule;
using sp::compare::Verdict;
using sp::metrics::Histogram;

namespace {

Rule R(const std::string& text) {
  Rule r;
  std::string err;
  REQUIRE(ParseRule(text, &r, &err));
  return r;
}

// n latencies spread evenly over [1, 10] ms, times `scale`.
Reading Latencies(int n, double scale) {
  Reading r;
  r.present = true;
  Histogram h;
  for (int i = 0; i < n; ++i) {
    h.Record(static_cast<uint64_t>((1e6 + 9e6 * i / n) * scale));
  }
  r.histogram = h;
  r.requests = h.count();
  r.value = static_cast<double>(h.Percentile(95)) / 1e9;
  return r;
}

Reading Value(double v, uint64_t requests = 0) {
  Reading r;
  r.present = true;
  r.value = v;
  r.requests = requests;
  return r;
}

Verdict V(const std::string& rule, const Reading& b, const Reading& c) {
  return Judge(R(rule), b, c, 0.99).verdict;
}

}  // namespace

TEST_CASE("compare judge: the Wilson interval of a rate", "[compare]") {
  double low = 0, high = 0;
  sp::compare::WilsonInterval(0, 100, 1.96, &low, &high);  // 0 of 100: [0, 3.70%]
  CHECK(low == 0);
  CHECK(high == Approx(0.03700).epsilon(1e-3));
  sp::compare::WilsonInterval(0.5, 100, 1.96, &low, &high);  // 50 of 100: [40.38%, 59.62%]
  CHECK(low == Approx(0.4038).epsilon(1e-3));
  CHECK(high == Approx(0.5962).epsilon(1e-3));
}

TEST_CASE("compare judge: latency percentiles, judged beyond the runs' noise", "[compare]") {
  const Reading base = Latencies(20000, 1.0);
  // The same run again passes even a rule that allows nothing.
  CHECK(V("latency.p95 +0%", base, Latencies(20000, 1.0)) == Verdict::kPassed);
  // 50% slower is beyond +10% and beyond the noise.
  const Judgment slow = Judge(R("latency.p95 +10%"), base, Latencies(20000, 1.5), 0.99);
  CHECK(slow.verdict == Verdict::kRegressed);
  CHECK(slow.significant);
  CHECK(slow.has_interval);
  CHECK(slow.why.find("larger than the runs' noise") != std::string::npos);
  // 5% slower is within +10%.
  CHECK(V("latency.p95 +10%", base, Latencies(20000, 1.05)) == Verdict::kPassed);
  // With 20 requests a run knows its p95 too poorly for 20% to count against +10%...
  const Judgment few = Judge(R("latency.p95 +10%"), Latencies(20, 1.0), Latencies(20, 1.2), 0.99);
  CHECK(few.verdict == Verdict::kPassed);
  CHECK_FALSE(few.significant);
  // ...while the point values alone would have failed it.
  CHECK(few.current.value > few.baseline.value * 1.1);
  // +2ms is an absolute allowance: 10% of a ~9.5 ms p95 is under it, 50% is over.
  CHECK(V("latency.p95 +2ms", base, Latencies(20000, 1.1)) == Verdict::kPassed);
  CHECK(V("latency.p95 +2ms", base, Latencies(20000, 1.5)) == Verdict::kRegressed);
}

TEST_CASE("compare judge: rates, throughput, recovery and trips", "[compare]") {
  // 0 of 1000 against 3 of 1000: 0.3pp, under +0.5pp. 30 of 1000: 3pp, over.
  CHECK(V("error_rate +0.5pp", Value(0, 1000), Value(0.003, 1000)) == Verdict::kPassed);
  CHECK(V("error_rate +0.5pp", Value(0, 1000), Value(0.03, 1000)) == Verdict::kRegressed);
  // 1 error in 20 requests against none is not evidence of a 1pp rise.
  CHECK(V("error_rate +1pp", Value(0, 20), Value(0.05, 20)) == Verdict::kPassed);
  CHECK(V("throughput_rps -5%", Value(1000), Value(960)) == Verdict::kPassed);
  CHECK(V("throughput_rps -5%", Value(1000), Value(940)) == Verdict::kRegressed);
  CHECK(V("throughput_rps -5%", Value(1000), Value(2000)) == Verdict::kPassed);
  const double never = std::numeric_limits<double>::infinity();
  CHECK(V("recovery_time +2s", Value(1.0), Value(2.5)) == Verdict::kPassed);
  CHECK(V("recovery_time +2s", Value(1.0), Value(3.5)) == Verdict::kRegressed);
  CHECK(V("recovery_time +2s", Value(1.0), Value(never)) == Verdict::kRegressed);
  CHECK(V("recovery_time +2s", Value(never), Value(never)) == Verdict::kPassed);
  CHECK(V("recovery_time +50%", Value(2.0), Value(2.9)) == Verdict::kPassed);
  CHECK(V("circuit.trips +0", Value(1), Value(1)) == Verdict::kPassed);
  CHECK(V("circuit.trips +0", Value(1), Value(2)) == Verdict::kRegressed);
}

TEST_CASE("compare judge: a metric missing from one report is not a pass", "[compare]") {
  const Judgment none = Judge(R("recovery_time +2s"), Reading{}, Reading{}, 0.99);
  CHECK(none.verdict == Verdict::kSkipped);
  CHECK(none.why == "neither report has recovery_time");
  const Judgment half =
      Judge(R("latency.p95 +10% request:s/login"), Value(0.01, 10), Reading{}, 0.99);
  CHECK(half.verdict == Verdict::kIncomparable);
  CHECK(half.why == "the current run has no latency.p95 for request s/login");
}
