#include <catch2/catch.hpp>

#include <fstream>

#include "core/plan/yaml_loader.h"

using namespace sp::plan;

namespace {
Value Parse(const std::string& text) {
  Value v;
  Diagnostics errors;
  bool ok = LoadYamlString(text, "t.yaml", &v, &errors);
  INFO((errors.empty() ? std::string() : errors.front().str()));
  REQUIRE(ok);
  REQUIRE(errors.empty());
  return v;
}
Diagnostics ParseErrors(const std::string& text) {
  Value v;
  Diagnostics errors;
  REQUIRE_FALSE(LoadYamlString(text, "t.yaml", &v, &errors));
  REQUIRE_FALSE(errors.empty());
  CHECK(v.is_null());
  return errors;
}
}  // namespace

TEST_CASE("yaml: 1-based locations for values and keys", "[yaml]") {
  Value root = Parse(
      "name: demo\n"
      "target:\n"
      "  plugin: http\n"
      "  list: [a, 'b']\n");
  REQUIRE(root.is_map());
  CHECK(root.loc.str() == "t.yaml:1:1");
  const Value* name = root.find("name");
  REQUIRE(name);
  CHECK(name->scalar == "demo");
  CHECK(name->loc.str() == "t.yaml:1:7");
  CHECK(root.key_loc("name").str() == "t.yaml:1:1");
  const Value* target = root.find("target");
  REQUIRE(target);
  CHECK(target->is_map());
  CHECK(target->loc.line == 3);
  CHECK(target->loc.column == 3);
  CHECK(target->key_loc("plugin").str() == "t.yaml:3:3");
  const Value* list = target->find("list");
  REQUIRE(list);
  REQUIRE(list->items.size() == 2);
  CHECK(list->loc.str() == "t.yaml:4:9");
  CHECK(list->items[1].loc.str() == "t.yaml:4:13");
  CHECK_FALSE(list->items[0].quoted);
  CHECK(list->items[1].quoted);
}

TEST_CASE("yaml: quoting, block scalars, nulls and document order", "[yaml]") {
  Value root = Parse(
      "plain: 5\n"
      "double: \"5\"\n"
      "single: 'x'\n"
      "block: |\n"
      "  line\n"
      "tagged: !!str 7\n"
      "tilde: ~\n"
      "empty:\n"
      "last: 1\n");
  std::vector<std::string> keys;
  for (const auto& e : root.entries) keys.push_back(e.first);
  CHECK(keys == std::vector<std::string>{"plain", "double", "single", "block", "tagged", "tilde", "empty", "last"});
  CHECK_FALSE(root.find("plain")->quoted);
  CHECK(root.find("double")->quoted);
  CHECK(root.find("single")->quoted);
  CHECK(root.find("block")->quoted);
  CHECK(root.find("block")->scalar == "line\n");
  CHECK(root.find("tagged")->quoted);
  CHECK(root.find("tilde")->is_null());
  CHECK(root.find("empty")->is_null());
  // yaml-cpp marks an empty value at the next token; the key's line is what users look for.
  CHECK(root.find("empty")->loc.str() == "t.yaml:8:1");
}

TEST_CASE("yaml: duplicate keys name both lines", "[yaml]") {
  Diagnostics errors = ParseErrors(
      "name: a\n"
      "target:\n"
      "  plugin: http\n"
      "  plugin: grpc\n"
      "name: b\n");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].str() ==
        "t.yaml:4:3: duplicate key \"plugin\": already set at line 3, column 3; remove one of them");
  CHECK(errors[1].str() ==
        "t.yaml:5:1: duplicate key \"name\": already set at line 1, column 1; remove one of them");
}

