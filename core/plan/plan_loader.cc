#include "core/plan/plan_loader.h"

#include <exception>
#include <filesystem>
#include <system_error>

#include "core/plan/chaos_schema.h"
#include "core/plan/cli_overrides.h"
#include "core/plan/overlay.h"
#include "core/plan/plan_schema.h"
#include "core/plan/probe_check.h"
#include "core/plan/set_override.h"
#include "core/plan/substitute.h"
#include "core/plan/threshold_schema.h"
#include "core/plan/typed_value.h"
#include "core/plan/yaml_loader.h"

namespace sp::plan {
namespace {

namespace fs = std::filesystem;

std::string AbsoluteDir(const std::string& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir.empty() ? fs::path(".") : fs::path(dir), ec);
  if (ec) p = fs::path(dir);
  return p.lexically_normal().string();
}

// Masks the values of the plan's secrets in every diagnostic the load adds, whichever return
// the load takes: a secret substituted into a value that then fails to parse (`duration:
// ${API_TOKEN}`) must not be echoed by the error that says so. Declared after the tree it
// reads, so it runs before the tree goes.
class SecretMask {
 public:
  SecretMask(const Value& root, const Variables& vars, Diagnostics* errors)
      : root_(root), vars_(vars), errors_(errors), first_(errors->size()) {}
  SecretMask(const SecretMask&) = delete;
  SecretMask& operator=(const SecretMask&) = delete;
  ~SecretMask() {
    const Value* list = root_.is_map() ? Get(root_, "secrets") : nullptr;
    if (list == nullptr || !list->is_sequence()) return;
    for (const Value& name : list->items) {
      const std::string* value = name.is_scalar() ? vars_.find(name.scalar) : nullptr;
      // One too short to hide is refused by the load itself (and masking it would garble).
      if (value == nullptr || value->size() < kMinSecretLength) continue;
      for (size_t i = first_; i < errors_->size(); ++i) {
        Mask(*value, &(*errors_)[i].message);
        Mask(*value, &(*errors_)[i].key);
      }
    }
  }

 private:
  static void Mask(const std::string& value, std::string* text) {
    static const std::string kMask = "[redacted]";
    for (size_t pos = 0; (pos = text->find(value, pos)) != std::string::npos; pos += kMask.size()) {
      text->replace(pos, value.size(), kMask);
    }
  }
  const Value& root_;
  const Variables& vars_;
  Diagnostics* errors_;
  size_t first_;
};

// Everything after reading the text.
bool Process(Value root, const std::string& file, const std::string& dir, const LoadOptions& options,
             Plan* plan, Diagnostics* errors) {
  const size_t first_error = errors->size();
  auto failed = [&] { return errors->size() > first_error; };

  // Phase 2: everything that edits the tree, and the flags' own syntax.
  const std::map<std::string, std::string> process_env =
      options.process_env ? *options.process_env : ProcessEnvironment();
  Variables vars;
  vars.process_env = process_env;
  const SecretMask secret_mask(root, vars, errors);
  const bool environment_ok =
      ApplyEnvironment(&root, options.environment, PlanKeys(), process_env, &vars.overlay, errors);
  // Without the overlay the variables it defines would all look unset: don't report those.
  if (environment_ok) SubstituteTree(&root, vars, "", errors);
  for (const std::string& assignment : options.sets) ApplySet(&root, assignment, errors);
  if (options.host && !options.host->empty()) {
    SetPath(&root, "target.base_url", MakeScalar(*options.host, {}, /*quoted=*/true),
            "--host " + *options.host, errors);
  }
  ParsedCliFlags flags;
  CheckCliFlags(options, &flags, errors);
  if (failed()) return false;

  // Phase 3: validation, then the load-shaping flags.
  Plan result;
  result.file = file;
  result.dir = dir;
  result.environment = options.environment;
  Location profile_loc;
  if (!BuildPlan(root, &result, &profile_loc, errors)) {
    // Still report a bad profile name or flag in the same run.
    ApplyCliOverrides(options, flags, profile_loc, &result, errors);
    return false;
  }
  if (!ApplyCliOverrides(options, flags, profile_loc, &result, errors)) return false;
  if (!CheckThresholdScopes(&result, errors)) return false;
  if (!CheckProbesAndObservers(result, errors)) return false;
  // A step past the end of the plan's own profile is a mistake in the plan; past the end of
  // a run shortened by a flag it is skipped (a quick --duration 10s of a chaos plan).
  const bool shortened_by_flag = options.profile || options.users || options.duration;
  if (options.mode == RunMode::kFull && !shortened_by_flag && !CheckChaosTimeline(result, errors)) return false;
  for (size_t i = 0; i < result.secrets.size(); ++i) {
    Secret& secret = result.secrets[i];
    if (const std::string* value = vars.find(secret.name); value != nullptr) secret.value = *value;
    if (!secret.value.empty() && secret.value.size() < kMinSecretLength) {
      AddError(errors, secret.loc, JoinKey("secrets", std::to_string(i)),
               "the value of secret " + secret.name + " is " + std::to_string(secret.value.size()) +
                   " character(s) long; a secret must be at least " + std::to_string(kMinSecretLength) +
                   " characters (hiding every occurrence of so short a text would garble the reports): "
                   "use a longer value or drop it from secrets");
    }
  }
  if (failed()) return false;
  *plan = std::move(result);
  return true;
}

}  // namespace

bool LoadPlanFromString(const std::string& text, const std::string& file_name, const std::string& dir,
                        const LoadOptions& options, Plan* plan, std::vector<Diagnostic>* errors) {
  try {
    Value root;
    if (!LoadYamlString(text, file_name, &root, errors)) return false;
    return Process(std::move(root), file_name, AbsoluteDir(dir), options, plan, errors);
  } catch (const std::exception& e) {
    AddError(errors, Location{file_name, 0, 0}, "", std::string("internal error while loading the plan: ") + e.what());
  } catch (...) {
    AddError(errors, Location{file_name, 0, 0}, "", "internal error while loading the plan");
  }
  return false;
}

bool LoadPlan(const std::string& path, const LoadOptions& options, Plan* plan,
              std::vector<Diagnostic>* errors) {
  try {
    Value root;
    if (!LoadYamlFile(path, &root, errors)) return false;
    std::string dir = fs::path(path).parent_path().string();
    return Process(std::move(root), path, AbsoluteDir(dir), options, plan, errors);
  } catch (const std::exception& e) {
    AddError(errors, Location{path, 0, 0}, "", std::string("internal error while loading the plan: ") + e.what());
  } catch (...) {
    AddError(errors, Location{path, 0, 0}, "", "internal error while loading the plan");
  }
  return false;
}

}  // namespace sp::plan
