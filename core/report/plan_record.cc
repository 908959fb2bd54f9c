#include "core/report/plan_record.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/plan/diagnostic.h"
#include "core/plan/json_value.h"
#include "core/plan/yaml_loader.h"

namespace sp::report {
namespace {

using nlohmann::json;

json LocationRecord(const plan::Location& l) {
  return {{"file", l.file}, {"line", l.line}, {"column", l.column}};
}

plan::Location LocationFrom(const json& j) {
  return {j.at("file").get<std::string>(), j.at("line").get<int>(), j.at("column").get<int>()};
}

json ThresholdRecord(const plan::Threshold& t) {
  return {{"text", t.text},
          {"metric", t.metric},
          {"op", static_cast<int>(t.op)},
          {"value", t.value},
          {"value_text", t.value_text},
          {"request", t.request},
          {"workload", t.workload},
          {"window_ns", t.window.count()},
          {"abort_on_fail", t.abort_on_fail},
          {"skip_reason", t.skip_reason},
          {"location", LocationRecord(t.loc)}};
}

plan::Threshold ThresholdFrom(const json& j) {
  plan::Threshold t;
  t.text = j.at("text").get<std::string>();
  t.metric = j.at("metric").get<std::string>();
  const int op = j.at("op").get<int>();
  if (op < 0 || op > static_cast<int>(plan::Threshold::Op::Ne)) {
    throw std::runtime_error("threshold \"" + t.text + "\": unknown operator " +
                             std::to_string(op));
  }
  t.op = static_cast<plan::Threshold::Op>(op);
  t.value = j.at("value").get<double>();
  t.value_text = j.at("value_text").get<std::string>();
  t.request = j.at("request").get<std::string>();
  t.workload = j.at("workload").get<std::string>();
  t.window = plan::Duration{j.at("window_ns").get<int64_t>()};
  t.abort_on_fail = j.at("abort_on_fail").get<bool>();
  t.skip_reason = j.at("skip_reason").get<std::string>();
  t.loc = LocationFrom(j.at("location"));
  return t;
}

// A reporter's options go back through the plan's own reader (JSON is YAML), so they are
// resolved against the plugin's declarations exactly as a run resolves them.
plan::PluginRef ReporterFrom(const json& j, const std::string& from) {
  plan::PluginRef r;
  r.plugin = j.at("plugin").get<std::string>();
  r.loc = LocationFrom(j.at("location"));
  plan::Diagnostics errors;
  if (!plan::LoadYamlString(j.at("options").dump(), from + ": reporter " + r.plugin, &r.options,
                            &errors)) {
    throw std::runtime_error("reporter " + r.plugin + ": unreadable options");
  }
  if (r.options.is_null()) r.options = plan::MakeMap(r.loc);
  return r;
}

}  // namespace

json PlanRecord(const plan::Plan& p) {
  json thresholds = json::array();
  for (const plan::Threshold& t : p.thresholds) thresholds.push_back(ThresholdRecord(t));
  json reporters = json::array();
  for (const plan::PluginRef& r : p.reporters) {
    reporters.push_back({{"plugin", r.plugin},
                         {"options", json::parse(plan::ToJsonText(r.options), nullptr, false)},
                         {"location", LocationRecord(r.loc)}});
  }
  return {{"name", p.name},
          {"file", p.file},
          {"environment", p.environment},
          {"profile", p.profile},
          {"thresholds", thresholds},
          {"reporters", reporters},
          {"plugin_paths", p.plugin_paths}};
}

std::string PlanIdentity(const json& resolved) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a, 64 bits
  for (unsigned char c : resolved.dump()) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "fnv1a64:%016llx", static_cast<unsigned long long>(h));
  return buf;
}

bool PlanFromRecord(const json& record, const std::string& from, plan::Plan* out,
                    std::string* err) {
  try {
    out->name = record.at("name").get<std::string>();
    out->file = record.at("file").get<std::string>();
    out->environment = record.at("environment").get<std::string>();
    out->profile = record.at("profile").get<std::string>();
    out->thresholds.clear();
    for (const json& t : record.at("thresholds")) out->thresholds.push_back(ThresholdFrom(t));
    out->reporters.clear();
    for (const json& r : record.at("reporters")) out->reporters.push_back(ReporterFrom(r, from));
    out->plugin_paths = record.at("plugin_paths").get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    *err = from + ": merge_plan: " + e.what();
    return false;
  }
  return true;
}

}  // namespace sp::report
