#include "core/plan/chaos_schema.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/plan/json_value.h"
#include "core/plan/profiles.h"
#include "core/plan/suggest.h"
#include "core/plan/schema_reader.h"
#include "core/plan/threshold.h"
#include "core/plan/typed_value.h"
#include "core/plan/units.h"

namespace sp::plan {
namespace {

std::string Index(const std::string& key, size_t i) { return JoinKey(key, std::to_string(i)); }

class ChaosReader : public SchemaReader {
 public:
  ChaosReader(Plan* plan, Diagnostics* errors) : SchemaReader(errors), plan_(plan) {}

  void Proxies(const Value& v) {
    if (!IsList(v, "proxies", "a list of proxies ({name: llm, listen: 127.0.0.1:18091, upstream: ...})")) return;
    for (size_t i = 0; i < v.items.size(); ++i) {
      const Value& item = v.items[i];
      const std::string key = Index("proxies", i);
      ProxySite p;
      p.loc = item.loc;
      p.site.loc = item.loc;
      p.site.plugin = "proxy";
      p.site.options = MakeMap(item.loc);
      if (!IsMap(item, key, "a proxy (a map with name:, listen: and upstream:)")) continue;
      for (size_t k = 0; k < item.entries.size(); ++k) {
        const std::string& name = item.entries[k].first;
        if (name == "name" || name == "plugin") continue;
        p.site.options.set(name, item.entries[k].second, item.key_loc(k));
      }
      if (const Value* plugin = Get(item, "plugin")) {
        p.site.loc = plugin->loc;
        Text(*plugin, JoinKey(key, "plugin"), &p.site.plugin);
      }
      UniqueName(item, key, "proxy", &proxy_names_, &p.name);
      plan_->proxies.push_back(std::move(p));
    }
  }

  void Observers(const Value& v) {
    if (!IsList(v, "observers", "a list of Prometheus observers ({name:, url:, metric:})")) return;
    std::map<std::string, Location> seen;
    for (size_t i = 0; i < v.items.size(); ++i) {
      const Value& item = v.items[i];
      const std::string key = Index("observers", i);
      Observer o;
      o.loc = item.loc;
      if (!IsMap(item, key, "an observer (a map with name:, url: and metric:)")) continue;
      Track(CheckKeys(item, key, {"name", "url", "metric", "type", "open_at", "interval"}, "an observer", errors_));
      UniqueName(item, key, "observer", &seen, &o.name);
      if (const Value* u = Required(item, key, "url", "the http:// URL of a Prometheus text endpoint")) {
        if (Text(*u, JoinKey(key, "url"), &o.url) && o.url.rfind("http://", 0) != 0) {
          Fail(u->loc, JoinKey(key, "url"), "expected an http:// URL, e.g. http://127.0.0.1:18090/metrics");
        }
      }
      if (const Value* m = Required(item, key, "metric", "a selector, e.g. circuit_state{state=\"open\"}")) {
        NonEmptyText(*m, JoinKey(key, "metric"), &o.metric);
      }
      if (const Value* t = Get(item, "type")) {
        std::string type;
        if (Text(*t, JoinKey(key, "type"), &type)) {
          if (type == "counter") {
            o.counter = true;
          } else if (type != "gauge") {
            Fail(t->loc, JoinKey(key, "type"),
                 "expected gauge (open while the value is >= open_at) or counter (each increase is a trip), got \"" +
                     type + "\"");
          }
        }
      }
      if (const Value* a = Get(item, "open_at")) Track(ReadFloat(*a, JoinKey(key, "open_at"), &o.open_at, errors_));
      if (const Value* d = Get(item, "interval")) Dur(*d, JoinKey(key, "interval"), &o.interval, /*positive=*/true);
      plan_->observers.push_back(std::move(o));
    }
  }

