#include "core/plan/threshold_schema.h"

#include <algorithm>

#include "core/plan/schema_reader.h"
#include "core/plan/suggest.h"
#include "core/plan/threshold.h"

namespace sp::plan {
namespace {

class ThresholdReader : public SchemaReader {
 public:
  ThresholdReader(const Plan& plan, const std::string& workload, Diagnostics* errors)
      : SchemaReader(errors), workload_(workload) {
    for (const auto& sc : plan.scenarios) {
      for (const auto& r : sc.requests) steps_.push_back(sc.name + "/" + r.name);
    }
  }

  void List(const Value& v, const std::string& key, std::vector<Threshold>* out) {
    if (!IsList(v, key, "a list of thresholds (e.g. [\"latency.p95 < 500ms\"])")) return;
    for (size_t i = 0; i < v.items.size(); ++i) {
      Threshold t;
      t.workload = workload_;
      if (Item(v.items[i], JoinKey(key, std::to_string(i)), &t)) out->push_back(std::move(t));
    }
  }

 private:
  bool Item(const Value& item, const std::string& key, Threshold* t) {
    t->loc = item.loc;
    const Value* expr = &item;
    if (item.is_map()) {
      // A workload's own list is scoped by where it is written.
      const std::vector<std::string> keys =
          workload_.empty()
              ? std::vector<std::string>{"threshold", "request", "workload", "abort_on_fail"}
              : std::vector<std::string>{"threshold", "abort_on_fail"};
      Track(CheckKeys(item, key, keys, "a threshold", errors_));
      expr = Get(item, "threshold");
      if (expr == nullptr) {
        Missing(item, "threshold", "the expression, e.g. threshold: \"latency.p95 < 500ms\"", key);
        return false;
      }
      if (workload_.empty()) Scopes(item, key, t);
      if (const Value* a = Get(item, "abort_on_fail")) {
        Track(ReadBool(*a, JoinKey(key, "abort_on_fail"), &t->abort_on_fail, errors_));
      }
    }
    std::string text, err;
    const std::string ekey = item.is_map() ? JoinKey(key, "threshold") : key;
    if (!Text(*expr, ekey, &text)) return false;
    if (!ParseThreshold(text, t, &err)) {
      Fail(expr->loc, ekey, err);
      return false;
    }
    t->loc = expr->loc;
    if (t->abort_on_fail && IsRunEndMetric(t->metric)) {
      Fail(item.loc, JoinKey(key, "abort_on_fail"),
           t->metric + " is only known at the end of the run, so it cannot stop the run early");
      return false;
    }
    if (!t->workload.empty() && !WorkloadScopedMetric(t->metric)) {
      Fail(expr->loc, ekey,
           t->metric +
               " is counted for the whole run only; a workload's thresholds judge latency.<stat>, "
               "error_rate, rps, requests, errors and dropped");
      return false;
    }
    return true;
  }

  // request: scenario/request, or workload: NAME (its name is checked once the profile is
  // known: CheckThresholdScopes).
  void Scopes(const Value& item, const std::string& key, Threshold* t) {
    const Value* r = Get(item, "request");
    if (r != nullptr && Text(*r, JoinKey(key, "request"), &t->request) &&
        std::find(steps_.begin(), steps_.end(), t->request) == steps_.end()) {
      Fail(r->loc, JoinKey(key, "request"),
           "no request step \"" + t->request + "\"" + DidYouMean(t->request, steps_) +
               "; steps are named scenario/request: " + JoinNames(steps_));
    }
    const Value* w = Get(item, "workload");
    if (w == nullptr) return;
    t->workload_loc = w->loc;
    t->workload_key = JoinKey(key, "workload");
    if (!NonEmptyText(*w, t->workload_key, &t->workload)) return;
    if (r != nullptr) {
      Fail(w->loc, t->workload_key,
           "a threshold is scoped to a request step or to a workload, not both; the request line "
           "is " +
               std::to_string(r->loc.line));
    }
  }

  std::string workload_;
  std::vector<std::string> steps_;
};

}  // namespace

bool BuildThresholds(const Value& v, const std::string& key, const Plan& plan,
                     const std::string& workload, std::vector<Threshold>* out,
                     Diagnostics* errors) {
  ThresholdReader reader(plan, workload, errors);
  reader.List(v, key, out);
  return reader.ok();
}

bool WorkloadScopedMetric(const std::string& metric) {
  return metric.rfind("latency.", 0) == 0 || metric == "error_rate" || metric == "rps" ||
         metric == "requests" || metric == "errors" || metric == "dropped";
}

bool CheckThresholdScopes(Plan* plan, Diagnostics* errors) {
  const Profile& profile = plan->profiles.at(plan->profile);
  std::vector<std::string> names;
  for (const Workload& w : profile.workloads) names.push_back(w.name);
  bool ok = true;
  for (const Threshold& t : plan->thresholds) {
    if (t.workload.empty() || std::find(names.begin(), names.end(), t.workload) != names.end())
      continue;
    if (names.empty()) {
      ok = AddError(errors, t.workload_loc, t.workload_key,
                    "profile \"" + Excerpt(plan->profile) +
                        "\" has no workloads (it is written with stages:), so " +
                        "there is no workload \"" + Excerpt(t.workload) + "\" to judge");
    } else {
      ok = AddError(errors, t.workload_loc, t.workload_key,
                    "no workload \"" + Excerpt(t.workload) + "\" in profile \"" +
                        Excerpt(plan->profile) + "\"" + DidYouMean(t.workload, names) +
                        "; its workloads: " + JoinNames(names));
    }
  }
  for (const Workload& w : profile.workloads) {
    plan->thresholds.insert(plan->thresholds.end(), w.thresholds.begin(), w.thresholds.end());
  }
  return ok;
}

}  // namespace sp::plan
