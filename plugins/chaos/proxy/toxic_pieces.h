// How the data-shaping toxics cut and delay a chunk of data, as pure functions over the
// chunk's pieces (so they compose in injection order and are tested without sockets).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "plugins/chaos/proxy/flow.h"

namespace sp::proxy {

// latency: every piece later by `delay_ns`.
void DelayPieces(std::vector<Piece>* pieces, uint64_t delay_ns);

// bandwidth: pieces of at most ~10 ms worth of data, each due when the previous one has
// passed at `rate` bytes per second. *cursor_ns is when the direction's link is next free.
void ThrottlePieces(std::vector<Piece>* pieces, double rate, uint64_t* cursor_ns);

// slicer: pieces of slice_size +/- variation bytes, `delay_ns` apart. *cursor_ns keeps the
// spacing across chunks.
void SlicePieces(std::vector<Piece>* pieces, uint64_t slice_size, uint64_t variation,
                 uint64_t delay_ns, std::mt19937_64* rng, uint64_t* cursor_ns);

// latency's delay for one chunk: latency +/- uniform jitter, never negative.
uint64_t Jittered(uint64_t latency_ns, uint64_t jitter_ns, std::mt19937_64* rng);

}  // namespace sp::proxy