  void ChaosSection(const Value& v) {
    Chaos& c = plan_->chaos;
    c.loc = v.loc;
    if (!IsMap(v, "chaos", "a map with steps: (and optionally steady_state:, recovery:, probe_rate:)")) return;
    Track(CheckKeys(v, "chaos", {"steps", "steady_state", "recovery", "probe_rate", "circuit_event"}, "chaos:",
                    errors_));
    if (const Value* r = Get(v, "probe_rate")) {
      if (Track(ReadRate(*r, "chaos.probe_rate", &c.probe_rate, errors_)) && c.probe_rate <= 0) {
        Fail(r->loc, "chaos.probe_rate", "must be more than 0 per second (e.g. 2/s)");
      }
    }
    if (const Value* e = Get(v, "circuit_event")) NonEmptyText(*e, "chaos.circuit_event", &c.circuit_event);
    if (const Value* r = Get(v, "recovery")) Recovery(*r, &c.recovery);
    if (const Value* s = Get(v, "steady_state")) SteadyState(*s, &c.steady_state);
    if (const Value* s = Get(v, "steps")) {
      Steps(*s, &c.steps);
    } else {
      Fail(v.loc, "chaos.steps", "missing; expected a list of chaos steps ({name:, at:, duration:, fault:, ...})");
    }
  }

 private:
  void Recovery(const Value& v, RecoverySettings* r) {
    const std::string key = "chaos.recovery";
    if (!IsMap(v, key, "a map (windows:, deadline:, baseline:, error_rate_margin:, latency_factor:)")) return;
    Track(CheckKeys(v, key, {"windows", "deadline", "baseline", "error_rate_margin", "latency_factor"},
                    "recovery settings", errors_));
    if (const Value* w = Get(v, "windows")) {
      int64_t n = 0;
      if (Track(ReadInt(*w, JoinKey(key, "windows"), &n, errors_))) {
        if (n < 1 || n > 600) {
          Fail(w->loc, JoinKey(key, "windows"), "must be between 1 and 600 one-second windows, got " + Excerpt(w->scalar));
        } else {
          r->windows = static_cast<int>(n);
        }
      }
    }
    if (const Value* d = Get(v, "deadline")) Dur(*d, JoinKey(key, "deadline"), &r->deadline, /*positive=*/true);
    if (const Value* d = Get(v, "baseline")) Dur(*d, JoinKey(key, "baseline"), &r->baseline, /*positive=*/true);
    if (const Value* m = Get(v, "error_rate_margin")) {
      Threshold t;
      std::string err;
      // Reuses the threshold parser's share syntax: "1%" or 0.01.
      if (ParseThreshold("error_rate < " + m->scalar, &t, &err) && m->is_scalar()) {
        r->error_rate_margin = t.value;
      } else {
        Fail(m->loc, JoinKey(key, "error_rate_margin"), "expected a share like 1% or 0.01, got " + Describe(*m));
      }
    }
    if (const Value* f = Get(v, "latency_factor")) {
      if (Track(ReadFloat(*f, JoinKey(key, "latency_factor"), &r->latency_factor, errors_)) && r->latency_factor < 1) {
        Fail(f->loc, JoinKey(key, "latency_factor"), "must be at least 1 (p95 may grow to baseline x factor)");
      }
    }
  }

  void SteadyState(const Value& v, std::vector<Probe>* out) {
    const std::string key = "chaos.steady_state";
    if (!IsList(v, key, "a list of probes ({name:, http: {...}} or {name:, threshold: ..., window: 5s})")) return;
    std::map<std::string, Location> seen;
    for (size_t i = 0; i < v.items.size(); ++i) {
      const Value& item = v.items[i];
      const std::string pkey = Index(key, i);
      Probe p;
      p.loc = item.loc;
      if (!IsMap(item, pkey, "a probe (a map with name: and http: or threshold:)")) continue;
      Track(CheckKeys(item, pkey, {"name", "http", "threshold", "window"}, "a probe", errors_));
      UniqueName(item, pkey, "probe", &seen, &p.name);
      const Value* http = Get(item, "http");
      const Value* threshold = Get(item, "threshold");
      if ((http != nullptr) == (threshold != nullptr)) {
        Fail(item.loc, pkey, "a probe has exactly one of http: (a request to judge) or threshold: (a metric over the last window)");
        continue;
      }
      if (http) {
        HttpProbe h;
        if (HttpProbeValue(*http, JoinKey(pkey, "http"), &h)) p.http = std::move(h);
        if (const Value* w = Get(item, "window")) {
          Fail(w->loc, JoinKey(pkey, "window"), "only a threshold: probe has a window; an http: probe is one request");
        }
      } else {
        std::string text, err;
        Threshold t;
        if (Text(*threshold, JoinKey(pkey, "threshold"), &text)) {
          if (!ParseThreshold(text, &t, &err)) {
            Fail(threshold->loc, JoinKey(pkey, "threshold"), err);
          } else if (t.window.count() > 0) {
            Fail(threshold->loc, JoinKey(pkey, "threshold"),
                 "a probe judges its metric over its own window: (default 5s); leave out \"for " +
                     text.substr(text.rfind(' ') + 1) + "\"");
          } else if (IsRunEndMetric(t.metric)) {
            Fail(threshold->loc, JoinKey(pkey, "threshold"),
                 t.metric + " is only known at the end of the run; a probe needs a metric of the last seconds");
          } else {
            t.loc = threshold->loc;
            p.threshold = t;
          }
        }
        if (const Value* w = Get(item, "window")) Dur(*w, JoinKey(pkey, "window"), &p.window, /*positive=*/true);
      }
      out->push_back(std::move(p));
    }
  }

