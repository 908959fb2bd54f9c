// Fuzzes the Prometheus text reader the chaos observers use (lib/prometheus/prometheus.h): the
// first line is a selector, the rest an exposition. A selector that parses is matched against
// every sample; a refused one must say why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lib/prometheus/prometheus.h"
#include "fuzz/first_line.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [selector_text, exposition] = SplitFirstLine(data, size);

  sp::prometheus::PromSelector selector;
  std::string err;
  if (!sp::prometheus::PromSelector::Parse(selector_text, &selector, &err)) {
    if (err.empty()) std::abort();
    return 0;
  }
  size_t skipped = 0;
  (void)sp::prometheus::PromValue(exposition, selector, &skipped);
  return 0;
}
