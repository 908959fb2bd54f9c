// Reading the plan file: only a regular file within the size limit, refused at once otherwise.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/plan/plan_file.h"

using namespace sp::plan;

namespace {

// A fresh folder under TMPDIR, removed with everything in it.
struct TempDir {
  std::string path;
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/plan-file-test-XXXXXX";
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

std::string ReadError(const std::string& path) {
  std::string text = "untouched";
  Diagnostics errors;
  const auto start = std::chrono::steady_clock::now();
  REQUIRE_FALSE(ReadPlanFile(path, &text, &errors));
  // Refused at once: nothing blocks (a FIFO without a writer) or reads forever (/dev/zero).
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  CHECK(text.empty());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].loc.file == path);
  return errors[0].message;
}

}  // namespace

TEST_CASE("plan file: a regular file is read whole", "[plan_file]") {
  TempDir dir;
  const std::string path = dir.path + "/plan.yaml";
  std::ofstream(path) << "name: x\n";
  std::string text;
  Diagnostics errors;
  REQUIRE(ReadPlanFile(path, &text, &errors));
  CHECK(text == "name: x\n");
  CHECK(errors.empty());
}

TEST_CASE("plan file: devices, FIFOs, folders and sockets are refused at once", "[plan_file][limits]") {
  TempDir dir;
  CHECK(ReadError("/dev/zero") ==
        "the plan is a character device, not a file; give the path of a plan's .yaml file");
  CHECK(ReadError(dir.path) == "the plan is a folder, not a file; give the path of a plan's .yaml file");

  const std::string fifo = dir.path + "/fifo.yaml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(ReadError(fifo) == "the plan is a FIFO (named pipe), not a file; give the path of a plan's .yaml file");

  const std::string sock = dir.path + "/sock.yaml";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock.c_str());
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  CHECK(ReadError(sock) == "the plan is a socket, not a file; give the path of a plan's .yaml file");
  ::close(fd);

  CHECK(ReadError(dir.path + "/missing.yaml") == "cannot open the plan: No such file or directory");
}

TEST_CASE("plan file: larger than 16 MiB is refused before it is read", "[plan_file][limits]") {
  TempDir dir;
  const std::string path = dir.path + "/big.yaml";
  {
    std::ofstream out(path);
    out << "name: x\n";
  }
  // Sparse: 16 MiB + 1 byte without writing them.
  REQUIRE(::truncate(path.c_str(), (16 << 20) + 1) == 0);
  CHECK(ReadError(path) ==
        "the plan is 16777217 bytes, larger than 16 MiB, the most a plan may be (docs/plan.md, \"Limits\")");
  REQUIRE(::truncate(path.c_str(), 16 << 20) == 0);
  std::string text;
  Diagnostics errors;
  CHECK(ReadPlanFile(path, &text, &errors));
  CHECK(text.size() == size_t{16} << 20);
}