  bool HttpProbeValue(const Value& v, const std::string& key, HttpProbe* h) {
    if (!IsMap(v, key, "a map with url: (and method:, headers:, body:, status:, body_contains:, json:)")) return false;
    const bool before = ok_;
    ok_ = true;
    Track(CheckKeys(v, key, {"url", "method", "headers", "body", "status", "body_contains", "json", "timeout"},
                    "an http probe", errors_));
    if (const Value* u = Required(v, key, "url", "the http:// URL to request")) {
      if (Text(*u, JoinKey(key, "url"), &h->url) && h->url.rfind("http://", 0) != 0) {
        Fail(u->loc, JoinKey(key, "url"), "expected an http:// URL (probes speak plain HTTP)");
      }
    }
    if (const Value* m = Get(v, "method")) NonEmptyText(*m, JoinKey(key, "method"), &h->method);
    if (const Value* b = Get(v, "body")) Text(*b, JoinKey(key, "body"), &h->body);
    if (const Value* b = Get(v, "body_contains")) Text(*b, JoinKey(key, "body_contains"), &h->body_contains);
    if (const Value* hs = Get(v, "headers")) {
      if (IsMap(*hs, JoinKey(key, "headers"), "a map of header names to values")) {
        for (const auto& [name, value] : hs->entries) {
          std::string text;
          if (Text(value, JoinKey(JoinKey(key, "headers"), name), &text)) h->headers.emplace_back(name, text);
        }
      }
    }
    if (const Value* s = Get(v, "status")) {
      const std::string skey = JoinKey(key, "status");
      std::vector<const Value*> items;
      if (s->is_sequence()) {
        for (const auto& item : s->items) items.push_back(&item);
      } else {
        items.push_back(s);
      }
      for (const Value* item : items) {
        int64_t code = 0;
        if (Track(ReadInt(*item, skey, &code, errors_))) {
          if (code < 100 || code > 599) {
            Fail(item->loc, skey, "an HTTP status is between 100 and 599, got " + Excerpt(item->scalar));
          } else {
            h->statuses.push_back(static_cast<int>(code));
          }
        }
      }
    }
    if (const Value* j = Get(v, "json")) {
      const std::string jkey = JoinKey(key, "json");
      if (IsMap(*j, jkey, "a map {path: $.status, equals: ok}")) {
        Track(CheckKeys(*j, jkey, {"path", "equals"}, "a JSON check", errors_));
        if (const Value* p = Required(*j, jkey, "path", "a JSON path like $.status")) {
          if (NonEmptyText(*p, JoinKey(jkey, "path"), &h->json_path) && h->json_path[0] != '$' &&
              h->json_path[0] != '/') {
            Fail(p->loc, JoinKey(jkey, "path"), "a JSON path starts with $ ($.a.b[0]) or / (a JSON pointer)");
          }
        }
        if (const Value* e = Get(*j, "equals")) h->json_equals = ToJsonText(*e);
      }
    }
    if (const Value* t = Get(v, "timeout")) Dur(*t, JoinKey(key, "timeout"), &h->timeout, /*positive=*/true);
    const bool good = ok_;
    ok_ = before && good;
    return good;
  }

