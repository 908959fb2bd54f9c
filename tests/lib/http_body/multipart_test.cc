// lib/http_body multipart bodies: the exact bytes, Content-Length against what is produced
// for every piece size, files streamed in pieces, files that change under the reader.
#include "lib/http_body/multipart.h"

#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace sp::http_body;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "sp-multipart-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string Write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path / name, std::ios::binary) << bytes;
    return (path / name).string();
  }
};

std::function<std::string()> Fixed(std::string boundary) {
  return [boundary] { return boundary; };
}

// The whole body read in pieces of `cap` bytes; REQUIREs that no read fails.
std::string ReadAll(const MultipartLayout& layout, size_t cap) {
  MultipartReader reader(layout);
  std::string body;
  std::vector<char> buf(cap);
  std::string err;
  while (true) {
    size_t got = 0;
    REQUIRE(reader.Read(buf.data(), cap, &got, &err));
    if (got == 0) break;
    REQUIRE(got <= cap);
    body.append(buf.data(), got);
  }
  CHECK(reader.done());
  return body;
}

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(gen() & 0xff);
  return s;
}

}  // namespace

TEST_CASE("MultipartLayout: the exact body of text and file fields", "[http_body]") {
  TempDir dir;
  const std::string png = dir.Write("pic.PNG", std::string("\x89PNG\r\n", 6));
  const std::string data = dir.Write("data", "a,b\n");
  MultipartLayout layout;
  std::string err;
  REQUIRE(MultipartLayout::Build(
      {MultipartPart::Text("title", "Hello\r\nworld"), MultipartPart::File("pic", png),
       MultipartPart::File("sheet", data, "q\"1\r\n.csv", "text/csv"),
       MultipartPart::Text("empty", "")},
      &layout, &err, Fixed("XyZ")));
  const std::string expected =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"title\"\r\n"
      "\r\n"
      "Hello\r\nworld\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"pic\"; filename=\"pic.PNG\"\r\n"
      "Content-Type: image/png\r\n"
      "\r\n"
      "\x89PNG\r\n\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"sheet\"; filename=\"q%221%0D%0A.csv\"\r\n"
      "Content-Type: text/csv\r\n"
      "\r\n"
      "a,b\n\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"empty\"\r\n"
      "\r\n"
      "\r\n"
      "--XyZ--\r\n";
  CHECK(layout.boundary() == "XyZ");
  CHECK(layout.content_type() == "multipart/form-data; boundary=XyZ");
  CHECK(layout.content_length() == expected.size());
  // Every piece size from 1 byte to more than the whole body gives the same bytes.
  for (size_t cap = 1; cap <= expected.size() + 1; ++cap) {
    INFO("piece size " << cap);
    REQUIRE(ReadAll(layout, cap) == expected);
  }
}

TEST_CASE("MultipartLayout: names escaped, no parts, the extension table", "[http_body]") {
  MultipartLayout layout;
  std::string err;
  REQUIRE(MultipartLayout::Build({MultipartPart::Text("a\"b\rc\nd%22", "v")}, &layout, &err,
                                 Fixed("B")));
  CHECK(ReadAll(layout, 64) ==
        "--B\r\nContent-Disposition: form-data; name=\"a%22b%0Dc%0Ad%22\"\r\n\r\nv\r\n--B--\r\n");
  REQUIRE(MultipartLayout::Build({}, &layout, &err, Fixed("B")));
  CHECK(ReadAll(layout, 3) == "--B--\r\n");
  CHECK(layout.content_length() == 7);

  CHECK(ContentTypeForFilename("a.json") == "application/json");
  CHECK(ContentTypeForFilename("A.JPEG") == "image/jpeg");
  CHECK(ContentTypeForFilename("x.tar.gz") == "application/gzip");
  CHECK(ContentTypeForFilename("README") == "application/octet-stream");
  CHECK(ContentTypeForFilename("x.") == "application/octet-stream");
  CHECK(ContentTypeForFilename("x.unknown") == "application/octet-stream");
}

TEST_CASE("MultipartLayout: the boundary is drawn again while a field contains it", "[http_body]") {
  std::vector<std::string> offered = {"abc", "name", "xyz", "Q"};
  size_t calls = 0;
  const auto next = [&] { return offered[calls++]; };
  MultipartLayout layout;
  std::string err;
  // "abc" is in a value, "name" in a name, "xyz" in a filename: "Q" is the first one free.
  TempDir dir;
  const std::string file = dir.Write("f.txt", "abc name xyz Q");  // files are not checked
  REQUIRE(MultipartLayout::Build(
      {MultipartPart::Text("the name", "--abc--"), MultipartPart::File("f", file, "xyz.txt")},
      &layout, &err, next));
  CHECK(calls == 4);
  CHECK(layout.boundary() == "Q");

  CHECK_FALSE(
      MultipartLayout::Build({MultipartPart::Text("n", "always")}, &layout, &err, Fixed("way")));
  CHECK(err == "multipart: no boundary found that the fields do not contain");

  const std::string a = RandomBoundary();
  const std::string b = RandomBoundary();
  CHECK(a != b);
  REQUIRE(a.size() == 46);
  CHECK(a.rfind("----stressplan", 0) == 0);
  for (char c : a.substr(14)) CHECK(std::isalnum(static_cast<unsigned char>(c)));
  REQUIRE(MultipartLayout::Build({MultipartPart::Text("n", "v")}, &layout, &err));
  CHECK(layout.boundary().size() == 46);
}

