#include "plugins/http_target/body_capture.h"

#include <algorithm>

#include "lib/http1/syntax.h"

namespace sp::http {

http1::MessageSink* ResponseTap::Begin(const TapSpec* spec, bool set_cookies, bool location) {
  body_.clear();
  over_ = false;
  content_encoding_.clear();
  decoding_ = false;
  set_cookies_.clear();
  keep_set_cookies_ = set_cookies;
  keep_location_ = location;
  has_location_ = false;
  if (spec != nullptr && spec->header_names.empty() && !spec->keep_body) spec = nullptr;
  spec_ = spec;
  if (spec == nullptr) {
    values_.clear();
    present_.clear();
    return set_cookies || location ? this : nullptr;
  }
  values_.resize(spec->header_names.size());
  present_.assign(spec->header_names.size(), 0);
  return this;
}

void ResponseTap::OnHeader(std::string_view name, std::string_view value) {
  if (keep_set_cookies_ && http1::IEquals(name, "set-cookie")) set_cookies_.emplace_back(value);
  if (keep_location_ && http1::IEquals(name, "location")) {
    location_.assign(value);
    has_location_ = true;
  }
  if (spec_ == nullptr) return;
  if (spec_->decode && spec_->keep_body && http1::IEquals(name, "content-encoding")) {
    if (!content_encoding_.empty()) content_encoding_.append(", ");
    content_encoding_.append(value);
  }
  for (size_t i = 0; i < spec_->header_names.size(); ++i) {
    if (!http1::IEquals(spec_->header_names[i], name)) continue;
    if (present_[i]) {
      values_[i].append(", ").append(value);
    } else {
      values_[i].assign(value);
      present_[i] = 1;
    }
    return;
  }
}

void ResponseTap::OnBody(const char* data, size_t len) {
  if (spec_ == nullptr || !spec_->keep_body || over_) return;
  if (spec_->decode && !content_encoding_.empty()) {
    // Every header field is known by the first body byte.
    if (!decoding_) {
      decoding_ = true;
      decoder_.Start(content_encoding_, spec_->max_body);
    }
    decoder_.Feed(data, len, &body_);  // a failure is kept for FinishBody
    over_ = decoder_.over_limit();
    return;
  }
  const uint64_t room = spec_->max_body - std::min<uint64_t>(spec_->max_body, body_.size());
  if (len > room) {
    body_.append(data, static_cast<size_t>(room));
    over_ = true;
    return;
  }
  body_.append(data, len);
}

void ResponseTap::OnInterim() {
  std::fill(present_.begin(), present_.end(), 0);
  set_cookies_.clear();
  has_location_ = false;
  content_encoding_.clear();
  decoding_ = false;
  body_.clear();
  over_ = false;
}

const std::string* ResponseTap::Header(std::string_view name) const {
  if (spec_ == nullptr) return nullptr;
  for (size_t i = 0; i < spec_->header_names.size(); ++i) {
    if (present_[i] && http1::IEquals(spec_->header_names[i], name)) return &values_[i];
  }
  return nullptr;
}

bool ResponseTap::FinishBody(std::string* why) {
  if (!decoding_ || over_) return true;  // over the limit: decoding stopped, not an error
  if (decoder_.Finish()) return true;
  *why = decoder_.reason();
  return false;
}

}  // namespace sp::http
