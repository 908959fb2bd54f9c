#include "core/plan/yaml_loader.h"

#include <map>
#include <optional>
#include <sstream>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "core/plan/limits.h"
#include "core/plan/plan_file.h"

namespace sp::plan {
namespace {

constexpr const char* kStandardTagPrefix = "tag:yaml.org,2002:";

// Thrown from the event handler to stop yaml-cpp at once when a plan passes a limit
// (limits.h): going on would cost the time, memory or stack the limit is there to save.
struct LimitExceeded {
  Location loc;
  std::string message;
};

// How much a subtree holds: its nodes, and the bytes of its keys and scalars. Tracked so
// that copies made for anchors and aliases can be charged before they are made.
struct TreeSize {
  size_t nodes = 0;
  size_t bytes = 0;
  TreeSize& operator+=(const TreeSize& o) {
    nodes += o.nodes;
    bytes += o.bytes;
    return *this;
  }
};

// Builds the tree from yaml-cpp's event stream. Errors that do not stop parsing (duplicate
// keys, merge keys, unsupported tags) are collected so one run reports all of them.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::string file, Diagnostics* errors) : file_(std::move(file)), errors_(errors) {}

  bool failed() const { return failed_; }
  int documents() const { return documents_; }
  Location second_document() const { return second_document_; }
  Value take_root() { return std::move(root_); }

