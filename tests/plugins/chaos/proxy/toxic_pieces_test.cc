// The data-shaping toxics as pure functions: how they cut and time a chunk.
#include <catch2/catch.hpp>
#include <random>

#include "plugins/chaos/proxy/toxic_pieces.h"

using namespace sp::proxy;

namespace {

size_t Total(const std::vector<Piece>& pieces) {
  size_t n = 0;
  for (const Piece& p : pieces) n += p.length;
  return n;
}

}  // namespace

TEST_CASE("bandwidth paces pieces at the rate and keeps the link busy across chunks", "[pieces]") {
  std::vector<Piece> pieces{{10'000, 1'000}};
  uint64_t cursor = 0;
  ThrottlePieces(&pieces, 100'000, &cursor);  // 1 kB per 10 ms piece
  CHECK(Total(pieces) == 10'000);
  CHECK(pieces.size() == 10);
  CHECK(pieces.back().release_ns == 1'000 + 100'000'000);  // 10 kB at 100 kB/s
  std::vector<Piece> next{{1'000, 2'000}};
  ThrottlePieces(&next, 100'000, &cursor);
  CHECK(next.front().release_ns == 1'000 + 110'000'000);  // after the first chunk
}

TEST_CASE("slicer cuts slices of size +/- variation, delay apart", "[pieces]") {
  std::mt19937_64 rng(7);
  std::vector<Piece> pieces{{1'000, 0}};
  uint64_t cursor = 0;
  SlicePieces(&pieces, 64, 16, 1'000'000, &rng, &cursor);
  CHECK(Total(pieces) == 1'000);
  for (size_t i = 0; i + 1 < pieces.size(); ++i) {
    CHECK(pieces[i].length >= 48);
    CHECK(pieces[i].length <= 80);
    CHECK(pieces[i + 1].release_ns - pieces[i].release_ns == 1'000'000);
  }
}

TEST_CASE("latency adds the delay; jitter stays within its bound", "[pieces]") {
  std::vector<Piece> pieces{{5, 10}, {5, 20}};
  DelayPieces(&pieces, 100);
  CHECK(pieces[0].release_ns == 110);
  CHECK(pieces[1].release_ns == 120);
  std::mt19937_64 rng(1);
  for (int i = 0; i < 1000; ++i) {
    const uint64_t d = Jittered(1'000, 200, &rng);
    CHECK(d >= 800);
    CHECK(d <= 1'200);
  }
  CHECK(Jittered(100, 500, &rng) <= 600);  // never below zero
}
