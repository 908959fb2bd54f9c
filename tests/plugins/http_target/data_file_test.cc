// CSV data files: RFC 4180 parsing with its errors, and the three row modes end to end.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "plugins/http_target/data_file.h"
#include "test_host.h"
#include "test_server.h"

using namespace sp::http;
using namespace sp::http::test;
using Mode = TestServer::Mode;

namespace {

CsvTable Parsed(std::string_view text) {
  CsvTable t;
  std::string err;
  INFO(text);
  REQUIRE(ParseCsv(text, &t, &err));
  return t;
}

std::string CsvError(std::string_view text) {
  CsvTable t;
  std::string err;
  CHECK_FALSE(ParseCsv(text, &t, &err));
  return err;
}

// A CSV file that removes itself.
class TempCsv {
 public:
  explicit TempCsv(const std::string& text) {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("stressplan_data_" + std::to_string(getpid()) + "_" + std::to_string(++counter) + ".csv"))
                .string();
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempCsv() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The path of the request the server saw, e.g. "/u/ann".
std::string RequestPath(const std::string& request) {
  const size_t sp1 = request.find(' ');
  return request.substr(sp1 + 1, request.find(' ', sp1 + 1) - sp1 - 1);
}

}  // namespace

TEST_CASE("csv: fields, quotes, line breaks", "[data]") {
  CsvTable t = Parsed("id,name,note\n1,ann,plain\n2,\"Smith, Bob\",\"said \"\"hi\"\"\"\n");
  REQUIRE(t.columns == std::vector<std::string>{"id", "name", "note"});
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0] == std::vector<std::string>{"1", "ann", "plain"});
  CHECK(t.rows[1] == std::vector<std::string>{"2", "Smith, Bob", "said \"hi\""});

  t = Parsed("a,b\r\n\"line\nbreak\",\"crlf\r\ninside\"\r\nx,\r\n,y");  // no final line break
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[0] == std::vector<std::string>{"line\nbreak", "crlf\r\ninside"});
  CHECK(t.rows[1] == std::vector<std::string>{"x", ""});
  CHECK(t.rows[2] == std::vector<std::string>{"", "y"});

  t = Parsed("\xEF\xBB\xBFname\n\nann\n\n\nbob\n");  // BOM and empty lines skipped
  CHECK(t.columns == std::vector<std::string>{"name"});
  CHECK(t.rows == std::vector<std::vector<std::string>>{{"ann"}, {"bob"}});

  t = Parsed("q\n\"\"\n\"a,\"\"b\"\"\"\n");
  CHECK(t.rows == std::vector<std::vector<std::string>>{{""}, {"a,\"b\""}});
  t = Parsed("a,b\n , x \n");  // spaces are data
  CHECK(t.rows[0] == std::vector<std::string>{" ", " x "});
}

TEST_CASE("csv: errors name the line and column", "[data]") {
  CHECK(CsvError("a,b\n1,2\n3\n") == "line 3, column 1: row has 1 field(s), the header has 2");
  CHECK(CsvError("a,b\n1,\"open\n2,3\n") ==
        "line 2, column 3: quoted field is not closed; add the closing \"");
  CHECK_THAT(CsvError("a\nab\"c\n"),
             Catch::StartsWith("line 2, column 3: quote inside an unquoted field"));
  CHECK_THAT(CsvError("a,b\n\"x\"y,1\n"),
             Catch::StartsWith("line 2, column 4: unexpected character after a closing quote"));
  CHECK_THAT(CsvError("a,,c\n1,2,3\n"), Catch::Contains("column 2 of the header row has no name"));
  CHECK_THAT(CsvError("a,b,a\n1,2,3\n"), Catch::Contains("column name \"a\" appears twice"));
  CHECK_THAT(CsvError(""), Catch::Contains("the file is empty"));
  CHECK_THAT(CsvError("a,b\n"), Catch::Contains("no data rows"));
  CHECK_THAT(CsvError("a\n\"x\n\"\n1,2\n"), Catch::StartsWith("line 4, column 1: row has 2"));
}

