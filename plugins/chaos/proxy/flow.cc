#include "plugins/chaos/proxy/flow.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <limits>

namespace sp::proxy {
namespace {

// Compacting a buffer's consumed prefix costs a copy; do it only when that prefix is large.
void Compact(std::string* buf, size_t* off) {
  if (*off == buf->size()) {
    buf->clear();
    *off = 0;
  } else if (*off > 64 * 1024 && *off * 2 > buf->size()) {
    buf->erase(0, *off);
    *off = 0;
  }
}

}  // namespace

void Flow::Push(std::string_view data, const std::vector<Piece>& pieces, uint64_t now_ns) {
  if (data.empty()) return;
  size_t offset = 0;
  for (const Piece& p : pieces) {
    if (p.length == 0) continue;
    const std::string_view bytes = data.substr(offset, p.length);
    offset += p.length;
    if (marks_.empty() && p.release_ns <= now_ns) {
      AppendOutput(bytes);  // nothing held and nothing to wait for: straight through
      continue;
    }
    last_release_ = std::max(last_release_, p.release_ns);
    const uint64_t end = held_start_ + (held_.size() - held_off_) + bytes.size();
    held_.append(bytes);
    marks_.push_back({end, last_release_, false});
  }
}

void Flow::PushEof(uint64_t release_ns, uint64_t now_ns) {
  if (eof_queued_) return;
  eof_queued_ = true;
  if (marks_.empty() && release_ns <= now_ns) {
    eof_released_ = true;
    return;
  }
  last_release_ = std::max(last_release_, release_ns);
  marks_.push_back({held_start_ + (held_.size() - held_off_), last_release_, true});
}

void Flow::Release(uint64_t now_ns, bool all) {
  while (!marks_.empty() && (all || marks_.front().release_ns <= now_ns)) {
    const Mark m = marks_.front();
    marks_.pop_front();
    const size_t n = static_cast<size_t>(m.end - held_start_);
    AppendOutput(std::string_view(held_).substr(held_off_, n));
    held_off_ += n;
    held_start_ += n;
    if (m.eof) eof_released_ = true;
  }
  Compact(&held_, &held_off_);
}

uint64_t Flow::NextRelease() const {
  return marks_.empty() ? std::numeric_limits<uint64_t>::max() : marks_.front().release_ns;
}

bool Flow::WriteTo(int fd) {
  while (out_off_ < out_.size()) {
    const ssize_t n = send(fd, out_.data() + out_off_, out_.size() - out_off_, MSG_NOSIGNAL);
    if (n > 0) {
      out_off_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return false;
  }
  Compact(&out_, &out_off_);
  return true;
}

void Flow::AppendOutput(std::string_view data) {
  Compact(&out_, &out_off_);
  out_.append(data);
}

}  // namespace sp::proxy
