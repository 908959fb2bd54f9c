#include "approval.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <utility>

#include "reporter_harness.h"

namespace sp::reporters_test {

namespace fs = std::filesystem;

namespace {

// Every run of text that follows `prefix` up to (not including) `end` becomes `placeholder`.
std::string ReplaceAfter(std::string text, const std::string& prefix, char end,
                         const std::string& placeholder) {
  for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) {
    at += prefix.size();
    const size_t stop = text.find(end, at);
    if (stop == std::string::npos) break;
    text.replace(at, stop - at, placeholder);
    at += placeholder.size();
  }
  return text;
}

}  // namespace

std::string NormaliseJunit(std::string xml) {
  xml = ReplaceAfter(std::move(xml), " timestamp=\"", '"', "TIMESTAMP");
  xml = ReplaceAfter(std::move(xml), " hostname=\"", '"', "HOSTNAME");
  return ReplaceAfter(std::move(xml), "<property name=\"stressplan.version\" value=\"", '"', "VERSION");
}

std::string NormaliseHtml(std::string html) {
  html = ReplaceAfter(std::move(html), "<meta name=\"generator\" content=\"", '"', "GENERATOR");
  html = ReplaceAfter(std::move(html), "<span class=\"generator\">", '<', "GENERATOR");
  html = ReplaceAfter(std::move(html), "<span class=\"version\">", '<', "VERSION");
  html = ReplaceAfter(std::move(html), "<time datetime=\"", '"', "TIME");
  return ReplaceAfter(std::move(html), "<time datetime=\"TIME\">", '<', "TIME");
}

bool MatchesBaseline(const std::string& name, const std::string& received, std::string* message) {
  const std::string baseline = std::string(REPORTERS_BASELINE_DIR) + "/" + name;
  const char* approve = std::getenv("APPROVE");
  if (approve != nullptr && std::string(approve) == "1") {
    std::ofstream(baseline, std::ios::binary | std::ios::trunc) << received;
    return true;
  }
  if (FileExists(baseline) && ReadFile(baseline) == received) return true;
  const std::string dir = std::string(REPORTERS_RECEIVED_DIR);
  std::error_code ec;
  fs::create_directories(dir, ec);
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << received;
  *message = (FileExists(baseline) ? "differs from the baseline " : "no baseline yet: ") + baseline +
             "\n  received: " + path + "\n  compare:  diff -u " + baseline + " " + path +
             "\n  approve:  re-run with APPROVE=1 (then review the baseline's diff)";
  return false;
}

}  // namespace sp::reporters_test
