// One direction of a proxied connection (client->upstream or upstream->client): bytes held
// back by toxics until their release time, then bytes ready to be written to the receiving
// socket, and the end of the stream (EOF) travelling behind them in order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace sp::proxy {

// A run of bytes due at one time, as the toxics cut a chunk of data.
struct Piece {
  size_t length;
  uint64_t release_ns;
};

class Flow {
 public:
  // Queues `data`, cut into `pieces` (lengths summing to data.size()). Release times are
  // raised where needed so that nothing overtakes what was queued before it.
  void Push(std::string_view data, const std::vector<Piece>& pieces, uint64_t now_ns);
  // Queues the end of the stream, due at release_ns (or after everything before it).
  void PushEof(uint64_t release_ns, uint64_t now_ns);

  // Moves what is due by now_ns to the output (everything when `all`: a toxic went away).
  void Release(uint64_t now_ns, bool all = false);
  // When the next held piece is due, or UINT64_MAX when nothing is held.
  uint64_t NextRelease() const;

  // Writes the output to fd (non-blocking). Returns false on a socket error (errno set);
  // true otherwise, also when the socket is full.
  bool WriteTo(int fd);

  // Bytes held or waiting to be written: reading the sender pauses while this is high.
  size_t Pending() const { return (held_.size() - held_off_) + (out_.size() - out_off_); }
  bool HasOutput() const { return out_off_ < out_.size(); }
  // All data written and the EOF has been released: the receiver may be shut down for writing.
  bool EofDue() const { return eof_released_ && !HasOutput(); }
  bool eof_queued() const { return eof_queued_; }
  bool empty() const { return Pending() == 0 && marks_.empty(); }

 private:
  struct Mark {
    uint64_t end;  // absolute stream offset where this piece ends
    uint64_t release_ns;
    bool eof;
  };

  void AppendOutput(std::string_view data);

  std::string held_;  // held_[held_off_] is at absolute stream offset held_start_
  size_t held_off_ = 0;
  uint64_t held_start_ = 0;
  std::deque<Mark> marks_;
  uint64_t last_release_ = 0;
  std::string out_;
  size_t out_off_ = 0;
  bool eof_queued_ = false;
  bool eof_released_ = false;
};

}  // namespace sp::proxy
