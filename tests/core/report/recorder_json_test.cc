// A Recorder through its report encoding and back (core/report/recorder_json.h): nothing lost
// (every bucket, count, min, max, sum, step and stage), names interned, and bad input refused
// with what is wrong.
#include <catch2/catch.hpp>

#include <random>

#include <nlohmann/json.hpp>

#include "core/report/recorder_json.h"

namespace {

using nlohmann::json;
using sp::metrics::Recorder;

sp_result Result(uint64_t latency_ns, sp_error_kind error, int status) {
  sp_result r{};
  r.struct_size = sizeof r;
  r.error = error;
  r.status = status;
  r.start_ns = 1'000'000;
  r.end_ns = r.start_ns + latency_ns;
  r.bytes_sent = 100;
  r.bytes_received = 300;
  r.failed_check = UINT32_MAX;
  return r;
}

void RequireSameHistogram(const sp::metrics::Histogram& a, const sp::metrics::Histogram& b) {
  REQUIRE(a.Buckets() == b.Buckets());
  REQUIRE(a.count() == b.count());
  REQUIRE(a.min() == b.min());
  REQUIRE(a.max() == b.max());
  REQUIRE(a.sum() == b.sum());
}

}  // namespace

TEST_CASE("recorder_json: a recorder comes back exactly", "[report][recorder_json]") {
  std::mt19937_64 rng(12);
  std::lognormal_distribution<double> latency(15, 1.5);
  Recorder r(3, 2);
  for (int i = 0; i < 5000; ++i) {
    const bool failed = i % 17 == 0;
    r.Record(Result(static_cast<uint64_t>(latency(rng)), failed ? SP_E_HTTP_5XX : SP_E_NONE,
                    failed ? 503 : 200),
             static_cast<uint32_t>(i % 3), static_cast<uint32_t>(i % 2), 0);
  }
  r.IterationStarted(1);
  r.Dropped(1);
  r.mutable_events() = {0, 4};         // "circuit_open" 4 times
  r.mutable_failed_checks() = {2, 0};  // check "status" failed twice
  const std::vector<std::string> names{"status", "circuit_open"};
  const json j = json::parse(sp::report::RecorderToJson(r, names).dump());

  std::vector<std::string> names_back;
  Recorder back;
  std::string err;
  REQUIRE(sp::report::RecorderFromJson(j, &names_back, &back, &err));
  RequireSameHistogram(back.latency(), r.latency());
  RequireSameHistogram(back.service_time(), r.service_time());
  REQUIRE(back.requests() == r.requests());
  REQUIRE(back.errors() == r.errors());
  REQUIRE(back.bytes_received() == r.bytes_received());
  REQUIRE(back.errors_by_kind() == r.errors_by_kind());
  REQUIRE(back.status_codes() == r.status_codes());
  REQUIRE(back.steps().size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    RequireSameHistogram(back.steps()[i].latency, r.steps()[i].latency);
    REQUIRE(back.steps()[i].errors == r.steps()[i].errors);
  }
  REQUIRE(back.stages()[1].iterations_started == 1);
  REQUIRE(back.stages()[1].dropped == 1);
  // Names are interned in the order met: events first, then checks.
  REQUIRE(names_back == std::vector<std::string>{"circuit_open", "status"});
  REQUIRE(back.events() == std::vector<uint64_t>{4});
  REQUIRE(back.failed_checks() == std::vector<uint64_t>{0, 2});
}

TEST_CASE("recorder_json: bad histograms are refused with the reason", "[report][recorder_json]") {
  sp::metrics::Histogram h;
  h.Record(1000);
  h.Record(5000);
  json j = sp::report::HistogramToJson(h);
  sp::metrics::Histogram back;
  std::string err;
  REQUIRE(sp::report::HistogramFromJson(j, &back, &err));

  json wrong_count = j;
  wrong_count["count"] = 3;
  REQUIRE_FALSE(sp::report::HistogramFromJson(wrong_count, &back, &err));
  REQUIRE(err.find("count 3") != std::string::npos);

  json out_of_range = j;
  out_of_range["buckets"][1][0] = sp::metrics::Histogram::kBuckets;
  REQUIRE_FALSE(sp::report::HistogramFromJson(out_of_range, &back, &err));
  REQUIRE(err.find("out of range") != std::string::npos);

  json min_outside = j;
  min_outside["min"] = 10;
  REQUIRE_FALSE(sp::report::HistogramFromJson(min_outside, &back, &err));
  REQUIRE(err.find("first and last buckets") != std::string::npos);

  json other_encoding = j;
  other_encoding["encoding"] = "hdr-5";
  REQUIRE_FALSE(sp::report::HistogramFromJson(other_encoding, &back, &err));

  std::vector<std::string> names;
  Recorder r;
  REQUIRE_FALSE(sp::report::RecorderFromJson(json{{"requests", "many"}}, &names, &r, &err));
  REQUIRE_FALSE(err.empty());
}