  // The innermost flow collection ([ or {) still open, to explain "flow not found" errors.
  const Location* open_flow() const {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      if (it->flow) return &it->value.loc;
    }
    return nullptr;
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    ++documents_;
    if (documents_ == 2) second_document_ = At(mark);
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    NameAnchor(anchor);
    Value v;
    v.loc = At(mark);
    Complete(std::move(v), anchor, TreeSize{1, 0});
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      Error(At(mark), "alias *" + Excerpt(AnchorName(anchor)) +
                          " refers to the node that contains it; recursive aliases are not supported");
      Value v;
      v.loc = At(mark);
      Complete(std::move(v), 0, TreeSize{1, 0});
      return;
    }
    const TreeSize size = it->second.size;
    Charge(At(mark), size, "*" + AnchorName(anchor));
    Value copy = it->second.value;
    copy.loc = At(mark);
    Complete(std::move(copy), 0, size);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    NameAnchor(anchor);
    Value v;
    v.kind = Value::Kind::Scalar;
    v.scalar = value;
    v.loc = At(mark);
    // yaml-cpp reports "?" for plain scalars and "!" for quoted and block (| >) scalars.
    if (tag == "?") {
      v.quoted = false;
    } else if (tag == "!" || tag == std::string(kStandardTagPrefix) + "str") {
      v.quoted = true;
    } else {
      CheckTag(v.loc, tag);
    }
    Complete(std::move(v), anchor, TreeSize{1, value.size()});
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    NameAnchor(anchor);
    CheckDepth(mark);
    Frame f;
    f.value.kind = Value::Kind::Sequence;
    f.value.loc = At(mark);
    f.anchor = anchor;
    f.flow = style == YAML::EmitterStyle::Flow;
    if (tag != "?" && tag != "!") CheckTag(f.value.loc, tag);
    stack_.push_back(std::move(f));
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    NameAnchor(anchor);
    CheckDepth(mark);
    Frame f;
    f.value.kind = Value::Kind::Map;
    f.value.loc = At(mark);
    f.anchor = anchor;
    f.flow = style == YAML::EmitterStyle::Flow;
    if (tag != "?" && tag != "!") CheckTag(f.value.loc, tag);
    stack_.push_back(std::move(f));
  }
  void OnMapEnd() override { Close(); }

  void OnAnchor(const YAML::Mark&, const std::string& name) override {
    pending_anchor_name_ = name;
    have_pending_anchor_name_ = true;
  }

 private:
  struct Frame {
    Value value;
    YAML::anchor_t anchor = 0;
    bool flow = false;
    bool have_key = false;  // Map: the next completed node is the value of `key`
    bool skip_value = false;  // Map: the key was refused; drop its value
    std::string key;
    Location key_loc;
    TreeSize size{1, 0};  // this node and every child completed so far
  };

  struct Anchored {
    Value value;
    TreeSize size;
  };

  Location At(const YAML::Mark& mark) const {
    Location loc;
    loc.file = file_;
    if (!mark.is_null()) {
      loc.line = mark.line + 1;
      loc.column = mark.column + 1;
    }
    return loc;
  }

  void Error(Location loc, std::string message) {
    failed_ = true;
    AddError(errors_, std::move(loc), "", std::move(message));
  }

  void CheckTag(const Location& loc, const std::string& tag) {
    // Standard tags (!!str, !!int, !!map, ...) are harmless; anything else means the author
    // expected an application-specific type that a plan does not have.
    if (tag.rfind(kStandardTagPrefix, 0) == 0) return;
    Error(loc, "YAML tag " + Excerpt(tag) + " is not supported in a plan; remove it");
  }

  std::string AnchorName(YAML::anchor_t anchor) const {
    auto it = anchor_names_.find(anchor);
    return it == anchor_names_.end() ? std::to_string(anchor) : it->second;
  }

  // yaml-cpp announces an anchor's name just before the event of the node it names.
  void NameAnchor(YAML::anchor_t anchor) {
    if (anchor != 0 && have_pending_anchor_name_) anchor_names_[anchor] = pending_anchor_name_;
    have_pending_anchor_name_ = false;
  }

  void Remember(YAML::anchor_t anchor, const Value& v, const TreeSize& size) {
    if (anchor == 0) return;
    Charge(v.loc, size, "&" + AnchorName(anchor));
    anchors_[anchor] = Anchored{v, size};
  }

  // Every copy made for an anchor or an alias counts against one budget (limits.h).
  void Charge(const Location& loc, const TreeSize& size, const std::string& what) {
    copied_ += size;
    if (copied_.nodes <= limits::kMaxAliasNodes && copied_.bytes <= limits::kMaxAliasBytes) return;
    throw LimitExceeded{
        loc, "anchors and aliases copy more than " + std::to_string(limits::kMaxAliasNodes) +
                 " nodes or " + std::to_string(limits::kMaxAliasBytes >> 20) +
                 " MiB of text in this plan (at " + Excerpt(what) +
                 "); an alias bomb? Write the repeated parts out, or reuse fewer, smaller anchors"};
  }

  // Lists and maps inside each other deeper than limits::kMaxYamlDepth.
  void CheckDepth(const YAML::Mark& mark) {
    if (stack_.size() < limits::kMaxYamlDepth) return;
    throw LimitExceeded{At(mark), "lists and maps are nested more than " +
                                      std::to_string(limits::kMaxYamlDepth) +
                                      " deep here; a plan needs a few levels"};
  }

  void Close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    if (f.value.kind == Value::Kind::Map && f.have_key && !f.skip_value) {
      // A key without a value cannot come out of yaml-cpp, but keep the tree consistent.
      Value null_value;
      null_value.loc = f.key_loc;
      f.value.entries.emplace_back(f.key, std::move(null_value));
      f.value.key_locs.push_back(f.key_loc);
    }
    Complete(std::move(f.value), f.anchor, f.size);
  }

  // A node is finished: record its anchor and attach it to its parent. `size` is its
  // subtree's (for a key, the key's text is counted with the map).
  void Complete(Value v, YAML::anchor_t anchor, const TreeSize& size) {
    // Collections are remembered when they close, so an alias inside its own anchor's node
    // finds nothing (reported as recursive).
    Remember(anchor, v, size);

    if (stack_.empty()) {
      root_ = std::move(v);
      return;
    }
    Frame& parent = stack_.back();
    parent.size += size;
    if (parent.value.kind == Value::Kind::Sequence) {
      parent.value.items.push_back(std::move(v));
      return;
    }
    if (!parent.have_key) {
      AcceptKey(parent, v);
      return;
    }
    parent.have_key = false;
    if (parent.skip_value) {
      parent.skip_value = false;
      return;
    }
    // `key:` with nothing after it: yaml-cpp marks the null at the next token, often on the
    // following line; the key is where the author looks.
    if (v.is_null() && v.loc.line != parent.key_loc.line) v.loc = parent.key_loc;
    parent.value.entries.emplace_back(std::move(parent.key), std::move(v));
    parent.value.key_locs.push_back(parent.key_loc);
  }

  void AcceptKey(Frame& parent, const Value& key) {
    parent.have_key = true;
    parent.skip_value = true;
    parent.key.clear();
    parent.key_loc = key.loc;
    if (!key.is_scalar()) {
      Error(key.loc, std::string("map keys must be plain text, not ") +
                         (key.is_null() ? "empty" : Describe(key)));
      return;
    }
    if (!key.quoted && key.scalar == "<<") {
      Error(key.loc,
            "merge keys (<<) are not supported; repeat the keys, or anchor and alias the "
            "whole map");
      return;
    }
    for (size_t i = 0; i < parent.value.entries.size(); ++i) {
      if (parent.value.entries[i].first == key.scalar) {
        const Location& first = parent.value.key_loc(i);
        Error(key.loc, "duplicate key \"" + Excerpt(key.scalar) + "\": already set at line " +
                           std::to_string(first.line) + ", column " +
                           std::to_string(first.column) + "; remove one of them");
        return;
      }
    }
    parent.skip_value = false;
    parent.key = key.scalar;
  }

  std::string file_;
  Diagnostics* errors_;
  bool failed_ = false;
  int documents_ = 0;
  Location second_document_;
  std::vector<Frame> stack_;
  Value root_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  TreeSize copied_;  // by anchors and aliases so far
  std::map<YAML::anchor_t, std::string> anchor_names_;
  std::string pending_anchor_name_;
  bool have_pending_anchor_name_ = false;
};

