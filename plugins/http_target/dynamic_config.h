// The instance-level half of templating, data files, captures, checks and rules: compiled at
// create from the target options (data_file, data_mode, rules, max_body_capture) and each
// step's options (capture, checks, rules), then read by every worker. The only mutable state
// is two atomics: the `seq` counter (taken in blocks) and the `sequential` data position. Both
// number run-wide things, so in segment I of N they give the plan's numbers I, I + N, ...
// (host_segment.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "plugins/http_target/data_file.h"
#include "plugins/http_target/host_segment.h"
#include "plugins/http_target/option_error.h"
#include "plugins/http_target/request_builder.h"
#include "plugins/http_target/response_rules.h"
#include "plugins/http_target/template.h"
#include "stressplan/target.h"

namespace sp::http {

class DynamicConfig {
 public:
  DynamicConfig() = default;
  DynamicConfig(const DynamicConfig&) = delete;
  DynamicConfig& operator=(const DynamicConfig&) = delete;

  // Reads the target options data_file, data_mode, rules and max_body_capture. `host` is kept
  // to intern check and event names while request steps compile.
  bool CompileTarget(const sp_host_api* host, void* host_ctx, const sp_options* options,
                     OptionError* err);

  // What step templates may refer to: the data columns and the captures of earlier steps.
  TemplateScope Scope() const { return {data_.get(), &captures_}; }

  // Reads a step's capture, checks and rules options (after its templates compiled, so a step
  // cannot use its own captures) and sets out->response when anything is to be done with the
  // response (including the target's rules).
  bool CompileRequest(const sp_request_spec& spec, size_t index, CompiledRequest* out,
                      OptionError* err);

  const DataSet* data() const { return data_.get(); }
  const std::vector<std::string>& capture_names() const { return capture_names_; }
  uint64_t MaxBodyCapture() const { return max_body_; }

  // Reserves n consecutive local `seq` numbers and returns the first (from 0); SeqValue turns
  // one into the value templates see.
  uint64_t TakeSeqBlock(uint64_t n) const {
    return seq_next_.fetch_add(n, std::memory_order_relaxed);
  }
  // The `seq` value of local number l: l + 1 in a whole run, the plan's value in a segment, so
  // values start at 1 and no two segments send the same one.
  uint64_t SeqValue(uint64_t local) const { return segment_.Global(local) + 1; }

 private:
  uint32_t Intern(const std::string& name) const;

  const sp_host_api* host_ = nullptr;
  void* host_ctx_ = nullptr;
  std::unique_ptr<DataSet> data_;
  std::vector<Rule> target_rules_;
  std::map<std::string, uint32_t, std::less<>> captures_;  // name -> slot
  std::vector<std::string> capture_names_;                 // by slot
  uint64_t max_body_ = 1 << 20;
  HostSegment segment_;
  mutable std::atomic<uint64_t> seq_next_{0};
};

}  // namespace sp::http
