#include "plugins/reporters/common/report_file.h"

#include <filesystem>
#include <fstream>
#include <system_error>

#include "plugins/common/options.h"

namespace sp::reporters {

namespace fs = std::filesystem;

std::string CheckReportPath(const std::string& path, const std::string& example) {
  if (path.empty()) return "path is empty: name the file to write, such as " + example;
  if (path.back() == '/') {
    return "path " + path + " names a folder: name a file in it, such as " + path + example;
  }
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return "path " + path + " is a folder: name a file in it, such as " + path + "/" + example;
  }
  // The nearest ancestor that exists must be a folder, or the file can never be created.
  for (fs::path p = fs::path(path).parent_path(); !p.empty(); p = p.parent_path()) {
    if (fs::exists(p, ec)) {
      if (!fs::is_directory(p, ec)) {
        return "cannot write " + path + ": " + p.string() + " is a file, not a folder";
      }
      break;
    }
    if (p == p.parent_path()) break;
  }
  return "";
}

bool ReportPathOption(const sp_options* options, const char* default_name, std::string* out,
                      plugin_common::OptionError* err) {
  const sp_option_value* path = plugin_common::FindOption(options, "path");
  const std::string file = path ? std::string(plugin_common::OptionText(path)) : default_name;
  if (std::string why = CheckReportPath(file, default_name); !why.empty()) {
    *err = {why, "path", ""};
    return false;
  }
  *out = file;
  return true;
}

bool WriteReportFile(const std::string& path, const std::string& content, std::string* why) {
  fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  fs::path tmp = target;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      *why = "cannot write " + tmp.string();
      return false;
    }
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out.flush()) {
      out.close();
      fs::remove(tmp, ec);
      *why = "cannot write " + tmp.string();
      return false;
    }
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    *why = "cannot rename " + tmp.string() + " to " + target.string() + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace sp::reporters
