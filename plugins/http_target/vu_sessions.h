// The worker-level half of templating and captures: each VU's variables (captures of its
// current iteration, its data row), the worker's random generator and its block of `seq`
// values, and the buffers requests render into. One per worker; used on its thread only.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "plugins/http_target/body_capture.h"
#include "plugins/http_target/dynamic_config.h"
#include "plugins/http_target/request_builder.h"
#include "plugins/http_target/response_outcome.h"
#include "plugins/http_target/template_values.h"

namespace sp::http {

class VuSessions {
 public:
  explicit VuSessions(const DynamicConfig& config);

  // Renders `request` (which has a template) for this VU and iteration into *out. False with
  // *err set when it cannot be sent: a capture it uses is not set in this iteration, the VU has
  // no data row (unique mode), or a header value would carry a line break.
  bool Render(const CompiledRequest& request, uint32_t vu, uint64_t iteration, std::string* out,
              std::string* err);

  // Applies the step's checks, captures and rules to a complete response. The outcome stays
  // valid until the next call.
  // `jar`: the VU's cookies, for cookie captures (nullptr: none).
  const ResponseOutcome& Evaluate(const ResponseSpec& spec, uint32_t vu, uint64_t iteration,
                                  int status, sp_error_kind status_error, const ResponseTap& tap,
                                  const cookies::Jar* jar = nullptr);

 private:
  // The VU's variables, cleared when `iteration` is not the one they were set in.
  VuVars& Vars(uint32_t vu, uint64_t iteration);

  const DynamicConfig& config_;
  Rng rng_;
  uint64_t seq_next_ = 0;
  uint64_t seq_end_ = 0;
  std::unordered_map<uint32_t, VuVars> vus_;
  RenderState state_;
  std::string body_scratch_;
  ResponseOutcome outcome_;
};

}  // namespace sp::http
