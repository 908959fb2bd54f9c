// `stressplan merge`'s arithmetic as an oracle: segments record random samples, their reports
// are written by the real document code and read back from files, and the merge must equal
// one recorder that recorded every sample (percentiles exactly, per step and stage too). Then
// each refusal with its message, and the alignment of late segments.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "core/merge/merged_run.h"
#include "core/merge/segment_report.h"
#include "core/plan/plan_loader.h"
#include "core/report/documents.h"
#include "core/report/plan_record.h"
#include "core/report/recorder_json.h"

namespace {

using nlohmann::json;
using sp::metrics::Recorder;
namespace fs = std::filesystem;

constexpr const char* kPlan =
    "name: merge-test\n"
    "target: {plugin: fake}\n"
    "scenarios:\n"
    "  - {name: s, requests: [{name: a}, {name: b}]}\n"
    "profiles:\n"
    "  p:\n"
    "    stages:\n"
    "      - {duration: 2s, users: 4}\n"
    "      - {duration: 2s, users: 8}\n"
    "profile: p\n"
    "thresholds:\n"
    "  - \"latency.p95 < 10s\"\n"
    "  - \"error_rate < 5% for 2s\"\n"
    "  - {threshold: \"latency.p50 < 1ms\", request: s/b}\n"
    "reporters:\n"
    "  - {plugin: json, path: report.json}\n";

sp::plan::Plan LoadedPlan(const std::string& text) {
  sp::plan::LoadOptions options;
  options.process_env.emplace();
  sp::plan::Plan plan;
  sp::plan::Diagnostics errors;
  const bool ok = sp::plan::LoadPlanFromString(text, "plan.yaml", "/tmp", options, &plan, &errors);
  for (const auto& e : errors) UNSCOPED_INFO(e.str());
  REQUIRE(ok);
  return plan;
}

// One segment's recording: a recorder per second and their sum.
struct Recording {
  std::vector<Recorder> seconds;
  Recorder total;
};

// Records `n` random requests over 4 seconds into `seg` and into `all` (the oracle).
void RecordRandom(std::mt19937_64* rng, int n, Recording* seg, Recorder* all) {
  std::lognormal_distribution<double> latency(14, 1.2);
  seg->seconds.assign(4, Recorder(2, 2));
  for (int i = 0; i < n; ++i) {
    sp_result r{};
    r.struct_size = sizeof r;
    const bool failed = (*rng)() % 23 == 0;
    r.error = failed ? SP_E_HTTP_5XX : SP_E_NONE;
    r.status = failed ? 500 : 200;
    r.start_ns = 1'000'000;
    r.end_ns = r.start_ns + static_cast<uint64_t>(latency(*rng));
    r.failed_check = UINT32_MAX;
    const uint32_t step = static_cast<uint32_t>((*rng)() % 2);
    const size_t second = (*rng)() % 4;
    const uint32_t stage = second < 2 ? 0 : 1;
    seg->seconds[second].Record(r, step, stage, 0);
    all->Record(r, step, stage, 0);
  }
  for (const Recorder& s : seg->seconds) seg->total.Merge(s);
}

// A report.json as the json reporter writes it, from the real documents.
std::string ReportText(const sp::plan::Plan& plan, const Recording& rec, const json& segment,
                       uint64_t started_unix_ms) {
  sp::report::RunInfo info;
  info.plan = &plan;
  info.step_names = {"s/a", "s/b"};
  info.stage_count = 2;
  info.started_at = "2026-12-07T05:00:00Z";
  info.started_unix_ms = started_unix_ms;
  info.threads = 1;
  sp::report::RunEnd end;
  end.duration_s = 4;
  for (size_t k = 0; k < 2; ++k) {
    sp::report::StageResult st;
    st.index = k;
    st.planned_users = k == 0 ? 4 : 8;
    st.stats = rec.total.stages()[k];
    end.stages.push_back(st);
  }
  const std::vector<std::string> names;
  json run = json::parse(sp::report::RunStartDocument(info));
  if (!segment.is_null()) run["segment"] = segment;
  json timeseries = json::array();
  for (size_t s = 0; s < rec.seconds.size(); ++s) {
    sp::report::SnapshotData d;
    d.second = s + 1;
    d.planned_users = s < 2 ? 4 : 8;
    timeseries.push_back(
        json::parse(sp::report::SnapshotDocument(d, rec.seconds[s], names, info.step_names)));
  }
  json report{
      {"type", "report"},
      {"schema_version", 1},
      {"run", run},
      {"summary", json::parse(sp::report::SummaryDocument(info, end, rec.total, names, {}))},
      {"timeseries", timeseries},
      {"events", json::array()}};
  return report.dump();
}

// A scratch folder with each report written as <folder>/seg<i>/report.json.
struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("merge_test_" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
  std::string Write(const std::string& name, const std::string& text) const {
    fs::create_directories(dir / name);
    std::ofstream(dir / name / "report.json") << text;
    return (dir / name).string();
  }
};

// Reads and checks the folders; on refusal returns false with the message.
bool ReadAll(const std::vector<std::string>& paths, std::vector<std::string>* names,
             std::vector<sp::merge::SegmentReport>* out, std::string* err) {
  for (const auto& p : paths) {
    sp::merge::SegmentReport r;
    if (!sp::merge::ReadSegmentReport(p, names, &r, err)) return false;
    out->push_back(std::move(r));
  }
  return sp::merge::CheckSegments(out, err);
}

void RequireSamePercentiles(const sp::metrics::Histogram& merged,
                            const sp::metrics::Histogram& one) {
  REQUIRE(merged.count() == one.count());
  REQUIRE(merged.Buckets() == one.Buckets());
  REQUIRE(merged.min() == one.min());
  REQUIRE(merged.max() == one.max());
  for (double p : {1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0})
    REQUIRE(merged.Percentile(p) == one.Percentile(p));
  REQUIRE(merged.mean() == Approx(one.mean()).epsilon(1e-12));
}

}  // namespace

