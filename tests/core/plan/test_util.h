// Helpers shared by the core/plan unit tests.
#pragma once

#include <string>
#include <vector>

#include "core/plan/diagnostic.h"
#include "core/plan/plan.h"
#include "core/plan/plan_loader.h"

namespace sp::plan::test {

struct Loaded {
  bool ok = false;
  Plan plan;
  Diagnostics errors;

  // Every diagnostic's str(), one per line, for readable failure output.
  std::string text() const {
    std::string out;
    for (const Diagnostic& d : errors) out += d.str() + "\n";
    return out;
  }
  // The first diagnostic whose str() contains `needle`, or nullptr.
  const Diagnostic* find(const std::string& needle) const {
    for (const Diagnostic& d : errors) {
      if (d.str().find(needle) != std::string::npos) return &d;
    }
    return nullptr;
  }
};

// Loads `text` as "plan.yaml" in /tmp/plans with an empty process environment unless the
// options carry one.
inline Loaded Load(const std::string& text, LoadOptions options = {}) {
  if (!options.process_env) options.process_env.emplace();
  Loaded l;
  l.ok = LoadPlanFromString(text, "plan.yaml", "/tmp/plans", options, &l.plan, &l.errors);
  return l;
}

// A minimal valid plan body to append keys to.
inline const char* kMinimal =
    "target: {plugin: http, base_url: http://127.0.0.1:8089}\n"
    "scenarios:\n"
    "  - name: s\n"
    "    requests:\n"
    "      - {name: r, path: /}\n";

}  // namespace sp::plan::test
