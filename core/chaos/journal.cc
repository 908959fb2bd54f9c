#include "core/chaos/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

namespace sp::chaos {
namespace {

bool WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::string ProcessStartTime(int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return "";
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream rest(stat.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 22) return field;
  }
  return "";
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

bool Journal::Open(const std::string& path, const std::string& plan_file, const std::string& started_at,
                   std::string* err) {
  {
    JournalState earlier;
    size_t torn = 0;
    std::string why;
    if (::access(path.c_str(), F_OK) == 0 && ReadJournal(path, &earlier, &torn, &why)) {
      if (earlier.run_pid > 0 && earlier.run_pid != ::getpid() && !earlier.run_start_time.empty() &&
          ProcessStartTime(earlier.run_pid) == earlier.run_start_time) {
        *err = "another run (pid " + std::to_string(earlier.run_pid) + ") is writing " + path +
               "; give this run another --report folder";
        return false;
      }
      size_t left = 0;
      for (const Unreverted& u : earlier.unreverted) left += u.record.empty() ? 0 : 1;
      if (left > 0) {
        *err = path + " lists " + std::to_string(left) + " fault(s) an earlier run (pid " +
               std::to_string(earlier.run_pid) + ") injected and never reverted; run `stressplan recover --journal " +
               path + "` first, or use another --report folder";
        return false;
      }
    }
  }
  // With secrets the file is the user's alone, also when an earlier run's file is reused.
  const mode_t mode = secrets_ != nullptr ? 0600 : 0644;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, mode);
  if (fd_ >= 0 && secrets_ != nullptr && ::fchmod(fd_, mode) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (fd_ < 0) {
    *err = "cannot write the chaos journal " + path + ": " + std::strerror(errno);
    return false;
  }
  path_ = path;
  // The file's directory entry must survive a crash too.
  const std::string dir = std::filesystem::path(path).parent_path().string();
  if (int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  nlohmann::json line = {{"op", "run"}, {"pid", static_cast<int64_t>(::getpid())},
                         {"start_time", ProcessStartTime(::getpid())}, {"plan", plan_file},
                         {"started_at", started_at}};
  Append(line.dump());
  return true;
}

bool Journal::Injecting(const std::string& step, const std::string& plugin, const std::string& plugin_file,
                        const std::string& record, uint64_t* id_out) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t id = next_id_++;
  *id_out = id;
  nlohmann::json line = {{"op", "inject"}, {"id", id}, {"step", step}, {"plugin", plugin}, {"plugin_file", plugin_file}};
  nlohmann::json parsed = nullptr;
  if (!record.empty()) {
    parsed = nlohmann::json::parse(record, nullptr, /*allow_exceptions=*/false);
    // A record that is not JSON is kept as text: recover hands the plugin what it wrote.
    if (parsed.is_discarded()) parsed = record;
  }
  line["record"] = parsed;
  if (fd_ < 0) return false;
  // Written and synced before the fault exists: that is the point of the journal. dump()
  // replaces invalid UTF-8 rather than throw on the chaos thread.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (secrets_ != nullptr) text = secrets_->Placeholders(text);
  return WriteAll(fd_, text + "\n") && ::fsync(fd_) == 0;
}

void Journal::Reverted(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ < 0) return;
  WriteAll(fd_, nlohmann::json({{"op", "reverted"}, {"id", id}}).dump() + "\n");
  ::fsync(fd_);
}

void Journal::Append(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ < 0) return;
  WriteAll(fd_, (secrets_ != nullptr ? secrets_->Placeholders(line) : line) + "\n");
  ::fsync(fd_);
}

bool ReadJournal(const std::string& path, JournalState* out, size_t* torn, std::string* err) {
  std::ifstream in(path);
  if (!in) {
    *err = "cannot read the chaos journal " + path + ": " + std::strerror(errno);
    return false;
  }
  *torn = 0;
  bool have_run = false;
  std::map<uint64_t, Unreverted> open;
  std::vector<uint64_t> order;
  for (std::string text; std::getline(in, text);) {
    if (text.empty()) continue;
    nlohmann::json line = nlohmann::json::parse(text, nullptr, false);
    if (line.is_discarded() || !line.is_object() || !line.contains("op") || !line["op"].is_string()) {
      ++*torn;
      continue;
    }
    const std::string op = line["op"];
    if (op == "run") {
      have_run = true;
      if (line.contains("pid") && line["pid"].is_number_integer()) out->run_pid = line["pid"].get<int64_t>();
      if (line.contains("plan") && line["plan"].is_string()) out->plan = line["plan"];
      if (line.contains("started_at") && line["started_at"].is_string()) out->started_at = line["started_at"];
      if (line.contains("start_time") && line["start_time"].is_string()) out->run_start_time = line["start_time"];
    } else if (op == "inject" && line.contains("id") && line["id"].is_number_unsigned()) {
      Unreverted u;
      u.id = line["id"].get<uint64_t>();
      auto text = [&](const char* key) {
        return line.contains(key) && line[key].is_string() ? line[key].get<std::string>() : std::string();
      };
      u.step = text("step");
      u.plugin = text("plugin");
      u.plugin_file = text("plugin_file");
      const nlohmann::json r = line.contains("record") ? line["record"] : nlohmann::json(nullptr);
      u.record = r.is_null() ? "" : (r.is_string() ? r.get<std::string>() : r.dump());
      open[u.id] = u;
      order.push_back(u.id);
      ++out->injected;
    } else if ((op == "reverted" || op == "recovered") && line.contains("id") && line["id"].is_number_unsigned()) {
      open.erase(line["id"].get<uint64_t>());
    }
  }
  if (!have_run) {
    *err = path + " is not a stressplan chaos journal (no run line)";
    return false;
  }
  for (uint64_t id : order) {
    if (auto it = open.find(id); it != open.end()) out->unreverted.push_back(it->second);
  }
  return true;
}

bool MarkRecovered(const std::string& path, uint64_t id, std::string* err) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    *err = "cannot update " + path + ": " + std::strerror(errno);
    return false;
  }
  // A crash may have left a torn last line: start on a line of our own, or ours is torn too.
  std::string text;
  {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (in && in.tellg() > 0) {
      in.seekg(-1, std::ios::end);
      if (in.get() != '\n') text = "\n";
    }
  }
  nlohmann::json line = {{"op", "recovered"}, {"id", id}, {"by_pid", static_cast<int64_t>(::getpid())}};
  text += line.dump() + "\n";
  bool ok = WriteAll(fd, text) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) *err = "cannot update " + path + ": " + std::strerror(errno);
  return ok;
}

}  // namespace sp::chaos
