#include "core/plan/set_override.h"

#include <charconv>
#include <vector>

#include "core/plan/yaml_loader.h"

namespace sp::plan {
namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

bool ParseIndex(const std::string& s, size_t* index) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *index);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Every node the flag created points at the flag, not at line 1 of the value's text.
void Relocate(Value* v, const Location& loc) {
  v->loc = loc;
  for (Location& k : v->key_locs) k = loc;
  for (Value& item : v->items) Relocate(&item, loc);
  for (auto& entry : v->entries) Relocate(&entry.second, loc);
}

// The last key walked, as the author wrote it in the path ("stages has 3 items").
std::string Name(const std::string& walked) {
  if (walked.empty()) return "the plan";
  size_t dot = walked.rfind('.');
  if (dot == std::string::npos) return walked;
  size_t index = 0;
  if (ParseIndex(walked.substr(dot + 1), &index)) {
    // "0" alone says nothing; name the list it belongs to ("scenarios.0").
    size_t before = walked.rfind('.', dot - 1);
    return before == std::string::npos ? walked : walked.substr(before + 1);
  }
  return walked.substr(dot + 1);
}

}  // namespace

bool SetPath(Value* root, const std::string& path, Value value, const std::string& flag,
             Diagnostics* errors) {
  const Location here{flag, 0, 0};
  std::vector<std::string> parts = Split(path);
  for (const std::string& p : parts) {
    if (p.empty()) {
      return AddError(errors, here, "",
                      "invalid path \"" + path +
                          "\": write dot-separated keys and list indexes, e.g. "
                          "profiles.spike.stages.1.users");
    }
  }
  if (parts.front() == "environments") {
    return AddError(errors, here, "",
                    "environments are applied before --set; select one with --env and set its "
                    "keys directly (e.g. --set target.base_url=...)");
  }
  Value* node = root;
  std::string walked;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    const bool last = i + 1 == parts.size();
    if (node->is_null()) *node = MakeMap(here);
    if (node->is_sequence()) {
      size_t index = 0;
      if (!ParseIndex(part, &index)) {
        return AddError(errors, here, "",
                        Name(walked) + " is a list; use an index 0.." +
                            std::to_string(node->items.empty() ? 0 : node->items.size() - 1) +
                            " instead of \"" + part + "\"");
      }
      if (index >= node->items.size()) {
        return AddError(errors, here, "",
                        Name(walked) + " has " + std::to_string(node->items.size()) +
                            (node->items.size() == 1 ? " item" : " items") +
                            (node->items.empty()
                                 ? ""
                                 : " (indexes 0.." + std::to_string(node->items.size() - 1) + ")"));
      }
      node = &node->items[index];
    } else if (node->is_map()) {
      Value* child = node->find(part);
      if (!child) child = &node->set(part, Value{}, here);
      node = child;
    } else {
      return AddError(errors, here, "",
                      Name(walked) + " is " + Describe(*node) + ", not a map or list, so it has no \"" +
                          part + "\"");
    }
    walked = JoinKey(walked, part);
    if (last) {
      Relocate(&value, here);
      *node = std::move(value);
    }
  }
  return true;
}

bool ApplySet(Value* root, const std::string& assignment, Diagnostics* errors) {
  const std::string flag = "--set " + assignment;
  size_t eq = assignment.find('=');
  if (eq == std::string::npos) {
    return AddError(errors, Location{flag, 0, 0}, "",
                    "expected path=value, e.g. --set target.base_url=http://127.0.0.1:8089");
  }
  std::string path = assignment.substr(0, eq);
  std::string text = assignment.substr(eq + 1);
  Value value;
  Diagnostics parse_errors;
  if (!LoadYamlString(text, flag, &value, &parse_errors)) {
    for (Diagnostic& d : parse_errors) {
      d.loc = Location{flag, 0, 0};
      d.message = "the value is not valid YAML: " + d.message +
                  " (quote it: --set '" + path + "=\"...\"')";
      errors->push_back(std::move(d));
    }
    return false;
  }
  return SetPath(root, path, std::move(value), flag, errors);
}

}  // namespace sp::plan
