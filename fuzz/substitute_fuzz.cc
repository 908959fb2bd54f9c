// Fuzzes ${VAR} substitution of one plan string (core/plan/substitute.h): defaults, nesting,
// $${ escapes, unterminated references. A success gives no error text; a failure always does.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/plan/substitute.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  sp::plan::Variables vars;
  vars.overlay = {{"A", "a"}, {"REF", "${A}"}, {"EMPTY", ""}};
  vars.process_env = {{"HOST", "127.0.0.1"}, {"A", "shadowed"}};
  std::string out, err;
  const bool ok = sp::plan::SubstituteString(text, vars, &out, &err);
  if (!ok && err.empty()) std::abort();
  return 0;
}