// The 1-based `line` of `text`, or "" when out of range.
std::string LineOf(const std::string& text, int line) {
  if (line <= 0) return "";
  size_t start = 0;
  for (int i = 1; i < line; ++i) {
    start = text.find('\n', start);
    if (start == std::string::npos) return "";
    ++start;
  }
  size_t end = text.find('\n', start);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// yaml-cpp's scanner reads a whole flow collection ([ ] or { }) before the parser hands out
// its first event, so the depth check in TreeBuilder comes only after 100,000 brackets were
// scanned (seconds, and memory per level). This pass counts the brackets in the text first and
// refuses the one that opens level kMaxYamlDepth + 1. It does not parse: brackets in comments
// and quoted text count too, which only matters for text holding over 256 unclosed brackets;
// the braces of ${VAR} are not brackets (nested ${...} defaults have their own bound).
std::optional<LimitExceeded> CheckFlowDepth(const std::string& text, const std::string& file_name) {
  size_t depth = 0, substitutions = 0;
  int line = 1, column = 0;
  char previous = '\0';
  for (char c : text) {
    ++column;
    const bool opens_substitution = c == '{' && previous == '$';
    previous = c;
    if (c == '\n') {
      ++line;
      column = 0;
    } else if (opens_substitution) {
      ++substitutions;
    } else if (c == '}' && substitutions > 0) {
      --substitutions;
    } else if (c == '[' || c == '{') {
      if (++depth > limits::kMaxYamlDepth) {
        return LimitExceeded{Location{file_name, line, column},
                             "lists and maps are nested more than " + std::to_string(limits::kMaxYamlDepth) +
                                 " deep here; a plan needs a few levels"};
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

}  // namespace

bool LoadYamlString(const std::string& text, const std::string& file_name, Value* out,
                    Diagnostics* errors) {
  *out = Value{};
  if (std::optional<LimitExceeded> deep = CheckFlowDepth(text, file_name)) {
    AddError(errors, deep->loc, "", deep->message);
    return false;
  }
  TreeBuilder builder(file_name, errors);
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
      if (builder.documents() > 1) break;
    }
  } catch (const LimitExceeded& e) {
    AddError(errors, e.loc, "", e.message);
    return false;
  } catch (const YAML::Exception& e) {
    Location loc{file_name, 0, 0};
    if (!e.mark.is_null()) {
      loc.line = e.mark.line + 1;
      loc.column = e.mark.column + 1;
    }
    std::string message = "YAML syntax error: " + e.msg;
    if (const Location* open = builder.open_flow()) {
      if (e.msg.find("flow not found") != std::string::npos) {
        message += " (the bracket opened at line " + std::to_string(open->line) + ", column " +
                   std::to_string(open->column) + " is not closed)";
      }
      // Inside [ ] and { } the braces of ${VAR} are YAML syntax; a common slip in plans.
      if (LineOf(text, open->line).find("${") != std::string::npos ||
          LineOf(text, loc.line).find("${") != std::string::npos) {
        message += "; inside [ ] or { }, quote values that use ${...}, e.g. \"${URL}\"";
      }
    }
    AddError(errors, std::move(loc), "", std::move(message));
    return false;
  } catch (const std::exception& e) {
    AddError(errors, Location{file_name, 0, 0}, "", std::string("cannot parse YAML: ") + e.what());
    return false;
  }
  if (builder.documents() > 1) {
    AddError(errors, builder.second_document(), "",
             "a plan is one YAML document, but a second one starts here (a '---' line, or a "
             "list item '- ' next to map keys at the same indentation)");
    return false;
  }
  if (builder.failed()) return false;
  *out = builder.take_root();
  return true;
}

bool LoadYamlFile(const std::string& path, Value* out, Diagnostics* errors) {
  *out = Value{};
  std::string text;
  if (!ReadPlanFile(path, &text, errors)) return false;
  return LoadYamlString(text, path, out, errors);
}

}  // namespace sp::plan
