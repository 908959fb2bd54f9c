// The `multipart` request option (multipart_body.h): what it accepts and refuses, and the
// body the worker streams for it — exact bytes, a file larger than the socket buffers, and a
// connection answered before its upload was sent.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "plugins/http_target/multipart_body.h"
#include "test_host.h"
#include "test_server.h"

using namespace sp::http::test;
namespace fs = std::filesystem;

namespace {

// A folder of upload files, removed at the end of the test.
class UploadDir {
 public:
  UploadDir() {
    std::string pattern = (fs::temp_directory_path() / "sp-upload-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~UploadDir() { fs::remove_all(path_); }
  UploadDir(const UploadDir&) = delete;
  UploadDir& operator=(const UploadDir&) = delete;

  std::string Write(const std::string& name, const std::string& bytes) const {
    const fs::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

sp::http::OptionError Refusal(const std::string& multipart, const std::string& dir = "/") {
  std::shared_ptr<const sp::http_body::MultipartLayout> layout;
  sp::http::OptionError err;
  INFO(multipart);
  CHECK_FALSE(sp::http::MultipartBodyLayout(multipart, dir, "requests/0", &layout, &err));
  CHECK(err.option == "requests/0");
  return err;
}

// The boundary of a request's multipart Content-Type.
std::string BoundaryOf(const std::string& request) {
  const std::string key = "multipart/form-data; boundary=";
  const size_t at = request.find(key);
  REQUIRE(at != std::string::npos);
  return request.substr(at + key.size(), request.find("\r\n", at) - at - key.size());
}

std::string BodyOf(const std::string& request) {
  return request.substr(request.find("\r\n\r\n") + 4);
}

}  // namespace

TEST_CASE("multipart: refusals name the field", "[multipart]") {
  CHECK(Refusal("[1]").path == "/multipart");
  CHECK(Refusal("{}").path == "/multipart");
  CHECK(Refusal(R"({"a": [1, [2]]})").path == "/multipart/a/1");
  CHECK(Refusal(R"({"f": {"path": "x"}})").path == "/multipart/f/path");
  CHECK(Refusal(R"({"f": {"filename": "x"}})").path == "/multipart/f");
  CHECK(Refusal(R"({"f": {"file": 3}})").path == "/multipart/f/file");
  const sp::http::OptionError t = Refusal(R"({"a": "x {{ vu }}"})");
  CHECK(t.path == "/multipart/a");
  CHECK_THAT(t.message, Catch::Contains("templates are not supported"));
  CHECK(Refusal(R"({"{{ vu }}": "x"})").path == "/multipart/{{ vu }}");
}

TEST_CASE("multipart: a missing file is refused at create, naming the field and the path",
          "[multipart]") {
  UploadDir dir;
  dir.Write("here.txt", "x");
  const sp::http::OptionError e =
      Refusal(R"({"a": "1", "f": [{"file": "here.txt"}, {"file": "gone.txt"}]})", dir.path());
  CHECK(e.path == "/multipart/f/1/file");
  CHECK_THAT(e.message, Catch::Contains(dir.path() + "/gone.txt"));
  CHECK_THAT(e.message, Catch::Contains("No such file or directory"));
  CHECK(Refusal(R"({"d": {"file": "."}})", dir.path()).path == "/multipart/d/file");  // a folder
}

TEST_CASE("multipart: the worker sends fields and files as the plan orders them", "[multipart]") {
  UploadDir dir;
  dir.Write("cat.png", std::string("\x89PNG\r\n\0\xff", 8));
  TestServer server({TestServer::Mode::kEcho});
  TargetSettings t;
  t.base_url = server.Url();
  RequestSettings upload;
  upload.method = "POST";
  upload.path = "/upload";
  upload.multipart = R"({"title": "a \"cat\"", "n": 7, "photo": {"file": "cat.png"},
                         "doc": {"file": "cat.png", "filename": "x.bin", "content_type": "a/b"}})";
  upload.multipart_dir = dir.path();
  Target target;
  REQUIRE(target.Create(t, {upload}) == SP_OK);
  CHECK(target.check_status() == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(1) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  REQUIRE(worker.completions()[0].result.error == SP_E_NONE);

  const std::string got = server.LastRequest();
  const std::string b = BoundaryOf(got);
  const std::string png("\x89PNG\r\n\0\xff", 8);
  const std::string body = "--" + b + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n" +
                           "a \"cat\"\r\n--" + b +
                           "\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n7\r\n--" + b +
                           "\r\nContent-Disposition: form-data; name=\"photo\"; "
                           "filename=\"cat.png\"\r\nContent-Type: image/png\r\n\r\n" +
                           png + "\r\n--" + b +
                           "\r\nContent-Disposition: form-data; name=\"doc\"; "
                           "filename=\"x.bin\"\r\nContent-Type: a/b\r\n\r\n" +
                           png + "\r\n--" + b + "--\r\n";
  CHECK(BodyOf(got) == body);
  CHECK_THAT(got, Catch::Contains("Content-Length: " + std::to_string(body.size()) + "\r\n"));
  CHECK(worker.completions()[0].result.bytes_sent == got.size());
}

TEST_CASE(
    "multipart: a file larger than the socket buffers is streamed, and the connection "
    "is reused after it",
    "[multipart]") {
  UploadDir dir;
  std::string big(6 * 1024 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 23);
  dir.Write("big.bin", big);
  TestServer server({TestServer::Mode::kKeepAlive});
  TargetSettings t;
  t.base_url = server.Url();
  RequestSettings upload;
  upload.method = "PUT";
  upload.path = "/{{ vu }}";  // a templated head keeps the layout's Content-Length
  upload.multipart = R"({"f": {"file": "big.bin"}})";
  upload.multipart_dir = dir.path();
  Target target;
  REQUIRE(target.Create(t, {upload}) == SP_OK);
  Worker worker(target);
  for (uint64_t token = 1; token <= 2; ++token) {
    REQUIRE(worker.SubmitAs(token, 0, 3, token) == SP_OK);
    REQUIRE(worker.PollUntil(token, 20'000 * kMs));
    REQUIRE(worker.completions().back().result.error == SP_E_NONE);
  }
  const std::string got = server.LastRequest();
  CHECK_THAT(got, Catch::StartsWith("PUT /3 HTTP/1.1\r\n"));
  const std::string body = BodyOf(got);
  CHECK(body.find(big) != std::string::npos);
  CHECK_THAT(got, Catch::Contains("Content-Length: " + std::to_string(body.size()) + "\r\n"));
  CHECK(server.requests() == 2);
  CHECK(server.connections() == 1);
}

TEST_CASE("multipart: a request has one body; the boundary's Content-Type is its own",
          "[multipart]") {
  UploadDir dir;
  dir.Write("a.txt", "a");
  TargetSettings t;
  t.base_url = "http://127.0.0.1:1";
  RequestSettings r;
  r.method = "POST";
  r.multipart = R"({"f": {"file": "a.txt"}})";
  r.multipart_dir = dir.path();
  RequestSettings both = r;
  both.form = R"({"a": "1"})";
  Target refused;
  CHECK(refused.Create(t, {both}) == SP_INVALID_ARGUMENT);
  CHECK_THAT(refused.error().message, Catch::Contains("one of body, form or multipart"));
  CHECK(std::string(refused.error().path) == "/multipart");
  RequestSettings typed = r;
  typed.headers = R"({"Content-Type": "multipart/form-data"})";
  Target refused_type;
  CHECK(refused_type.Create(t, {typed}) == SP_INVALID_ARGUMENT);
  CHECK_THAT(refused_type.error().message, Catch::Contains("sets its own Content-Type"));
  RequestSettings missing = r;
  missing.multipart = R"({"f": {"file": "nope.txt"}})";
  Target refused_file;
  CHECK(refused_file.Create(t, {missing}) == SP_INVALID_ARGUMENT);
  CHECK(refused_file.check_status() == SP_INVALID_ARGUMENT);  // validate says it too
  CHECK(std::string(refused_file.error().path) == "/multipart/f/file");
}
