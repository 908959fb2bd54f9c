// Threshold verdicts against recorded data: whole run, request scope, windows, abort_on_fail.
#include <catch2/catch.hpp>

#include "core/plan/threshold.h"
#include "core/run/thresholds.h"

using sp::run::ThresholdEvaluator;

namespace {

sp::plan::Threshold T(const std::string& text, const std::string& request = "", bool abort = false) {
  sp::plan::Threshold t;
  std::string err;
  REQUIRE(sp::plan::ParseThreshold(text, &t, &err));
  t.request = request;
  t.abort_on_fail = abort;
  return t;
}

// A second of `n` requests of step `step` taking `ms` each; `errors` of them failed with 5xx.
sp::metrics::Recorder Second(int n, double ms, int errors = 0, uint32_t step = 0) {
  sp::metrics::Recorder r(2, 1);
  for (int i = 0; i < n; ++i) {
    sp_result res{};
    res.start_ns = 1'000'000'000;
    res.end_ns = res.start_ns + static_cast<uint64_t>(ms * 1e6);
    res.status = i < errors ? 503 : 200;
    res.error = i < errors ? SP_E_HTTP_5XX : SP_E_NONE;
    res.failed_check = UINT32_MAX;
    r.Record(res, step, 0, res.start_ns);
  }
  return r;
}

sp::run::LoadModel Model() {
  sp::run::LoadModel m;
  m.step_names = {"s/fast", "s/slow"};
  return m;
}

}  // namespace

TEST_CASE("whole-run thresholds judge the totals") {
  std::vector<sp::plan::Threshold> ts = {T("latency.p95 < 50ms"), T("error_rate < 1%"),
                                         T("rps > 50"), T("latency.max < 20ms", "s/slow"),
                                         T("requests > 0", "s/slow")};
  auto model = Model();
  ThresholdEvaluator ev(ts, model);
  sp::metrics::Recorder total(2, 1);
  total.Merge(Second(100, 10));
  total.Merge(Second(10, 30, 0, 1));
  auto results = ev.Final(total, 2.0, {}, {});
  REQUIRE(results.size() == 5);
  CHECK(results[0].passed);
  CHECK(results[0].observed == Approx(30.0).epsilon(0.01));
  CHECK(results[1].passed);
  CHECK(results[1].observed_text == "0.000%");
  CHECK(results[2].passed);
  CHECK(results[2].observed == Approx(55.0));
  CHECK_FALSE(results[3].passed);  // the slow step alone
  CHECK(results[3].observed_text == "30.000ms");
  CHECK(results[4].passed);
}

TEST_CASE("a threshold without data fails: it cannot be shown to hold") {
  std::vector<sp::plan::Threshold> ts = {T("latency.p95 < 50ms")};
  auto model = Model();
  ThresholdEvaluator ev(ts, model);
  auto results = ev.Final(sp::metrics::Recorder(2, 1), 1.0, {}, {});
  CHECK_FALSE(results[0].passed);
  CHECK(results[0].observed_text == "no data");
}

TEST_CASE("a windowed threshold must hold over every full window") {
  std::vector<sp::plan::Threshold> ts = {T("error_rate < 10% for 2s")};
  auto model = Model();
  ThresholdEvaluator ev(ts, model);
  sp::metrics::Recorder total(2, 1);
  auto feed = [&](sp::metrics::Recorder s, double t) {
    total.Merge(s);
    return ev.OnSecond(s, total, t, {}, {});
  };
  CHECK(feed(Second(100, 1, 0), 1) == nullptr);
  CHECK(feed(Second(100, 1, 0), 2) == nullptr);
  CHECK(feed(Second(100, 1, 50), 3) == nullptr);  // window 2-3: 25% errors: fails (no abort)
  for (int i = 4; i < 30; ++i) feed(Second(100, 1, 0), i);
  auto results = ev.Final(total, 30, {}, {});
  // Over the whole run the error rate is under 2%, but one window broke it.
  CHECK_FALSE(results[0].passed);
  CHECK(results[0].failed_at_s == 3);
  CHECK(results[0].observed == Approx(0.25));
}

TEST_CASE("abort_on_fail reports the threshold the moment it fails") {
  std::vector<sp::plan::Threshold> ts = {T("errors < 5", "", true)};
  auto model = Model();
  ThresholdEvaluator ev(ts, model);
  sp::metrics::Recorder total(2, 1);
  auto s1 = Second(10, 1, 2);
  total.Merge(s1);
  CHECK(ev.OnSecond(s1, total, 1, {}, {}) == nullptr);
  auto s2 = Second(10, 1, 4);
  total.Merge(s2);
  CHECK(ev.OnSecond(s2, total, 2, {}, {}) == &ts[0]);
  // The drain after the abort adds more errors: the value when it stopped the run stays the
  // verdict's, and the whole run's value is kept beside it for the console to label.
  auto drained = Second(10, 1, 3);
  total.Merge(drained);
  auto results = ev.Final(total, 3, {}, {});
  CHECK_FALSE(results[0].passed);
  CHECK(results[0].failed_at_s == 2);
  CHECK(results[0].observed == 6);
  CHECK(results[0].have_run_value);
  CHECK(results[0].run_observed == 9);
}

TEST_CASE("a skipped threshold is reported, never judged and never fails the run") {
  std::vector<sp::plan::Threshold> ts = {T("recovery_time < 10s"), T("errors < 1", "", true)};
  ts[0].skip_reason = "--mode load runs no chaos steps: there is no fault to recover from";
  ts[1].skip_reason = "--mode chaos sends only light probe traffic";
  auto model = Model();
  ThresholdEvaluator ev(ts, model);
  sp::metrics::Recorder total(2, 1);
  auto s1 = Second(10, 1, 5);
  total.Merge(s1);
  CHECK(ev.OnSecond(s1, total, 1, {}, {}) == nullptr);  // a skipped abort_on_fail stops nothing
  auto results = ev.Final(total, 1, {}, {});
  REQUIRE(results.size() == 2);
  for (const auto& r : results) {
    CHECK(r.skipped);
    CHECK(r.passed);
    CHECK_FALSE(r.evaluated);
    CHECK(r.observed_text == "skipped");
  }
}

TEST_CASE("event thresholds count response-rule events and emitted ones") {
  std::vector<sp::plan::Threshold> ts = {T("events.circuit_open <= 2")};
  auto model = Model();
  ThresholdEvaluator ev(ts, model);
  sp::metrics::Recorder total(2, 1);
  uint32_t id = 1;
  sp_result res{};
  res.end_ns = 1;
  res.events = &id;
  res.event_count = 1;
  res.failed_check = UINT32_MAX;
  total.Record(res, 0, 0, 0);
  total.Record(res, 0, 0, 0);
  std::vector<std::string> names = {"other", "circuit_open"};
  CHECK(ev.Final(total, 1, names, {})[0].passed);
  ThresholdEvaluator ev2(ts, model);
  CHECK_FALSE(ev2.Final(total, 1, names, {{"circuit_open", 1}})[0].passed);
}