TEST_CASE("data: modes end to end", "[data]") {
  TempCsv file("name,city\nann,Oslo\nbob,\"New York\"\ncy,Rome\n");
  TestServer server({Mode::kEcho});
  TargetSettings t;
  t.base_url = server.Url();
  t.data_file = file.path();
  RequestSettings first;
  first.path = "/u/{{ data.name }}";
  RequestSettings second;  // the same iteration reads the same row
  second.path = "/c/{{ data.city }}";

  const auto run = [&](Worker& w, uint64_t token, uint32_t step, uint32_t vu, uint64_t it) {
    REQUIRE(w.SubmitAs(token, step, vu, it) == SP_OK);
    REQUIRE(w.PollUntil(w.completions().size() + 1));
    return RequestPath(server.LastRequest());
  };

  SECTION("sequential: file order shared across VUs and workers, wrapping") {
    t.data_mode = "sequential";
    Target target;
    REQUIRE(target.Create(t, {first, second}) == SP_OK);
    Worker w1(target);
    Worker w2(target);
    CHECK(run(w1, 1, 0, 0, 0) == "/u/ann");
    CHECK(run(w1, 2, 1, 0, 0) == "/c/Oslo");
    CHECK(run(w2, 3, 0, 1, 0) == "/u/bob");
    CHECK(run(w2, 4, 1, 1, 0) == "/c/New%20York");
    CHECK(run(w1, 5, 0, 0, 1) == "/u/cy");
    CHECK(run(w1, 6, 0, 2, 0) == "/u/ann");  // wrapped
    CHECK(run(w1, 7, 1, 0, 1) == "/c/Rome");  // VU 0 keeps its iteration-1 row
  }
  SECTION("sequential in segment I of N: the plan's draws I, I + N, ... (rows disjoint)") {
    // Segment 1 of 2 reads rows 1, 3 % 3 = 0, 5 % 3 = 2, 7 % 3 = 1; segment 0 reads 0, 2, 1, 0:
    // together the plan's sequence ann bob cy ann bob cy ann bob.
    t.data_mode = "sequential";
    t.segment_count = 2;
    t.segment_index = 1;
    Target target;
    REQUIRE(target.Create(t, {first, second}) == SP_OK);
    Worker w(target);
    CHECK(run(w, 1, 0, 1, 0) == "/u/bob");
    CHECK(run(w, 2, 1, 1, 0) == "/c/New%20York");  // the iteration keeps its row
    CHECK(run(w, 3, 0, 3, 0) == "/u/ann");
    CHECK(run(w, 4, 0, 5, 0) == "/u/cy");
    CHECK(run(w, 5, 0, 1, 1) == "/u/bob");
    t.segment_index = 0;
    Target zero;
    REQUIRE(zero.Create(t, {first, second}) == SP_OK);
    Worker w0(zero);
    CHECK(run(w0, 1, 0, 0, 0) == "/u/ann");
    CHECK(run(w0, 2, 0, 2, 0) == "/u/cy");
    CHECK(run(w0, 3, 0, 4, 0) == "/u/bob");
  }
  SECTION("random: any row, kept for the iteration") {
    t.data_mode = "random";
    Target target;
    REQUIRE(target.Create(t, {first, second}) == SP_OK);
    Worker w(target);
    std::set<std::string> names;
    const std::map<std::string, std::string> city{{"/u/ann", "/c/Oslo"}, {"/u/bob", "/c/New%20York"},
                                                  {"/u/cy", "/c/Rome"}};
    for (uint64_t it = 0; it < 60; ++it) {
      const std::string name = run(w, it * 2, 0, 3, it);
      names.insert(name);
      CHECK(run(w, it * 2 + 1, 1, 3, it) == city.at(name));
    }
    CHECK(names.size() == 3);
  }
  SECTION("unique: VU n reads row n in every iteration; VUs beyond the rows fail") {
    t.data_mode = "unique";
    Target target;
    REQUIRE(target.Create(t, {first, second}) == SP_OK);
    Worker w(target);
    CHECK(run(w, 1, 0, 2, 0) == "/u/cy");
    CHECK(run(w, 2, 0, 2, 7) == "/u/cy");
    CHECK(run(w, 3, 1, 0, 4) == "/c/Oslo");
    const int before = server.requests();
    REQUIRE(w.SubmitAs(4, 0, 3, 0) == SP_OK);
    REQUIRE(w.PollUntil(4));
    const Completion& c = w.completions()[3];
    CHECK(c.result.error == SP_E_OTHER);
    CHECK_THAT(c.detail, Catch::Contains("data_mode unique: VU 3 has no row of its own (data_file has 3 rows)"));
    CHECK(server.requests() == before);
  }
}

TEST_CASE("data: option errors", "[data]") {
  TargetSettings t;
  t.base_url = "http://127.0.0.1:1";
  RequestSettings r;
  r.path = "/{{ data.name }}";
  const auto refuse = [&](const TargetSettings& ts) {
    Target target;
    CHECK(target.Create(ts, {r}) == SP_INVALID_ARGUMENT);
    return std::array<std::string, 3>{target.error().message, target.error().option, target.error().path};
  };
  TargetSettings missing = t;
  missing.data_file = "/nonexistent/users.csv";
  auto e = refuse(missing);
  CHECK(e[1] == "data_file");
  CHECK_THAT(e[0], Catch::StartsWith("cannot read data_file /nonexistent/users.csv: No such file"));

  TempCsv bad("name,age\nann\n");
  TargetSettings broken = t;
  broken.data_file = bad.path();
  e = refuse(broken);
  CHECK(e[1] == "data_file");
  CHECK_THAT(e[0], Catch::Contains(bad.path() + ": line 2, column 1: row has 1 field(s), the header has 2"));

  TempCsv good("name\nann\n");
  TargetSettings mode = t;
  mode.data_file = good.path();
  mode.data_mode = "shuffled";
  e = refuse(mode);
  CHECK(e[1] == "data_mode");
  CHECK_THAT(e[0], Catch::Contains("sequential, random or unique, got \"shuffled\""));

  e = refuse(t);  // data.name without a data file
  CHECK(e[1] == "requests/0");
  CHECK(e[2] == "/path");
  CHECK_THAT(e[0], Catch::Contains("set the target option data_file"));
}
