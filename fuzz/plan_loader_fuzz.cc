// Fuzzes the plan loader end to end: YAML text -> located tree -> overlays -> ${VAR} ->
// validation -> Plan, the way `stressplan validate` reads a file. Whatever the text, the
// loader must return (no crash, no sanitizer report, no runaway) and a refusal must carry at
// least one diagnostic that prints.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/plan/plan_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  sp::plan::LoadOptions options;
  // A fixed environment: the run must not depend on the fuzzing machine's environ.
  options.process_env = std::map<std::string, std::string>{{"HOST", "127.0.0.1"}, {"EMPTY", ""}};
  sp::plan::Plan plan;
  std::vector<sp::plan::Diagnostic> errors;
  const bool ok = sp::plan::LoadPlanFromString(text, "fuzz.yaml", "/nonexistent-fuzz-dir", options,
                                               &plan, &errors);
  if (!ok && errors.empty()) std::abort();  // a refusal the user could not understand
  for (const sp::plan::Diagnostic& d : errors) (void)d.str();
  return 0;
}
