// What a template reads when a request is rendered: the request's VU and iteration, the
// worker's random generator and sequence block, the VU's captures and data row. Everything
// here belongs to one worker (one thread); nothing is shared.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sp::http {

// xoshiro256**: fast, small, good enough for test data (not for secrets). Seeded per worker.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  // Uniform in [0, n), n > 0, without modulo bias.
  uint64_t Below(uint64_t n);
  // Uniform in [lo, hi], lo <= hi.
  int64_t Between(int64_t lo, int64_t hi);

 private:
  uint64_t s_[4];
};

// One VU's variables: the values its captures stored during its current iteration, and the
// data row it reads in that iteration. Reset when a request arrives with another iteration.
struct VuVars {
  uint64_t iteration = UINT64_MAX;
  std::vector<std::string> values;  // by capture slot
  std::vector<uint8_t> set;         // values[i] holds a capture of this iteration
  uint64_t row_iteration = UINT64_MAX;  // iteration `row` was drawn for
  size_t row = 0;
};

// The values one request renders with. Filled by VuSessions before Template::Render.
struct RenderState {
  uint32_t vu = 0;
  uint64_t iteration = 0;
  uint64_t seq = 0;         // the request's `seq` (when its templates use it)
  int64_t unix_ns = 0;      // wall clock at render (when its templates use it)
  Rng* rng = nullptr;
  const VuVars* vars = nullptr;
  const std::vector<std::string>* row = nullptr;  // the data row, when templates use data
  const std::vector<std::string>* capture_names = nullptr;  // by slot, for error messages
  std::string error;        // why render failed
  std::string scratch[2];   // reused while applying filters
};

// Appends a random version 4 UUID, lowercase 8-4-4-4-12 hex.
void AppendUuid(Rng& rng, std::string* out);
// Appends n characters drawn from [A-Za-z0-9].
void AppendRandomString(Rng& rng, size_t n, std::string* out);
void AppendDecimal(int64_t v, std::string* out);
void AppendDecimal(uint64_t v, std::string* out);

// The `| json` filter: escapes for use inside a JSON string (no quotes added).
void AppendJsonEscaped(std::string_view in, std::string* out);
// The `| url` filter: percent-encodes everything but A-Z a-z 0-9 - . _ ~ (one query value).
void AppendUrlEncoded(std::string_view in, std::string* out);
// Values in `path`: percent-encodes what a request target cannot carry (space, control and
// non-ASCII bytes, '#'); '/', '?', '&', '=', '%' and the rest are kept.
void AppendPathSafe(std::string_view in, std::string* out);

// Wall-clock time, nanoseconds since the Unix epoch.
int64_t UnixTimeNs();

}  // namespace sp::http