TEST_CASE("merge: N random segments equal one recorder of every sample", "[merge]") {
  const sp::plan::Plan plan = LoadedPlan(kPlan);
  std::mt19937_64 rng(GENERATE(1, 2, 3));
  const size_t n = GENERATE(1, 3, 7);
  Scratch scratch;
  Recorder all(2, 2);
  std::vector<std::string> paths;
  for (size_t i = 0; i < n; ++i) {
    Recording seg;
    RecordRandom(&rng, 200 + static_cast<int>(rng() % 3000), &seg, &all);
    // Given out of order: merge sorts by index.
    const size_t index = n - 1 - i;
    paths.push_back(scratch.Write("seg" + std::to_string(i),
                                  ReportText(plan, seg, {{"index", index}, {"count", n}}, 1000)));
  }
  std::vector<std::string> names;
  std::vector<sp::merge::SegmentReport> reports;
  std::string err;
  REQUIRE(ReadAll(paths, &names, &reports, &err));
  sp::plan::Plan from_record;
  REQUIRE(sp::report::PlanFromRecord(reports[0].run.at("merge_plan"), "r", &from_record, &err));
  REQUIRE(from_record.thresholds.size() == 3);
  const sp::merge::MergedDocuments docs = sp::merge::MergeSegments(reports, names, from_record);

  // Through the merged summary's JSON, as a reader of the merged report.json gets it.
  const json summary = json::parse(docs.summary);
  Recorder merged;
  REQUIRE(sp::report::RecorderFromJson(summary.at("recorder"), &names, &merged, &err));
  RequireSamePercentiles(merged.latency(), all.latency());
  RequireSamePercentiles(merged.service_time(), all.service_time());
  for (size_t s = 0; s < 2; ++s)
    RequireSamePercentiles(merged.steps()[s].latency, all.steps()[s].latency);
  for (size_t s = 0; s < 2; ++s)
    RequireSamePercentiles(merged.stages()[s].latency, all.stages()[s].latency);
  REQUIRE(summary.at("requests") == all.requests());
  REQUIRE(summary.at("errors") == all.errors());
  REQUIRE(summary.at("status_codes").at("500") == all.status_codes()[500]);
  REQUIRE(summary.at("latency_ms").at("p99") == sp::report::Ms(all.latency().Percentile(99)));
  REQUIRE(summary.at("stages").at(1).at("planned").at("users") == 8 * n);

  // The thresholds judged on the merged data, as a run judges them.
  const json& verdicts = summary.at("thresholds");
  REQUIRE(verdicts.size() == 3);
  REQUIRE(verdicts[0].at("observed") == Approx(all.latency().Percentile(95) / 1e6));
  REQUIRE(verdicts[2].at("observed") == Approx(all.steps()[1].latency.Percentile(50) / 1e6));
  REQUIRE(verdicts[2].at("passed") == false);
  REQUIRE(docs.exit_code == 1);

  // The seconds: each merged second sums the segments' same second.
  REQUIRE(docs.snapshots.size() == 4);
  uint64_t per_second = 0;
  for (const std::string& s : docs.snapshots)
    per_second += json::parse(s).at("requests").get<uint64_t>();
  REQUIRE(per_second == all.requests());
}