  void Steps(const Value& v, std::vector<ChaosStep>* out) {
    const std::string key = "chaos.steps";
    if (!IsList(v, key, "a list of chaos steps")) return;
    std::map<std::string, Location> seen;
    for (size_t i = 0; i < v.items.size(); ++i) {
      const Value& item = v.items[i];
      const std::string skey = Index(key, i);
      ChaosStep s;
      s.loc = item.loc;
      s.fault.loc = item.loc;
      s.fault.options = MakeMap(item.loc);
      if (!IsMap(item, skey, "a chaos step (a map with name:, at:, duration:, fault: and the fault's options)")) continue;
      for (size_t k = 0; k < item.entries.size(); ++k) {
        const std::string& name = item.entries[k].first;
        if (name == "name" || name == "at" || name == "duration" || name == "fault" || name == "proxy") continue;
        s.fault.options.set(name, item.entries[k].second, item.key_loc(k));
      }
      UniqueName(item, skey, "chaos step", &seen, &s.name);
      if (const Value* a = Required(item, skey, "at", "when the fault starts, from the run's start (e.g. 20s)")) {
        s.at_loc = a->loc;
        Bounded(*a, JoinKey(skey, "at"), &s.at);
      }
      if (const Value* d = Get(item, "duration")) {
        s.duration_loc = d->loc;
        Bounded(*d, JoinKey(skey, "duration"), &s.duration);
      } else {
        Fail(item.loc, JoinKey(skey, "duration"),
             "missing; expected how long the fault stays (e.g. 15s; 0s for a one-off like a kill)");
      }
      if (const Value* f = Required(item, skey, "fault", "the fault plugin: proxy, process, command, ...")) {
        s.fault.loc = f->loc;  // "no plugin named ..." points at the name
        NonEmptyText(*f, JoinKey(skey, "fault"), &s.fault.plugin);
      }
      if (const Value* p = Get(item, "proxy")) {
        if (NonEmptyText(*p, JoinKey(skey, "proxy"), &s.proxy) && !proxy_names_.count(s.proxy)) {
          std::vector<std::string> names;
          for (const auto& [n, loc] : proxy_names_) names.push_back(n);
          Fail(p->loc, JoinKey(skey, "proxy"),
               "no proxy named \"" + s.proxy + "\"" + DidYouMean(s.proxy, names) +
                   (names.empty() ? "; declare it under proxies:" : "; proxies are " + JoinNames(names)));
        }
      }
      out->push_back(std::move(s));
    }
    std::stable_sort(out->begin(), out->end(), [](const ChaosStep& a, const ChaosStep& b) { return a.at < b.at; });
  }

  // A step's times: 0 or more, at most 30 days (so sums of them cannot overflow).
  void Bounded(const Value& v, const std::string& key, Duration* out) {
    Duration d{0};
    if (!Track(ReadDuration(v, key, &d, errors_))) return;
    if (d.count() < 0 || d > std::chrono::hours(24 * 30)) {
      Fail(v.loc, key, "must be between 0s and 30 days, got \"" + Excerpt(v.scalar) + "\"");
      return;
    }
    *out = d;
  }

  Plan* plan_;
  std::map<std::string, Location> proxy_names_;
};

}  // namespace

bool CheckChaosTimeline(const Plan& plan, Diagnostics* errors) {
  auto profile = plan.profiles.find(plan.profile);
  if (profile == plan.profiles.end()) return true;  // reported by the profile's own check
  const Duration end = TotalDuration(profile->second);
  const std::string where = "profile \"" + Excerpt(plan.profile) + "\" ends at " + FormatDuration(end);
  bool ok = true;
  for (const ChaosStep& s : plan.chaos.steps) {
    if (s.at >= end) {
      ok = AddError(errors, s.at_loc.line > 0 ? s.at_loc : s.loc, "",
                    "chaos step \"" + Excerpt(s.name) + "\" starts at " + FormatDuration(s.at) + ", but the " +
                        where + "; start it earlier or make the profile longer");
    } else if (s.at + s.duration > end) {
      ok = AddError(errors, s.duration_loc.line > 0 ? s.duration_loc : s.loc, "",
                    "chaos step \"" + Excerpt(s.name) + "\" ends at " + FormatDuration(s.at + s.duration) +
                        " (at + duration), but the " + where + "; shorten it, start it earlier or make the "
                        "profile longer");
    }
  }
  return ok;
}

bool BuildChaos(const Value& root, Plan* plan, Diagnostics* errors) {
  ChaosReader reader(plan, errors);
  if (const Value* v = Get(root, "proxies")) reader.Proxies(*v);
  if (const Value* v = Get(root, "observers")) reader.Observers(*v);
  if (const Value* v = Get(root, "chaos")) reader.ChaosSection(*v);
  return reader.ok();
}

}  // namespace sp::plan
