#include "plugins/http_target/dynamic_config.h"

#include <cstddef>
#include <nlohmann/json.hpp>

#include "lib/http1/syntax.h"
#include "plugins/http_target/options.h"

namespace sp::http {
namespace {

using nlohmann::json;

constexpr int64_t kMaxBodyCaptureLimit = int64_t{1} << 30;

bool parse_json_option(const sp_option_value* v, const std::string& option,
                       const std::string& pointer, json* out, OptionError* err) {
  *out = json::parse(std::string_view(v->s.ptr ? v->s.ptr : "", v->s.len), nullptr,
                     /*allow_exceptions=*/false);
  if (out->is_discarded()) {
    *err = {"the value is not valid JSON", option, pointer};
    return false;
  }
  return true;
}

void add_name(std::vector<std::string>* names, const std::string& name) {
  for (const std::string& n : *names) {
    if (http1::IEquals(n, name)) return;
  }
  names->push_back(name);
}

void add_condition_needs(const Condition& c, ResponseSpec* spec) {
  if (c.kind == Condition::Kind::kHeader) add_name(&spec->tap.header_names, c.header);
  if (c.needs_body()) spec->tap.keep_body = true;
  if (c.kind == Condition::Kind::kJson) spec->needs_json = true;
}

}  // namespace

uint32_t DynamicConfig::intern(const std::string& name) const {
  if (host_ == nullptr ||
      host_->struct_size < offsetof(sp_host_api, intern) + sizeof host_->intern ||
      host_->intern == nullptr) {
    return UINT32_MAX;
  }
  return host_->intern(host_ctx_, name.c_str());
}

bool DynamicConfig::compile_target(const sp_host_api* host, void* host_ctx,
                                   const sp_options* options, OptionError* err) {
  host_ = host;
  host_ctx_ = host_ctx;

  DataMode mode = DataMode::kSequential;
  if (const sp_option_value* m = OptionValue(options, kDataMode); m != nullptr && m->s.ptr) {
    const std::string_view text(m->s.ptr, m->s.len);
    if (!parse_data_mode(text, &mode)) {
      *err = {"data_mode must be sequential, random or unique, got \"" + std::string(text) + "\"",
              "data_mode", ""};
      return false;
    }
  }
  if (const sp_option_value* f = OptionValue(options, kDataFile); f != nullptr && f->s.ptr) {
    const std::string path(f->s.ptr, f->s.len);
    CsvTable table;
    std::string why;
    if (!load_csv_file(path, &table, &why)) {
      *err = {why, "data_file", ""};
      return false;
    }
    data_ = std::make_unique<DataSet>(std::move(table), mode, path);
  }
  if (const sp_option_value* r = OptionValue(options, kTargetRules); r != nullptr) {
    json doc;
    if (!parse_json_option(r, "rules", "", &doc, err)) return false;
    if (!parse_rules(doc, "rules", "", &target_rules_, err)) return false;
    for (Rule& rule : target_rules_) rule.id = intern(rule.event);
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

bool DynamicConfig::compile_request(const sp_request_spec& spec, size_t index,
                                    CompiledRequest* out, OptionError* err) {
  const std::string option = "requests/" + std::to_string(index);
  const sp_options* options = &spec.options;
  auto rs = std::make_shared<ResponseSpec>();

  if (const sp_option_value* v = OptionValue(options, kChecks); v != nullptr) {
    json doc;
    if (!parse_json_option(v, option, "/checks", &doc, err)) return false;
    if (!parse_checks(doc, option, "/checks", &rs->checks, err)) return false;
  }
  if (const sp_option_value* v = OptionValue(options, kCapture); v != nullptr) {
    json doc;
    if (!parse_json_option(v, option, "/capture", &doc, err)) return false;
    if (!parse_captures(doc, option, "/capture", &rs->captures, err)) return false;
  }
  if (const sp_option_value* v = OptionValue(options, kRequestRules); v != nullptr) {
    json doc;
    if (!parse_json_option(v, option, "/rules", &doc, err)) return false;
    if (!parse_rules(doc, option, "/rules", &rs->rules, err)) return false;
  }
  if (rs->checks.empty() && rs->captures.empty() && rs->rules.empty() && target_rules_.empty()) {
    out->response.reset();
    return true;
  }

  // Distinct events this step can fire must fit in a result.
  std::vector<std::string> events;
  for (const Rule& r : target_rules_) add_name(&events, r.event);
  for (const Rule& r : rs->rules) add_name(&events, r.event);
  if (events.size() > kMaxResultEvents) {
    *err = {"a request step can fire at most " + std::to_string(kMaxResultEvents) +
                " distinct events (its rules and the target's name " + std::to_string(events.size()) + ")",
            option, "/rules"};
    return false;
  }

  for (Check& c : rs->checks) {
    c.id = intern(c.name);
    if (c.condition.kind == Condition::Kind::kStatus) rs->has_status_check = true;
    add_condition_needs(c.condition, rs.get());
  }
  for (Capture& c : rs->captures) {
    const auto [it, added] = captures_.emplace(c.name, static_cast<uint32_t>(capture_names_.size()));
    if (added) capture_names_.push_back(c.name);
    c.slot = it->second;
    c.failure_id = intern("capture " + c.name);
    if (c.source == Capture::Source::kHeader) add_name(&rs->tap.header_names, c.header);
    if (c.needs_body()) rs->tap.keep_body = true;
    if (c.source == Capture::Source::kJson) rs->needs_json = true;
  }
  for (Rule& r : rs->rules) r.id = intern(r.event);
  for (const std::vector<Rule>* rules : {&target_rules_, &rs->rules}) {
    for (const Rule& r : *rules) {
      for (const Condition& c : r.when) add_condition_needs(c, rs.get());
    }
  }
  if (!target_rules_.empty()) rs->target_rules = &target_rules_;
  rs->tap.max_body = max_body_;
  rs->over_limit_id = intern(kBodyOverLimitCheck);
  out->response = std::move(rs);
  return true;
}

}  // namespace sp::http
