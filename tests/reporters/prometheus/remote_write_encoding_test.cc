// The remote write body decoded back with the same libraries: snappy, then the WriteRequest.
#include "plugins/reporters/prometheus/remote_write_encoding.h"

#include <snappy.h>

#include <catch2/catch.hpp>
#include <string>

#include "plugins/reporters/prometheus/remote_write.pb.h"

using namespace sp::prometheus_reporter;

TEST_CASE("a remote write body is a snappy block of a WriteRequest with sorted labels, none empty",
          "[prometheus]") {
  Exposition e;
  e.constant_labels = {{"plan", "p"}, {"environment", ""}, {"run_id", "r"}};
  e.families.push_back({"stressplan_errors_total",
                        "counter",
                        "h",
                        {{"", {{"kind", "timeout"}}, 3}, {"", {{"kind", "reset"}}, 1.5}}});
  e.families.push_back(
      {"stressplan_x_seconds", "histogram", "h", {{"_bucket", {{"le", "0.005"}}, 7}}});
  const std::string body = RemoteWriteBody(e, 1700000000123);

  std::string raw;
  REQUIRE(snappy::Uncompress(body.data(), body.size(), &raw));
  REQUIRE(raw == WriteRequestBytes(e, 1700000000123));
  stressplan::prompb::WriteRequest request;
  REQUIRE(request.ParseFromString(raw));
  REQUIRE(request.timeseries_size() == 3);

  const auto& first = request.timeseries(0);
  REQUIRE(first.labels_size() == 4);
  const char* const names[] = {"__name__", "kind", "plan", "run_id"};
  const char* const values[] = {"stressplan_errors_total", "timeout", "p", "r"};
  for (int i = 0; i < 4; ++i) {
    REQUIRE(first.labels(i).name() == names[i]);
    REQUIRE(first.labels(i).value() == values[i]);
  }
  REQUIRE(first.samples_size() == 1);
  REQUIRE(first.samples(0).value() == 3);
  REQUIRE(first.samples(0).timestamp() == 1700000000123);
  REQUIRE(request.timeseries(1).samples(0).value() == 1.5);

  const auto& bucket = request.timeseries(2);
  REQUIRE(bucket.labels(0).value() == "stressplan_x_seconds_bucket");
  REQUIRE(bucket.labels(1).name() == "le");
  REQUIRE(bucket.labels(1).value() == "0.005");
  REQUIRE(bucket.samples(0).value() == 7);
}