TEST_CASE(
    "merge: segment 0's experiments carry every segment's traffic in their window; a "
    "second is circuit_open when any segment saw the breaker open",
    "[merge]") {
  const sp::plan::Plan plan = LoadedPlan(kPlan);
  std::mt19937_64 rng(9);
  Scratch scratch;
  Recorder all(2, 2);
  std::vector<Recording> segs(2);
  std::vector<std::string> paths;
  for (size_t i = 0; i < 2; ++i) {
    RecordRandom(&rng, 400, &segs[i], &all);
    json report = json::parse(ReportText(plan, segs[i], {{"index", i}, {"count", 2}}, 1000));
    // Segment 0 ran the chaos: one fault in from 1.2 s to 2.5 s (the seconds 2 and 3).
    if (i == 0) {
      report["summary"]["experiments"] =
          json::array({{{"name", "latency"}, {"window", {{"start_s", 1.2}, {"end_s", 2.5}}}}});
    } else {
      report["timeseries"][2]["circuit_open"] = true;  // segment 1's responses, second 3
    }
    paths.push_back(scratch.Write("seg" + std::to_string(i), report.dump()));
  }
  std::vector<std::string> names;
  std::vector<sp::merge::SegmentReport> reports;
  std::string err;
  REQUIRE(ReadAll(paths, &names, &reports, &err));
  const sp::merge::MergedDocuments merged = sp::merge::MergeSegments(reports, names, plan);
  const json summary = json::parse(merged.summary);
  REQUIRE(merged.snapshots.size() >= 3);
  for (size_t k = 0; k < merged.snapshots.size(); ++k)
    REQUIRE(json::parse(merged.snapshots[k]).at("circuit_open") == (k == 2));
  const json& during = summary.at("experiments").at(0).at("during");
  const uint64_t expected = segs[0].seconds[1].requests() + segs[0].seconds[2].requests() +
                            segs[1].seconds[1].requests() + segs[1].seconds[2].requests();
  REQUIRE(during.at("requests") == expected);
  REQUIRE(during.at("throughput_rps") == Approx(static_cast<double>(expected) / 2));
}

TEST_CASE("merge: late segments land in the second their load mostly ran in", "[merge]") {
  std::vector<sp::merge::SegmentReport> reports(3);
  reports[0].started_unix_ms = 10'000;
  reports[1].started_unix_ms = 10'300;
  reports[2].started_unix_ms = 10'700;
  REQUIRE(sp::merge::SecondOffsets(reports) == std::vector<uint64_t>{0, 0, 1});
}

TEST_CASE("merge: mismatched reports are refused, naming the files", "[merge]") {
  const sp::plan::Plan plan = LoadedPlan(kPlan);
  std::mt19937_64 rng(5);
  Recording seg;
  Recorder all;
  RecordRandom(&rng, 50, &seg, &all);
  Scratch scratch;
  auto seg_of = [&](const std::string& name, size_t index, size_t count) {
    return scratch.Write(name, ReportText(plan, seg, {{"index", index}, {"count", count}}, 1000));
  };
  std::vector<std::string> names;
  std::vector<sp::merge::SegmentReport> reports;
  std::string err;

  SECTION("different plans") {
    std::string other = kPlan;
    other.replace(other.find("users: 8"), 8, "users: 9");
    const std::string b =
        scratch.Write("b", ReportText(LoadedPlan(other), seg, {{"index", 1}, {"count", 2}}, 1000));
    REQUIRE_FALSE(ReadAll({seg_of("a", 0, 2), b}, &names, &reports, &err));
    REQUIRE_THAT(err, Catch::Contains("reports of different plans") &&
                          Catch::Contains("a/report.json") && Catch::Contains("b/report.json"));
  }
  SECTION("different segment counts") {
    REQUIRE_FALSE(ReadAll({seg_of("a", 0, 2), seg_of("b", 1, 3)}, &names, &reports, &err));
    REQUIRE_THAT(err,
                 Catch::Contains("different segment counts") && Catch::Contains("b/report.json"));
  }
  SECTION("a segment twice") {
    REQUIRE_FALSE(ReadAll({seg_of("a", 1, 2), seg_of("b", 1, 2)}, &names, &reports, &err));
    REQUIRE_THAT(err, Catch::Contains("segment 1 twice") && Catch::Contains("a/report.json"));
  }
  SECTION("a segment missing") {
    REQUIRE_FALSE(ReadAll({seg_of("a", 0, 3), seg_of("c", 2, 3)}, &names, &reports, &err));
    REQUIRE_THAT(err, Catch::Contains("missing segment(s) 1 of 3"));
  }
  SECTION("an index out of range") {
    REQUIRE_FALSE(ReadAll({seg_of("a", 2, 2)}, &names, &reports, &err));
    REQUIRE_THAT(err, Catch::Contains("segment 2 of 2 is out of range"));
  }
  SECTION("an unreadable report") {
    REQUIRE_FALSE(ReadAll({(scratch.dir / "nowhere").string()}, &names, &reports, &err));
    REQUIRE_THAT(err, Catch::Contains("nowhere: cannot be read (no such file)"));
    const std::string junk = scratch.Write("junk", "{not json");
    REQUIRE_FALSE(ReadAll({junk}, &names, &reports, &err));
    REQUIRE_THAT(err, Catch::Contains("junk/report.json: not JSON"));
  }
  SECTION("a report too old to merge") {
    json old = json::parse(ReportText(plan, seg, nullptr, 1000));
    old["run"].erase("plan_id");
    old["summary"].erase("recorder");
    REQUIRE_FALSE(ReadAll({scratch.Write("old", old.dump())}, &names, &reports, &err));
    REQUIRE_THAT(err, Catch::Contains(
                          "old/report.json: written by a stressplan without lossless recorders"));
  }
  SECTION("a report without a segment is 0 of 1") {
    REQUIRE(ReadAll({scratch.Write("one", ReportText(plan, seg, nullptr, 1000))}, &names, &reports,
                    &err));
    REQUIRE(reports[0].index == 0);
    REQUIRE(reports[0].count == 1);
  }
}
