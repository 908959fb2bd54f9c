#include "plugins/http_target/dynamic_config.h"

#include <cstddef>
#include <nlohmann/json.hpp>

#include "lib/http1/syntax.h"
#include "plugins/http_target/options.h"

namespace sp::http {
namespace {

using nlohmann::json;

constexpr int64_t kMaxBodyCaptureLimit = int64_t{1} << 30;

bool ParseJsonOption(const sp_option_value* v, const std::string& option,
                     const std::string& pointer, json* out, OptionError* err) {
  *out = json::parse(std::string_view(v->s.ptr ? v->s.ptr : "", v->s.len), nullptr,
                     /*allow_exceptions=*/false);
  if (out->is_discarded()) {
    *err = {"the value is not valid JSON", option, pointer};
    return false;
  }
  return true;
}

void AddName(std::vector<std::string>* names, const std::string& name) {
  for (const std::string& n : *names) {
    if (http1::IEquals(n, name)) return;
  }
  names->push_back(name);
}

void AddConditionNeeds(const Condition& c, ResponseSpec* spec) {
  if (c.kind == Condition::Kind::kHeader) AddName(&spec->tap.header_names, c.header);
  if (c.NeedsBody()) spec->tap.keep_body = true;
  if (c.kind == Condition::Kind::kJson) spec->needs_json = true;
}

}  // namespace

uint32_t DynamicConfig::Intern(const std::string& name) const {
  if (host_ == nullptr ||
      host_->struct_size < offsetof(sp_host_api, intern) + sizeof host_->intern ||
      host_->intern == nullptr) {
    return UINT32_MAX;
  }
  return host_->intern(host_ctx_, name.c_str());
}

bool DynamicConfig::CompileTarget(const sp_host_api* host, void* host_ctx,
                                  const sp_options* options, OptionError* err) {
  host_ = host;
  host_ctx_ = host_ctx;
  segment_ = SegmentOf(host, host_ctx);

  DataMode mode = DataMode::kSequential;
  if (const sp_option_value* m = OptionValue(options, kDataMode); m != nullptr && m->s.ptr) {
    const std::string_view text(m->s.ptr, m->s.len);
    if (!ParseDataMode(text, &mode)) {
      *err = {"data_mode must be sequential, random or unique, got \"" + std::string(text) + "\"",
              "data_mode", ""};
      return false;
    }
  }
  if (const sp_option_value* f = OptionValue(options, kDataFile); f != nullptr && f->s.ptr) {
    const std::string path(f->s.ptr, f->s.len);
    CsvTable table;
    std::string why;
    if (!LoadCsvFile(path, &table, &why)) {
      *err = {why, "data_file", ""};
      return false;
    }
    data_ = std::make_unique<DataSet>(std::move(table), mode, path, segment_);
  }
  if (const sp_option_value* r = OptionValue(options, kTargetRules); r != nullptr) {
    json doc;
    if (!ParseJsonOption(r, "rules", "", &doc, err)) return false;
    if (!ParseRules(doc, "rules", "", &target_rules_, err)) return false;
    for (Rule& rule : target_rules_) rule.id = Intern(rule.event);
  }
  if (const sp_option_value* m = OptionValue(options, kMaxBodyCapture); m != nullptr) {
    if (m->i <= 0 || m->i > kMaxBodyCaptureLimit) {
      *err = {"max_body_capture must be more than 0 and at most 1GiB (e.g. 1MiB)",
              "max_body_capture", ""};
      return false;
    }
    max_body_ = static_cast<uint64_t>(m->i);
  }
  return true;
}

bool DynamicConfig::CompileRequest(const sp_request_spec& spec, size_t index, CompiledRequest* out,
                                   OptionError* err) {
  const std::string option = "requests/" + std::to_string(index);
  const sp_options* options = &spec.options;
  auto rs = std::make_shared<ResponseSpec>();

  if (const sp_option_value* v = OptionValue(options, kChecks); v != nullptr) {
    json doc;
    if (!ParseJsonOption(v, option, "/checks", &doc, err)) return false;
    if (!ParseChecks(doc, option, "/checks", &rs->checks, err)) return false;
  }
  if (const sp_option_value* v = OptionValue(options, kCapture); v != nullptr) {
    json doc;
    if (!ParseJsonOption(v, option, "/capture", &doc, err)) return false;
    if (!ParseCaptures(doc, option, "/capture", &rs->captures, err)) return false;
  }
  if (const sp_option_value* v = OptionValue(options, kRequestRules); v != nullptr) {
    json doc;
    if (!ParseJsonOption(v, option, "/rules", &doc, err)) return false;
    if (!ParseRules(doc, option, "/rules", &rs->rules, err)) return false;
  }
  if (rs->checks.empty() && rs->captures.empty() && rs->rules.empty() && target_rules_.empty()) {
    out->response.reset();
    return true;
  }

  // Distinct events this step can fire must fit in a result.
  std::vector<std::string> events;
  for (const Rule& r : target_rules_) AddName(&events, r.event);
  for (const Rule& r : rs->rules) AddName(&events, r.event);
  if (events.size() > kMaxResultEvents) {
    *err = {"a request step can fire at most " + std::to_string(kMaxResultEvents) +
                " distinct events (its rules and the target's name " + std::to_string(events.size()) + ")",
            option, "/rules"};
    return false;
  }

  for (Check& c : rs->checks) {
    c.id = Intern(c.name);
    if (c.condition.kind == Condition::Kind::kStatus) rs->has_status_check = true;
    AddConditionNeeds(c.condition, rs.get());
  }
  for (Capture& c : rs->captures) {
    const auto [it, added] = captures_.emplace(c.name, static_cast<uint32_t>(capture_names_.size()));
    if (added) capture_names_.push_back(c.name);
    c.slot = it->second;
    c.failure_id = Intern("capture " + c.name);
    if (c.source == Capture::Source::kHeader) AddName(&rs->tap.header_names, c.header);
    if (c.NeedsBody()) rs->tap.keep_body = true;
    if (c.source == Capture::Source::kJson) rs->needs_json = true;
    if (c.source == Capture::Source::kCookie) rs->reads_cookies = true;
  }
  for (Rule& r : rs->rules) r.id = Intern(r.event);
  for (const std::vector<Rule>* rules : {&target_rules_, &rs->rules}) {
    for (const Rule& r : *rules) {
      for (const Condition& c : r.when) AddConditionNeeds(c, rs.get());
    }
  }
  if (!target_rules_.empty()) rs->target_rules = &target_rules_;
  rs->tap.max_body = max_body_;
  rs->tap.decode = out->accepts_encoding;
  rs->over_limit_id = Intern(kBodyOverLimitCheck);
  out->response = std::move(rs);
  return true;
}

}  // namespace sp::http
