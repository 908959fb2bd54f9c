#include "core/merge/merge_reports.h"

#include <cstdio>

#include "core/exit_codes.h"
#include "core/merge/merged_run.h"
#include "core/merge/segment_report.h"
#include "core/plan/json_value.h"
#include "core/plugin/host.h"
#include "core/plugin/loader.h"
#include "core/report/plan_record.h"
#include "core/report/redact.h"
#include "core/report/report_bus.h"
#include "core/report/report_folder.h"
#include "core/run/plugin_setup.h"

namespace sp::merge {
namespace {

int Refuse(const std::string& why) {
  std::fprintf(stderr, "stressplan merge: %s\n", why.c_str());
  return kExitUsage;
}

// A reporter whose options held a secret (a remote write password) is not run again: the
// reports carry "[redacted]" in the secret's place, which it would send as the credential.
void DropReportersWithSecrets(plan::Plan* plan) {
  std::erase_if(plan->reporters, [](const plan::PluginRef& r) {
    if (plan::ToJsonText(r.options).find(report::kRedacted) == std::string::npos) return false;
    std::fprintf(stderr,
                 "stressplan merge: the %s reporter (plan line %d) is not run: its options held "
                 "secrets, which reports never carry\n",
                 r.plugin.c_str(), r.loc.line);
    return true;
  });
}

// Reads and checks the inputs; false after printing why.
bool ReadSegments(const MergeOptions& o, std::vector<std::string>* names,
                  std::vector<SegmentReport>* reports, plan::Plan* plan) {
  if (o.inputs.empty())
    return Refuse("no reports to merge (give report folders or report.json files)"), false;
  for (const std::string& input : o.inputs) {
    SegmentReport r;
    std::string err;
    if (!ReadSegmentReport(input, names, &r, &err)) return Refuse(err), false;
    reports->push_back(std::move(r));
  }
  std::string err;
  if (!CheckSegments(reports, &err)) return Refuse(err), false;
  const SegmentReport& first = reports->front();
  if (!report::PlanFromRecord(first.run.at("merge_plan"), first.file, plan, &err))
    return Refuse(err), false;
  DropReportersWithSecrets(plan);
  return true;
}

// The plan's reporters, prepared against OUT and created, as run makes them.
bool OpenReporters(const MergeOptions& o, const plan::Plan& plan, plugin::Loader* loader,
                   plugin::Host* host, std::vector<report::Reporter>* reporters) {
  loader->SetSearchPath(plugin::SearchPath(o.plugin_paths, plan.plugin_paths));
  plan::Diagnostics errors;
  bool ok = run::PrepareReporters(plan, loader, o.out_dir, reporters, &errors) &&
            run::CheckReporters(host, *reporters, &errors) &&
            run::CreateReporters(host, reporters, &errors);
  for (const auto& d : errors) std::fprintf(stderr, "stressplan merge: %s\n", d.str().c_str());
  return ok;
}

// Every document through the bus, none dropped (the queue holds them all); false after
// printing the reporters' errors.
bool Deliver(const MergedDocuments& docs, std::vector<report::Reporter>* reporters) {
  const report::Redactor no_secrets({});  // the segments' reports are redacted already
  report::ReportBus bus(reporters, &no_secrets, docs.snapshots.size() + docs.events.size() + 4);
  bus.Start();
  bus.Post(SP_DOC_RUN_START, docs.run_start);
  for (const std::string& s : docs.snapshots) bus.Post(SP_DOC_SNAPSHOT, s);
  for (const std::string& e : docs.events) bus.Post(SP_DOC_EVENT, e);
  bus.Post(SP_DOC_SUMMARY, docs.summary);
  bus.Finish();
  for (const std::string& e : bus.errors())
    std::fprintf(stderr, "stressplan merge: %s\n", e.c_str());
  return bus.errors().empty();
}

}  // namespace

int MergeReports(const MergeOptions& o) {
  std::vector<std::string> names;
  std::vector<SegmentReport> reports;
  plan::Plan plan;
  if (!ReadSegments(o, &names, &reports, &plan)) return kExitUsage;
  MergedDocuments docs;
  try {
    docs = MergeSegments(reports, names, plan);
  } catch (const std::exception& e) {
    return Refuse("malformed report among " + reports.front().file + " ...: " + e.what());
  }
  report::ReportFolder folder;
  std::string err;
  if (!folder.Open(o.out_dir, &err)) {
    std::fprintf(stderr, "stressplan merge: %s\n", err.c_str());
    return kExitRuntime;
  }
  plugin::Host host;
  plugin::Loader loader(&host);
  std::vector<report::Reporter> reporters;
  if (!OpenReporters(o, plan, &loader, &host, &reporters)) return kExitUsage;
  if (!Deliver(docs, &reporters)) return kExitRuntime;
  std::printf("merged %zu segment(s) of plan %s into %s (exit code %d)\n", reports.size(),
              plan.name.c_str(), o.out_dir.c_str(), docs.exit_code);
  return docs.exit_code;
}

}  // namespace sp::merge
