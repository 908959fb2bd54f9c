// Reading and checking a chaos step's toxic options.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "lib/http1/syntax.h"
#include "plugins/chaos/proxy/http_status_text.h"
#include "plugins/chaos/proxy/options.h"
#include "plugins/chaos/proxy/toxic.h"

namespace sp::proxy {
namespace {

struct KindName {
  std::string_view name;
  ToxicKind kind;
};

constexpr KindName kKinds[] = {
    {"latency", ToxicKind::kLatency},       {"bandwidth", ToxicKind::kBandwidth},
    {"slicer", ToxicKind::kSlicer},         {"slow_close", ToxicKind::kSlowClose},
    {"timeout", ToxicKind::kTimeout},       {"reset_peer", ToxicKind::kResetPeer},
    {"limit_data", ToxicKind::kLimitData},  {"refuse", ToxicKind::kRefuse},
    {"http_abort", ToxicKind::kHttpAbort},  {"http_delay", ToxicKind::kHttpDelay},
};

std::string KindList() {
  std::string out;
  for (const KindName& k : kKinds) out += (out.empty() ? "" : ", ") + std::string(k.name);
  return out;
}

bool Fail(OptionError* error, const std::string& message, const char* option,
          std::string path = "") {
  *error = {"proxy: " + message, option, std::move(path)};
  return false;
}

// A duration/size option as unsigned; absent -> fallback.
uint64_t UnsignedOf(const sp_option_value* v, uint64_t fallback) {
  return v == nullptr || v->i < 0 ? fallback : static_cast<uint64_t>(v->i);
}

// Builds the http_abort answer once, so the loop only copies it.
bool BuildAbortAnswer(const sp_options* options, ToxicSpec* spec, OptionError* error) {
  const sp_option_value* status_v = OptionValue(options, kStatus);
  const int64_t status = status_v == nullptr ? 503 : status_v->i;
  if (status < 200 || status > 599) {
    return Fail(error,
                "status " + std::to_string(status) + " is not a final HTTP status (200..599)",
                "status");
  }
  const bool no_body = status == 204 || status == 304;
  spec->abort_body = std::string(OptionText(OptionValue(options, kBody)));
  if (no_body && !spec->abort_body.empty()) {
    return Fail(error, "a " + std::to_string(status) + " answer cannot have a body", "body");
  }
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " +
                     std::string(HttpStatusText(static_cast<int>(status))) + "\r\n";
  if (const sp_option_value* h = OptionValue(options, kHeaders)) {
    nlohmann::json headers =
        nlohmann::json::parse(OptionText(h), nullptr, /*allow_exceptions=*/false);
    if (!headers.is_object()) {
      return Fail(error, "headers must be a map of header name to string value", "headers");
    }
    for (const auto& [name, value] : headers.items()) {
      const std::string path = "/" + name;
      if (!http1::IsToken(name))
        return Fail(error, "\"" + name + "\" is not a valid header name", "headers", path);
      if (http1::IEquals(name, "content-length") || http1::IEquals(name, "transfer-encoding") ||
          http1::IEquals(name, "connection")) {
        return Fail(error, name + " is set by the proxy itself; leave it out of headers", "headers",
                    path);
      }
      std::string text;
      if (value.is_string()) {
        text = value.get<std::string>();
      } else if (value.is_number() || value.is_boolean()) {
        text = value.dump();
      } else {
        return Fail(error, "the value of header " + name + " must be a string", "headers", path);
      }
      if (text.find_first_of("\r\n") != std::string::npos) {
        return Fail(error, "the value of header " + name + " must not contain a line break",
                    "headers", path);
      }
      head += name + ": " + text + "\r\n";
    }
  }
  if (!no_body) head += "Content-Length: " + std::to_string(spec->abort_body.size()) + "\r\n";
  spec->abort_head = std::move(head);
  return true;
}

bool ReadKind(const sp_options* options, Protocol protocol, ToxicSpec* spec, OptionError* error) {
  const std::string_view name = OptionText(OptionValue(options, kToxic));
  bool known = false;
  for (const KindName& k : kKinds) {
    if (k.name == name) spec->kind = k.kind, known = true;
  }
  if (!known) {
    Fail(error, "toxic \"" + std::string(name) + "\" is not one of " + KindList(), "toxic");
    return false;
  }
  if (spec->IsHttp() && protocol != Protocol::kHttp) {
    Fail(error,
         "toxic " + std::string(name) +
             " needs a proxy that follows HTTP: give the proxy `protocol: http`",
         "toxic");
    return false;
  }
  return true;
}

bool ReadDirection(const sp_options* options, ToxicSpec* spec, OptionError* error) {
  const std::string_view direction = OptionText(OptionValue(options, kDirection));
  if (direction.empty() || direction == "downstream") {
    spec->directions = kDirDownstream;
  } else if (direction == "upstream") {
    spec->directions = kDirUpstream;
  } else if (direction == "both") {
    spec->directions = kDirUpstream | kDirDownstream;
  } else {
    Fail(error, "direction \"" + std::string(direction) + "\" is not downstream, upstream or both",
         "direction");
    return false;
  }
  return true;
}

bool ReadProbability(const sp_options* options, ToxicSpec* spec, OptionError* error) {
  const sp_option_value* p = OptionValue(options, kProbability);
  if (p == nullptr) return true;
  if (!(p->f >= 0.0 && p->f <= 1.0)) {
    Fail(error, "probability " + std::to_string(p->f) + " is not between 0 and 1 (e.g. 0.5)",
         "probability");
    return false;
  }
  spec->probability = p->f;
  return true;
}

void ReadAmounts(const sp_options* options, ToxicSpec* spec) {
  const sp_option_value* rate = OptionValue(options, kRate);
  spec->latency_ns = UnsignedOf(OptionValue(options, kLatency), 0);
  spec->jitter_ns = UnsignedOf(OptionValue(options, kJitter), 0);
  spec->rate = rate == nullptr ? 0 : static_cast<double>(rate->i);
  spec->slice_size = UnsignedOf(OptionValue(options, kSliceSize), 64);
  spec->size_variation = UnsignedOf(OptionValue(options, kSizeVariation), 0);
  spec->slice_delay_ns = UnsignedOf(OptionValue(options, kSliceDelay), 1'000'000);
  spec->delay_ns = UnsignedOf(OptionValue(options, kDelay), 0);
  spec->bytes = UnsignedOf(OptionValue(options, kBytes), 0);
}

// What each toxic cannot do without.
bool CheckNeeds(const sp_options* options, ToxicSpec* spec, OptionError* error) {
  switch (spec->kind) {
    case ToxicKind::kLatency:
      if (OptionValue(options, kLatency) != nullptr) return true;
      Fail(error, "toxic latency needs `latency` (e.g. latency: 500ms)", "latency");
      return false;
    case ToxicKind::kBandwidth: {
      const sp_option_value* rate = OptionValue(options, kRate);
      if (rate != nullptr && rate->i > 0) return true;
      Fail(error, "toxic bandwidth needs `rate`, bytes per second above 0 (e.g. rate: 64KiB)",
           "rate");
      return false;
    }
    case ToxicKind::kSlicer:
      if (spec->slice_size == 0) {
        Fail(error, "slice_size must be at least 1 byte", "slice_size");
        return false;
      }
      if (spec->size_variation >= spec->slice_size) {
        Fail(error, "size_variation must be smaller than slice_size", "size_variation");
        return false;
      }
      return true;
    case ToxicKind::kLimitData:
      if (OptionValue(options, kBytes) != nullptr) return true;
      Fail(error, "toxic limit_data needs `bytes` (e.g. bytes: 1KiB)", "bytes");
      return false;
    case ToxicKind::kHttpAbort: return BuildAbortAnswer(options, spec, error);
    default:
      return true;
  }
}

}  // namespace

std::optional<ToxicSpec> ReadToxicSpec(const sp_options* options, Protocol protocol,
                                       OptionError* error) {
  ToxicSpec spec;
  if (!ReadKind(options, protocol, &spec, error) || !ReadDirection(options, &spec, error) ||
      !ReadProbability(options, &spec, error)) {
    return std::nullopt;
  }
  ReadAmounts(options, &spec);
  if (!CheckNeeds(options, &spec, error)) return std::nullopt;
  return spec;
}

}  // namespace sp::proxy
