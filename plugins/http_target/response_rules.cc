#include "plugins/http_target/response_rules.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "plugins/http_target/header_list.h"

namespace sp::http {
namespace {

using nlohmann::json;

bool Fail(OptionError* err, std::string message, const std::string& option, std::string pointer) {
  *err = {std::move(message), option, std::move(pointer)};
  return false;
}

bool IsEventName(const std::string& name) {
  if (name.empty() || name.size() > 100) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-' || c == ':';
    if (!ok) return false;
  }
  return true;
}

void AddEvent(uint32_t id, ResponseOutcome* out) {
  if (id == UINT32_MAX) return;  // the host could not intern it
  if (std::find(out->events, out->events + out->event_count, id) != out->events + out->event_count) return;
  if (out->event_count < kMaxResultEvents) out->events[out->event_count++] = id;
}

}  // namespace

bool Rule::NeedsBody() const {
  return std::any_of(when.begin(), when.end(), [](const Condition& c) { return c.NeedsBody(); });
}

bool Rule::Matches(const ResponseView& r, bool body_usable) const {
  for (const Condition& c : when) {
    if (c.NeedsBody() && !body_usable) return false;
    if (!c.Test(r, nullptr)) return false;
  }
  return true;
}

bool ParseRules(const json& value, const std::string& option, const std::string& pointer,
                std::vector<Rule>* out, OptionError* err) {
  if (!value.is_array()) {
    return Fail(err, "rules must be a list, e.g. [{event: circuit_open, when: {status: 503}}]",
                option, pointer);
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const json& item = value[i];
    const std::string at = pointer + "/" + std::to_string(i);
    if (!item.is_object()) {
      return Fail(err, "each rule must be a map: {event: name, when: {status: 503}}", option, at);
    }
    Rule rule;
    bool has_when = false;
    for (const auto& [key, v] : item.items()) {
      const std::string where = at + "/" + JsonPointerToken(key);
      if (key == "event") {
        if (!v.is_string() || !IsEventName(v.get<std::string>())) {
          return Fail(err,
                      "event must be a name of letters, digits and _ . - : (e.g. circuit_open)",
                      option, where);
        }
        rule.event = v.get<std::string>();
      } else if (key == "when") {
        has_when = true;
        if (!v.is_object() || v.empty()) {
          return Fail(err,
                      "when must be a map of one or more conditions: status, header, "
                      "body_contains, body_matches, json (all must hold)",
                      option, where);
        }
        for (const auto& [ckey, cvalue] : v.items()) {
          const std::string cwhere = where + "/" + JsonPointerToken(ckey);
          if (!IsConditionKey(ckey)) {
            return Fail(err,
                        "unknown condition \"" + ckey +
                            "\" in when; known: status, header, "
                            "body_contains, body_matches, json",
                        option, cwhere);
          }
          Condition c;
          if (!ParseCondition(ckey, cvalue, option, cwhere, &c, err)) return false;
          rule.when.push_back(std::move(c));
        }
      } else {
        return Fail(err, "unknown key \"" + key + "\" in a rule; known keys: event, when", option,
                    where);
      }
    }
    if (rule.event.empty())
      return Fail(err, "rule needs an event name: {event: circuit_open, when: ...}", option, at);
    if (!has_when)
      return Fail(err, "rule needs when: the conditions that fire " + rule.event, option, at);
    out->push_back(std::move(rule));
  }
  return true;
}

void EvaluateResponse(const ResponseSpec& spec, int status, sp_error_kind status_error,
                      const ResponseTap& tap, VuVars* vars, ResponseOutcome* out,
                      const cookies::Jar* jar) {
  out->error = SP_E_NONE;
  out->failed_check = 0;
  out->event_count = 0;
  out->detail.clear();

  const bool body_usable = !tap.BodyOverLimit();
  ResponseView view{status, &tap, nullptr, jar, jar != nullptr ? UnixTimeNs() / 1'000'000'000 : 0};
  json doc;
  if (spec.needs_json && body_usable) {
    doc = json::parse(tap.body(), nullptr, /*allow_exceptions=*/false);
    if (!doc.is_discarded()) view.json = &doc;
  }
  const auto over_limit = [&] {
    out->error = SP_E_CHECK_FAILED;
    out->failed_check = spec.over_limit_id;
    out->detail = "response body over max_body_capture (" + std::to_string(spec.tap.max_body) +
                  " bytes); raise max_body_capture";
  };

  if (!spec.has_status_check && status_error != SP_E_NONE) {
    out->error = status_error;
  } else {
    for (const Check& check : spec.checks) {
      if (check.condition.NeedsBody() && !body_usable) {
        over_limit();
        break;
      }
      std::string why;
      if (!check.condition.Test(view, &why)) {
        out->error = SP_E_CHECK_FAILED;
        out->failed_check = check.id;
        out->detail = "check \"" + check.name + "\" failed: " + why;
        break;
      }
    }
  }

  for (const Capture& c : spec.captures) {
    if (vars == nullptr || c.slot >= vars->values.size()) break;
    std::string& value = vars->values[c.slot];
    bool ok = (body_usable || !c.NeedsBody()) && c.Extract(view, &value);
    if (!ok && c.default_value) {
      value = *c.default_value;
      ok = true;
    }
    vars->set[c.slot] = ok;
    if (!ok && out->error == SP_E_NONE) {
      if (!body_usable && c.NeedsBody()) {
        over_limit();
      } else {
        out->error = SP_E_CHECK_FAILED;
        out->failed_check = c.failure_id;
        out->detail = "capture \"" + c.name + "\" found nothing" +
                      (c.source == Capture::Source::kJson ? " at " + c.path.text()
                       : c.source == Capture::Source::kHeader ? " in header " + c.header
                                                              : " in the body");
      }
    }
  }

  if (spec.target_rules != nullptr) {
    for (const Rule& r : *spec.target_rules) {
      if (r.Matches(view, body_usable)) AddEvent(r.id, out);
    }
  }
  for (const Rule& r : spec.rules) {
    if (r.Matches(view, body_usable)) AddEvent(r.id, out);
  }
}

}  // namespace sp::http
