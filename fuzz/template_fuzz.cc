// Fuzzes the request template engine (plugins/http_target/template.h): compile in the context
// the first byte picks, then render what compiled and take its sample. A template that
// compiles must render or fail with a reason; no input may crash either step.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "plugins/http_target/data_file.h"
#include "plugins/http_target/template.h"

using namespace sp::http;

namespace {

// Built once: a data file with two columns and two captures, one set and one not.
struct World {
  std::unique_ptr<DataSet> data;
  std::map<std::string, uint32_t, std::less<>> captures{{"token", 0}, {"user", 1}};
  std::vector<std::string> capture_names{"token", "user"};
  World() {
    CsvTable t;
    std::string err;
    if (!ParseCsv("name,city\nann,Oslo\nbob,\"New York\"\n", &t, &err)) std::abort();
    data = std::make_unique<DataSet>(std::move(t), DataMode::kSequential, "users.csv");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  if (size == 0) return 0;
  const TemplateContext context = static_cast<TemplateContext>(data[0] % 3);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  Template t;
  std::string err;
  if (!Template::Compile(text, context, TemplateScope{world.data.get(), &world.captures}, &t,
                         &err)) {
    if (err.empty()) std::abort();
    return 0;
  }
  (void)t.Sample();

  Rng rng(42);
  VuVars vars;
  vars.values = {"tok-1", ""};
  vars.set = {1, 0};
  RenderState state;
  state.rng = &rng;
  state.vars = &vars;
  state.row = &world.data->Row(1);
  state.capture_names = &world.capture_names;
  state.vu = 7;
  state.iteration = 3;
  state.seq = 1001;
  state.unix_ns = 1'700'000'000'123'456'789;
  std::string out;
  if (!t.Render(state, &out) && state.error.empty()) std::abort();
  return 0;
}