TEST_CASE("MultipartLayout: files that cannot be sent are refused with their path", "[http_body]") {
  TempDir dir;
  MultipartLayout layout;
  std::string err;
  const std::string missing = (dir.path / "missing.bin").string();
  CHECK_FALSE(MultipartLayout::Build(
      {MultipartPart::Text("a", "b"), MultipartPart::File("up", missing)}, &layout, &err));
  CHECK(err == "multipart part 2 (\"up\"): file \"" + missing + "\": No such file or directory");
  CHECK_FALSE(MultipartLayout::Build({MultipartPart::File("d", dir.path.string())}, &layout, &err));
  CHECK(err == "multipart part 1 (\"d\"): file \"" + dir.path.string() +
                   "\": not a regular file (its size must be known before sending)");
  const std::string ok = dir.Write("ok.txt", "x");
  CHECK_FALSE(MultipartLayout::Build(
      {MultipartPart::File("f", ok, "", "text/plain\r\nX-Injected: 1")}, &layout, &err));
  CHECK(err ==
        "multipart part 1 (\"f\"): content type \"text/plain\r\nX-Injected: 1\" is not "
        "a valid header value (no control characters such as CR or LF)");
}

TEST_CASE("MultipartReader: files larger than the piece are streamed, empty ones too",
          "[http_body]") {
  TempDir dir;
  const std::string big = RandomBytes(300 * 1024 + 17, 7);
  const std::string big_path = dir.Write("big.bin", big);
  const std::string empty_path = dir.Write("empty.txt", "");
  MultipartLayout layout;
  std::string err;
  REQUIRE(MultipartLayout::Build(
      {MultipartPart::File("big", big_path), MultipartPart::File("none", empty_path),
       MultipartPart::File("again", big_path, "b2")},
      &layout, &err, Fixed("--b")));
  const std::string body = ReadAll(layout, 4096);
  CHECK(body.size() == layout.content_length());
  const std::string head1 =
      "----b\r\nContent-Disposition: form-data; name=\"big\"; filename=\"big.bin\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n";
  REQUIRE(body.compare(0, head1.size(), head1) == 0);
  CHECK(body.compare(head1.size(), big.size(), big) == 0);
  CHECK(body.find("filename=\"empty.txt\"\r\nContent-Type: text/plain\r\n\r\n\r\n----b\r\n") !=
        std::string::npos);
  CHECK(body.compare(body.size() - big.size() - 11, big.size() + 11, big + "\r\n----b--\r\n") == 0);
  for (size_t cap : {1, 7, 65536, 1 << 20}) CHECK(ReadAll(layout, cap) == body);

  // A reader starts over (the request is sent again).
  MultipartReader reader(layout);
  std::vector<char> buf(1000);
  size_t got = 0;
  REQUIRE(reader.Read(buf.data(), buf.size(), &got, &err));
  CHECK(reader.position() == 1000);
  reader.Rewind();
  CHECK(reader.position() == 0);
  REQUIRE(reader.Read(buf.data(), 10, &got, &err));
  CHECK(std::string(buf.data(), got) == "----b\r\nCon");
}

TEST_CASE("MultipartReader: a file whose size changes is an error naming it", "[http_body]") {
  TempDir dir;
  const std::string path = dir.Write("f.bin", RandomBytes(10000, 3));
  MultipartLayout layout;
  std::string err;
  REQUIRE(MultipartLayout::Build({MultipartPart::File("f", path)}, &layout, &err, Fixed("B")));
  const size_t head = layout.content_length() - 10000 - 9;  // "\r\n--B--\r\n" after the file
  std::vector<char> buf(20000);
  size_t got = 0;

  SECTION("changed between laying out and sending") {
    fs::resize_file(path, 9000);
    MultipartReader reader(layout);
    REQUIRE(reader.Read(buf.data(), head, &got, &err));
    CHECK_FALSE(reader.Read(buf.data(), 100, &got, &err));
    CHECK(err == "multipart file \"" + path +
                     "\" changed size since the body was laid out (10000 bytes then, 9000 now)");
  }
  SECTION("shrank while being sent") {
    MultipartReader reader(layout);
    REQUIRE(reader.Read(buf.data(), head + 4000, &got, &err));
    fs::resize_file(path, 5000);
    REQUIRE(reader.Read(buf.data(), 1000, &got, &err));  // bytes 4000..5000 are still there
    CHECK_FALSE(reader.Read(buf.data(), 1000, &got, &err));
    CHECK(err ==
          "multipart file \"" + path + "\" shrank while being sent (5000 of 10000 bytes read)");
  }
  SECTION("grew while being sent") {
    MultipartReader reader(layout);
    REQUIRE(reader.Read(buf.data(), head + 4000, &got, &err));
    std::ofstream(path, std::ios::binary | std::ios::app) << "more";
    CHECK_FALSE(reader.Read(buf.data(), 20000, &got, &err));
    CHECK(err ==
          "multipart file \"" + path + "\" grew while being sent (10000 bytes counted, 10004 now)");
  }
  SECTION("removed before sending") {
    fs::remove(path);
    MultipartReader reader(layout);
    CHECK_FALSE(reader.Read(buf.data(), buf.size(), &got, &err));
    CHECK(err == "multipart file \"" + path + "\": No such file or directory");
  }
}
