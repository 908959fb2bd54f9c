// How the host reads a struct a plugin filled (core/plugin/sized_struct.h) and, with it, each
// sp_result a target completes (core/plugin/result.h): in place when it is as large as the
// host's, copied over zeros when older, refused below the 1.0 layout.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/plugin/result.h"
#include "core/plugin/sized_struct.h"

namespace {

// A struct that grew: `c` was appended after the 1.0 layout ended at `b`.
struct Grown {
  uint32_t struct_size;
  uint32_t a;
  uint64_t b;
  uint64_t c;
};
constexpr size_t kGrown10 = offsetof(Grown, b) + sizeof(uint64_t);

}  // namespace

TEST_CASE("an older, smaller struct is copied by its declared size over zeros") {
  Grown raw;
  std::memset(&raw, 0xab, sizeof raw);  // what lies beyond the plugin's struct: not its data
  raw.struct_size = kGrown10;
  raw.a = 7;
  raw.b = 9;
  Grown scratch;
  const Grown* read = sp::plugin::ReadSized(&raw, kGrown10, &scratch);
  REQUIRE(read == &scratch);
  CHECK(read->struct_size == kGrown10);
  CHECK(read->a == 7);
  CHECK(read->b == 9);
  CHECK(read->c == 0);
}

TEST_CASE("a struct as large as the host's, or larger, is read in place") {
  struct Future {
    Grown known;
    uint64_t later;
  } raw{{sizeof(Future), 1, 2, 3}, 4};
  Grown scratch{};
  CHECK(sp::plugin::ReadSized(&raw.known, kGrown10, &scratch) == &raw.known);
  Grown same{sizeof(Grown), 1, 2, 3};
  CHECK(sp::plugin::ReadSized(&same, kGrown10, &scratch) == &same);
}

TEST_CASE("a struct smaller than the 1.0 layout is refused") {
  Grown raw{8, 1, 2, 3};
  Grown scratch{};
  CHECK(sp::plugin::ReadSized(&raw, kGrown10, &scratch) == nullptr);
  raw.struct_size = 0;  // the plugin forgot to set it
  CHECK(sp::plugin::ReadSized(&raw, kGrown10, &scratch) == nullptr);
}

TEST_CASE("sp_result: the 1.0 layout is the smallest a target may complete with") {
  CHECK(sp::plugin::kResultSize10 == offsetof(sp_result, detail) + sizeof(const char*));
  sp_result r{};
  r.struct_size = sizeof r;
  r.token = 42;
  sp_result scratch;
  CHECK(sp::plugin::ReadResult(&r, &scratch) == &r);
  r.struct_size = 0;
  CHECK(sp::plugin::ReadResult(&r, &scratch) == nullptr);
  const std::string err = sp::plugin::MalformedResultError("fixture", &r);
  CHECK_THAT(err, Catch::Contains("target plugin fixture completed a request with an sp_result whose "
                                  "struct_size is 0, smaller than the " +
                                  std::to_string(sp::plugin::kResultSize10) + " bytes of ABI 1.0's"));
  CHECK_THAT(err, Catch::Contains("struct_size = sizeof(sp_result)"));
}
