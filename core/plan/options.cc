#include "core/plan/options.h"

#include <charconv>
#include <filesystem>

#include "core/plan/json_value.h"
#include "core/plan/suggest.h"
#include "core/plan/typed_value.h"
#include "core/plan/yaml_loader.h"

namespace sp::plan {

ResolvedOptions::ResolvedOptions(ResolvedOptions&& other) noexcept
    : values_(std::move(other.values_)), strings_(std::move(other.strings_)), table_(other.table_) {
  other.table_ = sp_options{0, nullptr};
}

ResolvedOptions& ResolvedOptions::operator=(ResolvedOptions&& other) noexcept {
  if (this != &other) {
    values_ = std::move(other.values_);
    strings_ = std::move(other.strings_);
    table_ = other.table_;
    other.table_ = sp_options{0, nullptr};
  }
  return *this;
}

const sp_option_value* ResolvedOptions::find(std::string_view name) const {
  for (const sp_option_value& v : values_) {
    if (v.name && name == v.name) return &v;
  }
  return nullptr;
}

const char* OptionTypeName(sp_option_type type) {
  switch (type) {
    case SP_OPT_STRING: return "string";
    case SP_OPT_INT: return "integer";
    case SP_OPT_FLOAT: return "number";
    case SP_OPT_BOOL: return "boolean";
    case SP_OPT_DURATION: return "duration";
    case SP_OPT_SIZE: return "size";
    case SP_OPT_RATE: return "rate";
    case SP_OPT_JSON: return "any";
    case SP_OPT_PATH: return "path";
  }
  return "unknown";
}

const char* OptionTypeSyntax(sp_option_type type) {
  switch (type) {
    case SP_OPT_STRING: return "text";
    case SP_OPT_INT: return "a whole number (e.g. 10)";
    case SP_OPT_FLOAT: return "a number (e.g. 0.5, or 50% for 0.5)";
    case SP_OPT_BOOL: return "true or false";
    case SP_OPT_DURATION: return "a duration (e.g. 500ms, 30s, 5m)";
    case SP_OPT_SIZE: return "a size (e.g. 512, 4KiB, 2MB)";
    case SP_OPT_RATE: return "a rate (e.g. 200/s, 1200/m)";
    case SP_OPT_JSON: return "any YAML value (map, list or scalar)";
    case SP_OPT_PATH: return "a file path";
  }
  return "a value";
}

namespace {

namespace fs = std::filesystem;

// Converts one value into *value (and its text into *text for string-like types).
bool Convert(const Value& v, const sp_option_decl& decl, const OptionContext& ctx,
             const std::string& key, sp_option_value* value, std::string* text, Diagnostics* errors) {
  const std::string expected = std::string("expected ") + OptionTypeSyntax(decl.type) + ", got " +
                               Describe(v) + " (option " + decl.name + " of " + ctx.plugin + ")";
  if (decl.type != SP_OPT_JSON && !v.is_scalar()) return AddError(errors, v.loc, key, expected);
  switch (decl.type) {
    case SP_OPT_STRING:
      *text = v.scalar;
      return true;
    case SP_OPT_PATH: {
      if (v.scalar.empty()) return AddError(errors, v.loc, key, "expected a file path, got an empty value");
      fs::path p(v.scalar);
      if (p.is_relative() && !ctx.path_base.empty()) p = fs::path(ctx.path_base) / p;
      *text = p.lexically_normal().string();
      return true;
    }
    case SP_OPT_INT:
      if (!ParseIntText(v.scalar, &value->i)) return AddError(errors, v.loc, key, expected);
      return true;
    case SP_OPT_FLOAT: {
      // "50%" is 0.5: probabilities and shares read the way people write them.
      const bool percent = !v.scalar.empty() && v.scalar.back() == '%';
      const std::string number = percent ? v.scalar.substr(0, v.scalar.size() - 1) : v.scalar;
      if (!ParseFloatText(number, &value->f)) return AddError(errors, v.loc, key, expected);
      if (percent) value->f /= 100.0;
      return true;
    }
    case SP_OPT_BOOL: {
      bool b = false;
      if (!ParseBoolText(v.scalar, &b)) return AddError(errors, v.loc, key, expected);
      value->b = b ? 1 : 0;
      return true;
    }
    case SP_OPT_DURATION: {
      Duration d{0};
      if (!ReadDuration(v, key, &d, errors)) return false;
      value->i = d.count();
      return true;
    }
    case SP_OPT_SIZE:
      return ReadSize(v, key, &value->i, errors);
    case SP_OPT_RATE:
      return ReadRate(v, key, &value->f, errors);
    case SP_OPT_JSON:
      *text = ToJsonText(v);
      return true;
  }
  return AddError(errors, v.loc, key,
                  ctx.plugin + " declares option " + decl.name + " with an unknown type " +
                      std::to_string(static_cast<int>(decl.type)) +
                      " (a bug in the plugin, or a plugin built for a newer stressplan)");
}

// A declared default, read as if it had been written in the plan.
Value DefaultValue(const sp_option_decl& decl, const Location& where, bool* ok, std::string* err) {
  *ok = true;
  const std::string text = decl.default_value;
  if (decl.type == SP_OPT_STRING || decl.type == SP_OPT_PATH) {
    return MakeScalar(text, where, /*quoted=*/true);
  }
  if (decl.type != SP_OPT_JSON) return MakeScalar(text, where);
  Value v;
  Diagnostics parse;
  if (!LoadYamlString(text, where.file, &v, &parse)) {
    *ok = false;
    *err = parse.empty() ? "not valid YAML" : parse.front().message;
  }
  return v;
}

// The block itself: a map (or nothing), and a table to check it against.
bool CheckBlock(const Value& block, const sp_option_decl* decls, size_t count,
                const OptionContext& ctx, Diagnostics* errors) {
  if (!block.is_null() && !block.is_map()) {
    return AddError(errors, block.loc, ctx.key_base,
                    "expected a map of options for " + ctx.plugin + ", got " + Describe(block));
  }
  if (count > 0 && !decls) {
    return AddError(errors, block.loc, ctx.key_base, ctx.plugin + " declares options but no table");
  }
  return true;
}

// Every key of the block the plugin does not declare, each with a suggestion.
bool CheckUnknownKeys(const Value& block, const std::vector<std::string>& names,
                      const OptionContext& ctx, Diagnostics* errors) {
  bool ok = true;
  for (size_t i = 0; i < block.entries.size(); ++i) {
    const std::string& key = block.entries[i].first;
    bool known = false;
    for (const std::string& n : names) known = known || n == key;
    if (known) continue;
    ok = AddError(errors, block.key_loc(i), JoinKey(ctx.key_base, key),
                  "unknown option for " + ctx.plugin + DidYouMean(key, names) +
                      "; known options: " + JoinNames(names));
  }
  return ok;
}

// The declared default of an option the plan leaves out, converted as if the plan had said it;
// a default the plugin got wrong is its bug, said so.
bool ApplyDefault(const sp_option_decl& decl, const OptionContext& ctx, const Location& block_loc,
                  const std::string& key, sp_option_value* value, std::string* text,
                  Diagnostics* errors) {
  const Location where{ctx.plugin + " default of " + decl.name, 0, 0};
  bool parsed = true;
  std::string err;
  Value def = DefaultValue(decl, where, &parsed, &err);
  Diagnostics default_errors;
  if (parsed && (def.is_null() && decl.type != SP_OPT_JSON)) {
    parsed = false;
    err = "empty";
  }
  if (parsed && !Convert(def, decl, ctx, key, value, text, &default_errors)) {
    parsed = false;
    err = default_errors.empty() ? "invalid" : default_errors.front().message;
  }
  if (!parsed) {
    return AddError(errors, block_loc, key,
                    ctx.plugin + " declares an invalid default \"" + decl.default_value +
                        "\" for option " + decl.name + " (" + err +
                        "); set the option in the plan, and report this bug in the plugin");
  }
  value->is_set = 1;
  return true;
}

// One declared option: given in the block, missing but required, defaulted, or absent (is_set
// stays 0). *text receives the text of string-like values.
bool ResolveOne(const Value& block, const sp_option_decl& decl, const OptionContext& ctx,
                sp_option_value* value, std::string* text, Diagnostics* errors) {
  const std::string key = JoinKey(ctx.key_base, decl.name);
  const Value* given = block.is_map() ? block.find(decl.name) : nullptr;
  if (given && given->is_null()) given = nullptr;  // `name:` with nothing means "not set"
  if (given) {
    if (!Convert(*given, decl, ctx, key, value, text, errors)) return false;
    value->is_set = 1;
    return true;
  }
  if (decl.required) {
    std::string message = "missing required option " + std::string(decl.name) + " of " +
                          ctx.plugin + " (" + OptionTypeSyntax(decl.type) + ")";
    if (decl.description && *decl.description) message += ": " + std::string(decl.description);
    return AddError(errors, block.loc, key, message);
  }
  if (!decl.default_value) return true;
  return ApplyDefault(decl, ctx, block.loc, key, value, text, errors);
}

}  // namespace

bool ResolveOptions(const Value& block, const sp_option_decl* decls, size_t count,
                    const OptionContext& ctx, ResolvedOptions* out, Diagnostics* errors) {
  if (!CheckBlock(block, decls, count, ctx, errors)) return false;
  std::vector<std::string> names;
  for (size_t k = 0; k < count; ++k) names.push_back(decls[k].name ? decls[k].name : "");
  bool ok = CheckUnknownKeys(block, names, ctx, errors);

  ResolvedOptions result;
  result.values_.resize(count);
  result.strings_.resize(2 * count);
  for (size_t k = 0; k < count; ++k) {
    const sp_option_decl& decl = decls[k];
    sp_option_value& value = result.values_[k];
    value = sp_option_value{};
    value.type = decl.type;
    if (!decl.name || !*decl.name) {
      ok = AddError(errors, block.loc, ctx.key_base,
                    ctx.plugin + " declares an option without a name (option #" + std::to_string(k) +
                        "); the plugin is broken");
      continue;
    }
    result.strings_[2 * k] = decl.name;
    if (!ResolveOne(block, decl, ctx, &value, &result.strings_[2 * k + 1], errors)) ok = false;
  }
  if (!ok) return false;

  // Pointers are taken only now: strings_ no longer changes size, and moving the vectors
  // keeps their buffers (and so these pointers) intact.
  for (size_t k = 0; k < count; ++k) {
    sp_option_value& value = result.values_[k];
    value.name = result.strings_[2 * k].c_str();
    const std::string& text = result.strings_[2 * k + 1];
    value.s = sp_str{text.c_str(), text.size()};
  }
  result.table_ = sp_options{count, result.values_.data()};
  *out = std::move(result);
  return true;
}

Location LocateOption(const Value& block, const std::string& option, const std::string& json_pointer) {
  if (!block.is_map()) return block.loc;
  const Value* node = nullptr;
  Location best = block.loc;
  for (size_t i = 0; i < block.entries.size(); ++i) {
    if (block.entries[i].first != option) continue;
    node = &block.entries[i].second;
    // A value from --set or --host is located at its flag (known(), line 0), not at the
    // plan line of the key it replaced.
    best = node->is_null() || !node->loc.known() ? block.key_loc(i) : node->loc;
    break;
  }
  if (!node || json_pointer.empty() || json_pointer.front() != '/') return best;

  size_t pos = 1;
  while (node) {
    size_t slash = json_pointer.find('/', pos);
    std::string token =
        json_pointer.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    // RFC 6901: ~1 is '/', ~0 is '~' (in that order).
    std::string unescaped;
    for (size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
        unescaped.push_back(token[i + 1] == '1' ? '/' : '~');
        ++i;
      } else {
        unescaped.push_back(token[i]);
      }
    }
    const Value* next = nullptr;
    Location next_loc;
    if (node->is_map()) {
      for (size_t i = 0; i < node->entries.size(); ++i) {
        if (node->entries[i].first != unescaped) continue;
        next = &node->entries[i].second;
        next_loc = next->is_null() || !next->loc.known() ? node->key_loc(i) : next->loc;
        break;
      }
    } else if (node->is_sequence()) {
      size_t index = 0;
      auto r = std::from_chars(unescaped.data(), unescaped.data() + unescaped.size(), index);
      if (!unescaped.empty() && r.ec == std::errc() && r.ptr == unescaped.data() + unescaped.size() &&
          index < node->items.size()) {
        next = &node->items[index];
        next_loc = next->loc;
      }
    }
    if (!next) break;
    node = next;
    best = next_loc;
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  return best;
}

}  // namespace sp::plan
