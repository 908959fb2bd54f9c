#include "lib/http_body/multipart.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "lib/http1/syntax.h"

namespace sp::http_body {
namespace {

constexpr int kBoundaryTries = 16;

struct ExtensionType {
  std::string_view extension;
  std::string_view type;
};
constexpr std::array<ExtensionType, 26> kExtensionTypes = {{
    {"txt", "text/plain"},        {"html", "text/html"},       {"htm", "text/html"},
    {"css", "text/css"},          {"csv", "text/csv"},         {"js", "text/javascript"},
    {"json", "application/json"}, {"xml", "application/xml"},  {"pdf", "application/pdf"},
    {"zip", "application/zip"},   {"gz", "application/gzip"},  {"tar", "application/x-tar"},
    {"png", "image/png"},         {"jpg", "image/jpeg"},       {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},         {"webp", "image/webp"},      {"svg", "image/svg+xml"},
    {"ico", "image/x-icon"},      {"mp3", "audio/mpeg"},       {"wav", "audio/wav"},
    {"mp4", "video/mp4"},         {"webm", "video/webm"},      {"wasm", "application/wasm"},
    {"yaml", "application/yaml"}, {"yml", "application/yaml"},
}};

// The HTML standard's escape for names and filenames in a Content-Disposition.
std::string EscapeDispositionValue(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '"') {
      out += "%22";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view LastPathComponent(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string PartLabel(size_t index, const MultipartPart& part) {
  return "multipart part " + std::to_string(index + 1) + " (\"" + part.name + "\")";
}

// A file part's size; false with *why when it is not a regular file this process can read.
bool SizeFile(const std::string& path, uint64_t* size, std::string* why) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *why = std::strerror(errno);
    return false;
  }
  struct stat st {};
  const bool ok = fstat(fd, &st) == 0;
  if (!ok) *why = std::strerror(errno);
  close(fd);
  if (!ok) return false;
  if (!S_ISREG(st.st_mode)) {
    *why = "not a regular file (its size must be known before sending)";
    return false;
  }
  *size = static_cast<uint64_t>(st.st_size);
  return true;
}

// Checks a file part and completes its filename and content type.
bool CompleteFilePart(size_t index, MultipartPart* part, uint64_t* size, std::string* err) {
  std::string why;
  if (!SizeFile(part->value, size, &why)) {
    *err = PartLabel(index, *part) + ": file \"" + part->value + "\": " + why;
    return false;
  }
  if (part->filename.empty()) part->filename = std::string(LastPathComponent(part->value));
  if (part->content_type.empty()) {
    part->content_type = std::string(ContentTypeForFilename(part->filename));
  } else if (!http1::IsFieldValue(part->content_type)) {
    *err = PartLabel(index, *part) + ": content type \"" + part->content_type +
           "\" is not a valid header value (no control characters such as CR or LF)";
    return false;
  }
  return true;
}

bool ContainedInAny(const std::vector<MultipartPart>& parts, const std::string& boundary) {
  for (const MultipartPart& p : parts) {
    for (const std::string* s : {&p.name, &p.filename, &p.content_type}) {
      if (s->find(boundary) != std::string::npos) return true;
    }
    if (!p.is_file && p.value.find(boundary) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

MultipartPart MultipartPart::Text(std::string name, std::string value) {
  MultipartPart p;
  p.name = std::move(name);
  p.value = std::move(value);
  return p;
}

MultipartPart MultipartPart::File(std::string name, std::string path, std::string filename,
                                  std::string content_type) {
  MultipartPart p;
  p.name = std::move(name);
  p.value = std::move(path);
  p.is_file = true;
  p.filename = std::move(filename);
  p.content_type = std::move(content_type);
  return p;
}

std::string_view ContentTypeForFilename(std::string_view filename) {
  const size_t dot = filename.find_last_of('.');
  if (dot != std::string_view::npos) {
    const std::string_view extension = filename.substr(dot + 1);
    for (const ExtensionType& e : kExtensionTypes) {
      if (http1::IEquals(e.extension, extension)) return e.type;
    }
  }
  return "application/octet-stream";
}

std::string RandomBoundary() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out = "----stressplan";
  while (out.size() < 14 + 32) {
    unsigned char bytes[64];
    const ssize_t n = getrandom(bytes, sizeof bytes, 0);
    for (ssize_t i = 0; i < n && out.size() < 14 + 32; ++i) {
      // 248 = 4 * 62: bytes above it are dropped so that every character is equally likely.
      if (bytes[i] < 248) out += kAlphabet[bytes[i] % 62];
    }
  }
  return out;
}

bool MultipartLayout::Build(std::vector<MultipartPart> parts, MultipartLayout* out,
                            std::string* err, const std::function<std::string()>& boundary) {
  MultipartLayout layout;
  std::vector<uint64_t> sizes(parts.size(), 0);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].is_file && !CompleteFilePart(i, &parts[i], &sizes[i], err)) return false;
  }
  for (int tries = 0; layout.boundary_.empty() || ContainedInAny(parts, layout.boundary_);
       ++tries) {
    if (tries == kBoundaryTries) {
      *err = "multipart: no boundary found that the fields do not contain";
      return false;
    }
    layout.boundary_ = boundary();
  }
  const std::string delimiter = "--" + layout.boundary_;
  for (size_t i = 0; i < parts.size(); ++i) {
    const MultipartPart& p = parts[i];
    std::string head = delimiter + "\r\nContent-Disposition: form-data; name=\"" +
                       EscapeDispositionValue(p.name) + "\"";
    if (p.is_file) {
      head += "; filename=\"" + EscapeDispositionValue(p.filename) +
              "\"\r\nContent-Type: " + p.content_type;
    }
    head += "\r\n\r\n";
    layout.AddText(head);
    if (p.is_file) {
      layout.AddFile(p.value, sizes[i]);
    } else {
      layout.AddText(p.value);
    }
    layout.AddText("\r\n");
  }
  layout.AddText(delimiter + "--\r\n");
  *out = std::move(layout);
  return true;
}

std::string MultipartLayout::content_type() const {
  return "multipart/form-data; boundary=" + boundary_;
}

void MultipartLayout::AddText(std::string_view bytes) {
  if (bytes.empty()) return;
  // Consecutive text joins one segment: fewer, larger copies.
  if (!segments_.empty() && segments_.back().file < 0) {
    segments_.back().length += bytes.size();
  } else {
    segments_.push_back({text_.size(), bytes.size(), -1});
  }
  text_.append(bytes);
  content_length_ += bytes.size();
}

void MultipartLayout::AddFile(std::string path, uint64_t size) {
  files_.push_back({std::move(path), size});
  segments_.push_back({0, size, static_cast<int>(files_.size() - 1)});
  content_length_ += size;
}

// ---- the reader --------------------------------------------------------------------------

MultipartReader::~MultipartReader() { CloseFile(); }

void MultipartReader::Rewind() {
  CloseFile();
  segment_ = 0;
  segment_offset_ = 0;
  position_ = 0;
}

void MultipartReader::CloseFile() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

bool MultipartReader::Read(char* buf, size_t cap, size_t* got, std::string* err) {
  *got = 0;
  const std::vector<MultipartLayout::Segment>& segments = layout_->segments_;
  while (*got < cap && segment_ < segments.size()) {
    const MultipartLayout::Segment& s = segments[segment_];
    size_t n = 0;
    if (s.file < 0) {
      n = static_cast<size_t>(std::min<uint64_t>(cap - *got, s.length - segment_offset_));
      std::memcpy(buf + *got, layout_->text_.data() + s.text_offset + segment_offset_, n);
    } else if (!ReadFile(layout_->files_[s.file], buf + *got, cap - *got, &n, err)) {
      return false;
    }
    *got += n;
    segment_offset_ += n;
    position_ += n;
    if (segment_offset_ == s.length) {
      if (s.file >= 0 && !CheckFileEnd(layout_->files_[s.file], err)) return false;
      ++segment_;
      segment_offset_ = 0;
    }
  }
  return true;
}

bool MultipartReader::OpenFile(const MultipartLayout::File& file, std::string* err) {
  fd_ = open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    *err = "multipart file \"" + file.path + "\": " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (fstat(fd_, &st) != 0 || static_cast<uint64_t>(st.st_size) != file.size) {
    *err = "multipart file \"" + file.path + "\" changed size since the body was laid out (" +
           std::to_string(file.size) + " bytes then, " + std::to_string(st.st_size) + " now)";
    CloseFile();
    return false;
  }
  return true;
}

bool MultipartReader::ReadFile(const MultipartLayout::File& file, char* buf, size_t cap,
                               size_t* got, std::string* err) {
  if (fd_ < 0 && !OpenFile(file, err)) return false;
  const size_t want = static_cast<size_t>(std::min<uint64_t>(cap, file.size - segment_offset_));
  if (want == 0) return true;  // an empty file: opened only to check its size
  while (true) {
    const ssize_t n = read(fd_, buf, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = "multipart file \"" + file.path + "\": read: " + std::strerror(errno);
    } else if (n == 0) {
      *err = "multipart file \"" + file.path + "\" shrank while being sent (" +
             std::to_string(segment_offset_) + " of " + std::to_string(file.size) + " bytes read)";
    } else {
      *got = static_cast<size_t>(n);
      return true;
    }
    CloseFile();
    return false;
  }
}

// After the file's last byte: it must still be the size the Content-Length counted.
bool MultipartReader::CheckFileEnd(const MultipartLayout::File& file, std::string* err) {
  struct stat st {};
  const bool same = fstat(fd_, &st) == 0 && static_cast<uint64_t>(st.st_size) == file.size;
  CloseFile();
  if (!same) {
    *err = "multipart file \"" + file.path + "\" grew while being sent (" +
           std::to_string(file.size) + " bytes counted, " + std::to_string(st.st_size) + " now)";
  }
  return same;
}

}  // namespace sp::http_body
