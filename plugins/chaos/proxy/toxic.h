// A toxic: what one chaos step does to a proxy's traffic. ToxicSpec is read once from the
// step's options and never changes; Toxic is the installed object the fault instance and the
// site's event loop share (the loop alone reads the spec, the instance reads `active`).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "plugins/chaos/proxy/option_error.h"
#include "plugins/chaos/proxy/site_config.h"
#include "stressplan/plugin.h"

namespace sp::proxy {

enum class ToxicKind {
  kLatency,
  kBandwidth,
  kSlicer,
  kSlowClose,
  kTimeout,
  kResetPeer,
  kLimitData,
  kRefuse,
  kHttpAbort,
  kHttpDelay,
};

// Data directions a toxic acts on.
enum Direction : unsigned { kDirUpstream = 1, kDirDownstream = 2 };

struct ToxicSpec {
  ToxicKind kind = ToxicKind::kLatency;
  unsigned directions = kDirDownstream;  // a mask of Direction
  double probability = 1.0;
  uint64_t latency_ns = 0;
  uint64_t jitter_ns = 0;
  double rate = 0;  // bytes per second
  uint64_t slice_size = 64;
  uint64_t size_variation = 0;
  uint64_t slice_delay_ns = 1'000'000;
  uint64_t delay_ns = 0;
  uint64_t bytes = 0;
  // http_abort: the answer, ready to send. `abort_head` ends before the blank line so that
  // "Connection: close" can be added when the request asks for it.
  std::string abort_head;
  std::string abort_body;

  bool ActsOn(unsigned direction) const { return (directions & direction) != 0; }
  bool IsHttp() const { return kind == ToxicKind::kHttpAbort || kind == ToxicKind::kHttpDelay; }
};

// Reads a step's options (kFaultOptionDecls order) for a site of `protocol`; nullopt with
// *error naming the option at fault.
std::optional<ToxicSpec> ReadToxicSpec(const sp_options* options, Protocol protocol,
                                       OptionError* error);

struct Toxic {
  Toxic(uint64_t toxic_id, ToxicSpec toxic_spec) : id(toxic_id), spec(std::move(toxic_spec)) {}
  const uint64_t id;
  const ToxicSpec spec;
  // Set by the event loop when it starts applying the toxic, cleared when it stopped.
  std::atomic<bool> active{false};
};

using ToxicPtr = std::shared_ptr<Toxic>;

}  // namespace sp::proxy