TEST_CASE("yaml: merge keys are refused, anchors and aliases are expanded", "[yaml]") {
  Diagnostics errors = ParseErrors(
      "base: &b {x: 1}\n"
      "other:\n"
      "  <<: *b\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].loc.str() == "t.yaml:3:3");
  CHECK(errors[0].message.find("merge keys (<<) are not supported") == 0);

  Value root = Parse(
      "base: &b {x: 1, y: [2]}\n"
      "copy: *b\n"
      "s: &s hello\n"
      "t: *s\n");
  const Value* copy = root.find("copy");
  REQUIRE(copy);
  REQUIRE(copy->is_map());
  CHECK(copy->find("x")->scalar == "1");
  CHECK(copy->find("y")->items.at(0).scalar == "2");
  CHECK(copy->loc.str() == "t.yaml:2:7");
  CHECK(root.find("t")->scalar == "hello");
}

TEST_CASE("yaml: recursive alias and custom tags are errors", "[yaml]") {
  Diagnostics errors = ParseErrors("a: &x [1, *x]\n");
  CHECK(errors[0].str().find("t.yaml:1:11: alias *x refers to the node that contains it") == 0);
  errors = ParseErrors("a: !secret 5\n");
  CHECK(errors[0].str() == "t.yaml:1:4: YAML tag !secret is not supported in a plan; remove it");
}

TEST_CASE("yaml: syntax errors are located, never thrown", "[yaml]") {
  Diagnostics errors = ParseErrors(
      "a: 1\n"
      "b: [1, 2\n"
      "c: 3\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].loc.file == "t.yaml");
  CHECK(errors[0].loc.line == 3);
  CHECK(errors[0].message ==
        "YAML syntax error: end of sequence flow not found (the bracket opened at line 2, "
        "column 4 is not closed)");

  errors = ParseErrors("a: 1\n  b: 2\n");
  CHECK(errors[0].str() == "t.yaml:2:4: YAML syntax error: illegal map value");

  // ${VAR} unquoted inside a flow collection is a YAML error; the message says what to do.
  errors = ParseErrors("target: {plugin: http, base_url: ${URL}}\n");
  CHECK(errors[0].message.find("; inside [ ] or { }, quote values that use ${...}, e.g. \"${URL}\"") !=
        std::string::npos);

  errors = ParseErrors("a: *nope\n");
  CHECK(errors[0].str() == "t.yaml:1:4: YAML syntax error: the referenced anchor is not defined");
}

TEST_CASE("yaml: one document per plan", "[yaml]") {
  Diagnostics errors = ParseErrors("a: 1\n---\nb: 2\n");
  CHECK(errors[0].loc.line == 2);
  CHECK(errors[0].message.find("a plan is one YAML document") == 0);
  // yaml-cpp reads a list item followed by a key as two documents.
  errors = ParseErrors("- a\nb: 1\n");
  CHECK(errors[0].loc.line == 2);
}

TEST_CASE("yaml: empty text is null; non-string keys are refused", "[yaml]") {
  CHECK(Parse("").is_null());
  CHECK(Parse("# only a comment\n").is_null());
  Diagnostics errors = ParseErrors("? [a, b]\n: 1\n");
  CHECK(errors[0].str() == "t.yaml:1:3: map keys must be plain text, not a list");
}

TEST_CASE("yaml: files", "[yaml]") {
  Value v;
  Diagnostics errors;
  CHECK_FALSE(LoadYamlFile("/nonexistent/plan.yaml", &v, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() == "/nonexistent/plan.yaml: cannot open the plan: No such file or directory");

  errors.clear();
  const std::string path = std::string(STRESSPLAN_PLAN_FIXTURES) + "/full.yaml";
  REQUIRE(LoadYamlFile(path, &v, &errors));
  CHECK(errors.empty());
  CHECK(v.find("scenarios"));
  CHECK(v.loc.file == path);
}

namespace {
// The classic "billion laughs": each level is a list of `width` aliases of the one before.
std::string AliasBomb(int levels, int width) {
  std::string text = "a0: &a0 [lol]\n";
  for (int level = 1; level <= levels; ++level) {
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < width; ++i) text += (i ? ", *a" : "*a") + std::to_string(level - 1);
    text += "]\n";
  }
  return text;
}
}  // namespace

TEST_CASE("yaml: an alias bomb is refused at once, located", "[yaml][limits]") {
  // Ten aliases per level, six levels (1.4 KB): 10^6 copies used to take 24 s and 5 GB.
  const std::string bomb = AliasBomb(6, 10);
  CHECK(bomb.size() < 1500);
  Diagnostics errors = ParseErrors(bomb);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].loc.file == "t.yaml");
  CHECK(errors[0].loc.line == 5);  // level 4 is the first whose copies pass 10,000 nodes
  CHECK(errors[0].message.find("anchors and aliases copy more than 10000 nodes or 4 MiB") == 0);

  // Text counts too: one 1 MiB scalar aliased five times.
  std::string big = "a: &big " + std::string(1 << 20, 'x') + "\nb: [*big, *big, *big, *big, *big]\n";
  errors = ParseErrors(big);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].loc.line == 2);
  CHECK(errors[0].message.find("anchors and aliases copy more than") == 0);

  // Reuse well under the budget is fine.
  Value small = Parse(AliasBomb(2, 10));
  REQUIRE(small.find("a2"));
  CHECK(small.find("a2")->items.size() == 10);
  CHECK(small.find("a2")->items[9].items.size() == 10);
}

TEST_CASE("yaml: nesting deeper than 256 is refused, not a stack overflow", "[yaml][limits]") {
  auto nested = [](size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  Value ok = Parse("a: " + nested(255));
  CHECK(ok.find("a")->is_sequence());
  // The root map is level 1: the 256th bracket is the 257th level. 100,000 brackets are refused
  // by counting them in the text before yaml-cpp scans the whole flow: at the 257th bracket.
  for (auto [depth, where] : {std::pair{size_t{256}, "t.yaml:1:259"}, std::pair{size_t{100'000}, "t.yaml:1:260"}}) {
    INFO(depth);
    Diagnostics errors = ParseErrors("a: " + nested(depth));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].loc.str() == where);
    CHECK(errors[0].message == "lists and maps are nested more than 256 deep here; a plan needs a few levels");
  }
  // Over several lines, the count goes on; closed brackets give their level back.
  CHECK(Parse("a: " + nested(200) + "\nb:\n  " + nested(200) + "\n").find("b")->is_sequence());
  // ${VAR} braces are not brackets.
  std::string substitutions;
  for (int i = 0; i < 300; ++i) substitutions += "${X:-";
  CHECK(Parse("a: [\"" + substitutions + "x" + std::string(300, '}') + "\"]\n").find("a")->is_sequence());
  Diagnostics split = ParseErrors("a:\n" + std::string(100, '[') + "\n" + std::string(100'000, '{'));
  REQUIRE(split.size() == 1);
  CHECK(split[0].loc.str() == "t.yaml:3:157");
  // Block style counts the same way.
  std::string block;
  for (size_t i = 0; i < 300; ++i) block += std::string(2 * i, ' ') + "-\n";
  CHECK(ParseErrors(block)[0].message.find("nested more than 256 deep") != std::string::npos);
}

TEST_CASE("yaml: huge keys and tags are not echoed whole", "[yaml][limits]") {
  // yaml-cpp takes plain keys up to 1024 characters.
  const std::string key(1000, 'k');
  Diagnostics errors = ParseErrors(key + ": 1\n" + key + ": 2\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str().size() < 400);
  CHECK(errors[0].message.find("duplicate key \"kkkk") == 0);
  CHECK(errors[0].message.find("(1000 bytes)") != std::string::npos);

  errors = ParseErrors("a: !" + std::string(100'000, 't') + " x\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str().size() < 400);
}
