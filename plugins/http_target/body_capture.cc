#include "plugins/http_target/body_capture.h"

#include <algorithm>

#include "lib/http1/syntax.h"

namespace sp::http {

void ResponseTap::Kept::Reset(size_t names) {
  set_cookies.clear();
  values.resize(names);
  present.assign(names, 0);
  body.clear();
  content_encoding.clear();
}

ResponseTap::Kept& ResponseTap::kept() {
  if (!kept_) {
    kept_ = std::make_unique<Kept>();
    kept_->Reset(Names());
  }
  return *kept_;
}

http1::MessageSink* ResponseTap::Begin(const TapSpec* spec, bool set_cookies, bool location) {
  over_ = false;
  decoding_ = false;
  keep_set_cookies_ = set_cookies;
  keep_location_ = location;
  has_location_ = false;
  if (spec != nullptr && spec->header_names.empty() && !spec->keep_body) spec = nullptr;
  spec_ = spec;
  if (kept_) kept_->Reset(Names());
  if (spec == nullptr) return set_cookies || location ? this : nullptr;
  return this;
}

void ResponseTap::OnHeader(std::string_view name, std::string_view value) {
  if (keep_set_cookies_ && http1::IEquals(name, "set-cookie")) {
    kept().set_cookies.emplace_back(value);
  }
  if (keep_location_ && http1::IEquals(name, "location")) {
    kept().location.assign(value);
    has_location_ = true;
  }
  if (spec_ == nullptr) return;
  if (spec_->decode && spec_->keep_body && http1::IEquals(name, "content-encoding")) {
    std::string& codings = kept().content_encoding;
    if (!codings.empty()) codings.append(", ");
    codings.append(value);
  }
  for (size_t i = 0; i < spec_->header_names.size(); ++i) {
    if (!http1::IEquals(spec_->header_names[i], name)) continue;
    Kept& k = kept();
    if (k.present[i]) {
      k.values[i].append(", ").append(value);
    } else {
      k.values[i].assign(value);
      k.present[i] = 1;
    }
    return;
  }
}

void ResponseTap::OnBody(const char* data, size_t len) {
  if (spec_ == nullptr || !spec_->keep_body || over_) return;
  Kept& k = kept();
  if (spec_->decode && !k.content_encoding.empty()) {
    // Every header field is known by the first body byte.
    if (!decoding_) {
      decoding_ = true;
      k.decoder.Start(k.content_encoding, spec_->max_body);
    }
    k.decoder.Feed(data, len, &k.body);  // a failure is kept for FinishBody
    over_ = k.decoder.over_limit();
    return;
  }
  const uint64_t room = spec_->max_body - std::min<uint64_t>(spec_->max_body, k.body.size());
  if (len > room) {
    k.body.append(data, static_cast<size_t>(room));
    over_ = true;
    return;
  }
  k.body.append(data, len);
}

void ResponseTap::OnInterim() {
  has_location_ = false;
  decoding_ = false;
  over_ = false;
  if (kept_) kept_->Reset(Names());
}

const std::string* ResponseTap::Header(std::string_view name) const {
  if (spec_ == nullptr || !kept_) return nullptr;
  for (size_t i = 0; i < spec_->header_names.size(); ++i) {
    if (kept_->present[i] && http1::IEquals(spec_->header_names[i], name)) {
      return &kept_->values[i];
    }
  }
  return nullptr;
}

const std::vector<std::string>& ResponseTap::set_cookies() const {
  static const std::vector<std::string> kNone;
  return kept_ ? kept_->set_cookies : kNone;
}

bool ResponseTap::FinishBody(std::string* why) {
  if (!decoding_ || over_) return true;  // over the limit: decoding stopped, not an error
  if (kept_->decoder.Finish()) return true;
  *why = kept_->decoder.reason();
  return false;
}

}  // namespace sp::http
