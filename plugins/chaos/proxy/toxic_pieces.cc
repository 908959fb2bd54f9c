#include "plugins/chaos/proxy/toxic_pieces.h"

#include <algorithm>

namespace sp::proxy {

void DelayPieces(std::vector<Piece>* pieces, uint64_t delay_ns) {
  for (Piece& p : *pieces) p.release_ns += delay_ns;
}

void ThrottlePieces(std::vector<Piece>* pieces, double rate, uint64_t* cursor_ns) {
  // 10 ms worth per piece keeps the pace smooth; at most 64 pieces per chunk keeps the
  // bookkeeping small at very low rates (the average rate holds either way).
  std::vector<Piece> out;
  for (const Piece& p : *pieces) {
    const size_t step =
        std::max<size_t>({1, static_cast<size_t>(rate / 100), (p.length + 63) / 64});
    for (size_t done = 0; done < p.length; done += step) {
      const size_t n = std::min(step, p.length - done);
      const uint64_t start = std::max(p.release_ns, *cursor_ns);
      *cursor_ns = start + static_cast<uint64_t>(static_cast<double>(n) * 1e9 / rate);
      out.push_back({n, *cursor_ns});
    }
  }
  pieces->swap(out);
}

void SlicePieces(std::vector<Piece>* pieces, uint64_t slice_size, uint64_t variation,
                 uint64_t delay_ns, std::mt19937_64* rng, uint64_t* cursor_ns) {
  std::vector<Piece> out;
  for (const Piece& p : *pieces) {
    uint64_t at = std::max(p.release_ns, *cursor_ns);
    for (size_t done = 0; done < p.length;) {
      uint64_t size = slice_size;
      if (variation > 0) {
        std::uniform_int_distribution<uint64_t> vary(0, 2 * variation);
        size = slice_size - variation + vary(*rng);
      }
      const size_t n = static_cast<size_t>(std::min<uint64_t>(std::max<uint64_t>(size, 1), p.length - done));
      out.push_back({n, at});
      done += n;
      at += delay_ns;
    }
    *cursor_ns = at;
  }
  pieces->swap(out);
}

uint64_t Jittered(uint64_t latency_ns, uint64_t jitter_ns, std::mt19937_64* rng) {
  if (jitter_ns == 0) return latency_ns;
  std::uniform_int_distribution<int64_t> j(-static_cast<int64_t>(jitter_ns), static_cast<int64_t>(jitter_ns));
  const int64_t d = static_cast<int64_t>(latency_ns) + j(*rng);
  return d < 0 ? 0 : static_cast<uint64_t>(d);
}

}  // namespace sp::proxy
