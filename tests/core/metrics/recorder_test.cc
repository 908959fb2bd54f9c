#include "core/metrics/recorder.h"

#include <catch2/catch.hpp>

using sp::metrics::Recorder;

namespace {

sp_result Result(uint32_t redirect, uint32_t flags, sp_error_kind error = SP_E_NONE) {
  sp_result r{};
  r.struct_size = sizeof r;
  r.error = error;
  r.status = flags != 0 ? 302 : 200;
  r.start_ns = 1'000;
  r.end_ns = 2'000;
  r.failed_check = UINT32_MAX;
  r.redirect = redirect;
  r.flags = flags;
  return r;
}

}  // namespace

TEST_CASE("recorder: a step's redirect hops are requests of it, counted apart too", "[recorder]") {
  Recorder a(2, 1);
  // Step 0: a request that followed two redirects (three exchanges), then one without any.
  a.Record(Result(0, SP_RESULT_MORE), 0, 0, 500);
  a.Record(Result(1, SP_RESULT_MORE), 0, 0, 500);
  a.Record(Result(2, 0), 0, 0, 500);
  a.Record(Result(0, 0), 0, 0, 500);
  // Step 1: a redirect loop cut at max_redirects 1.
  a.Record(Result(0, SP_RESULT_MORE), 1, 0, 500);
  a.Record(Result(1, 0, SP_E_TOO_MANY_REDIRECTS), 1, 0, 500);

  CHECK(a.requests() == 6);
  CHECK(a.steps()[0].requests == 4);
  CHECK(a.steps()[0].redirects == 2);
  CHECK(a.steps()[0].errors == 0);
  CHECK(a.steps()[1].requests == 2);
  CHECK(a.steps()[1].redirects == 1);
  CHECK(a.steps()[1].errors == 1);
  CHECK(a.errors_by_kind()[SP_E_TOO_MANY_REDIRECTS] == 1);
  CHECK(a.status_codes()[302] == 3);

  Recorder b(2, 1);
  b.Record(Result(3, 0), 0, 0, 500);
  b.Merge(a);
  CHECK(b.steps()[0].requests == 5);
  CHECK(b.steps()[0].redirects == 3);
  CHECK(b.steps()[1].redirects == 1);
  b.Reset();
  CHECK(b.steps()[0].redirects == 0);
}
