// core/run/fd_table.h: the descriptor table grown once, within the open-files limit, and only
// when it is smaller than asked. FDSize in /proc/self/status is the kernel's own figure.
#include "core/run/fd_table.h"

#include <sys/resource.h>

#include <catch2/catch.hpp>

#include "soft_limit.h"

using sp::run::DescriptorTableSize;
using sp::run::GrowDescriptorTable;
using sp::run::kSpareDescriptors;
using sp::run::LoadDescriptors;
using sp::run::RaiseOpenFilesLimit;
using sp::run_test::SoftLimit;

TEST_CASE("fd_table: the table grows once to every slot and the spare, within the soft limit") {
  const size_t before = DescriptorTableSize();
  REQUIRE(before >= 64);  // Linux's smallest table; 0 would mean FDSize could not be read
  // One slot per descriptor the table holds now: with the spare, more than it holds (tables
  // never shrink, so each test asks for more than the last left), and a limit with room above.
  const size_t slots = before;
  SoftLimit limit(static_cast<rlim_t>(slots + 2 * kSpareDescriptors));
  REQUIRE(limit.soft() >= slots + kSpareDescriptors);  // else this host cannot show it
  CHECK(GrowDescriptorTable(slots) == slots + kSpareDescriptors);
  CHECK(DescriptorTableSize() >= slots + kSpareDescriptors);
  // Already large enough: nothing is asked.
  CHECK(GrowDescriptorTable(slots) == 0);
}

TEST_CASE("fd_table: more slots than the soft limit allows grow the table to the limit only") {
  const size_t before = DescriptorTableSize();
  REQUIRE(before >= 64);
  const rlim_t soft = static_cast<rlim_t>(before + kSpareDescriptors / 2);
  SoftLimit limit(soft);
  REQUIRE(limit.soft() == soft);
  CHECK(GrowDescriptorTable(10 * before) == soft);
  CHECK(DescriptorTableSize() >= soft);
  CHECK(DescriptorTableSize() < 10 * before);  // Linux rounds up to a power of two: < 2 x soft
}

TEST_CASE(
    "fd_table: the load's descriptors are a connection per slot, and two per slot per proxy") {
  CHECK(LoadDescriptors(1000, 0) == 1000);
  CHECK(LoadDescriptors(1000, 1) == 3000);  // the proxy's accepted and upstream connections
  CHECK(LoadDescriptors(1000, 2) == 5000);
  CHECK(LoadDescriptors(0, 3) == 0);
}

TEST_CASE("fd_table: the soft open-files limit is raised to what the load needs, within the hard") {
  rlimit l{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &l) == 0);
  REQUIRE(l.rlim_max >= 2048);  // else this host cannot show it
  SoftLimit limit(512);
  auto raised = RaiseOpenFilesLimit(1000);
  CHECK(raised.before == 512);
  CHECK(raised.after == 1000 + kSpareDescriptors);
  CHECK(limit.soft() == 1000 + kSpareDescriptors);
  // High enough already: left alone, and never lowered.
  raised = RaiseOpenFilesLimit(100);
  CHECK(raised.after == raised.before);
  CHECK(limit.soft() == 1000 + kSpareDescriptors);
  // More than the hard limit allows: up to the hard limit.
  if (l.rlim_max != RLIM_INFINITY) {
    raised = RaiseOpenFilesLimit(static_cast<size_t>(l.rlim_max) * 2);
    CHECK(raised.after == l.rlim_max);
    CHECK(limit.soft() == l.rlim_max);
  }
}
