#include "core/services/log_tail.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

namespace sp::services {
namespace {

constexpr std::streamoff kMaxRead = 64 * 1024;
constexpr size_t kMaxLineLength = 400;

}  // namespace

std::string LogTail(const std::string& path, int max_lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "  (cannot read " + path + ": " + std::strerror(errno) + ")\n";
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  std::streamoff start = size > kMaxRead ? size - kMaxRead : 0;
  in.seekg(start);
  std::string data(static_cast<size_t>(size - start), '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));

  std::vector<std::string> lines;
  size_t begin = 0;
  while (begin < data.size()) {
    size_t end = data.find('\n', begin);
    if (end == std::string::npos) end = data.size();
    lines.push_back(data.substr(begin, end - begin));
    begin = end + 1;
  }
  // The first line is partial when the read started in the middle of the file.
  if (start > 0 && !lines.empty()) lines.erase(lines.begin());

  std::string out;
  size_t first = lines.size() > static_cast<size_t>(max_lines) ? lines.size() - max_lines : 0;
  for (size_t i = first; i < lines.size(); ++i) {
    std::string& line = lines[i];
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > kMaxLineLength) line = line.substr(0, kMaxLineLength) + "...";
    out += "  " + line + "\n";
  }
  return out;
}

}  // namespace sp::services
