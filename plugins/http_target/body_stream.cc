#include "plugins/http_target/body_stream.h"

namespace sp::http {
namespace {

constexpr size_t kChunkSize = 64 * 1024;

}  // namespace

void BodyStream::Begin(const http_body::MultipartLayout* layout) {
  length_ = offset_ = 0;
  if (layout == nullptr) {
    reader_.reset();
    return;
  }
  reader_ = std::make_unique<http_body::MultipartReader>(*layout);
  if (buffer_.empty()) buffer_.resize(kChunkSize);
}

void BodyStream::Reset() {
  reader_.reset();
  length_ = offset_ = 0;
}

bool BodyStream::Unfinished() const {
  return reader_ != nullptr && (offset_ < length_ || !reader_->done());
}

bool BodyStream::Next(std::string_view* chunk, std::string* err) {
  *chunk = {};
  if (reader_ == nullptr) return true;
  if (offset_ == length_) {
    offset_ = length_ = 0;
    if (reader_->done()) return true;
    if (!reader_->Read(buffer_.data(), buffer_.size(), &length_, err)) return false;
  }
  *chunk = std::string_view(buffer_.data() + offset_, length_ - offset_);
  return true;
}

}  // namespace sp::http
