#include "core/run/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

namespace sp::run {
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
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    *err = "cannot write the chaos journal " + path + ": " + std::strerror(errno);
    return false;
  }
  path_ = path;
  nlohmann::json line = {{"op", "run"}, {"pid", static_cast<int64_t>(::getpid())},
                         {"start_time", ProcessStartTime(::getpid())}, {"plan", plan_file},
                         {"started_at", started_at}};
  Append(line.dump());
  return true;
}

uint64_t Journal::Injecting(const std::string& step, const std::string& plugin, const std::string& plugin_file,
                            const std::string& record) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t id = next_id_++;
  nlohmann::json line = {{"op", "inject"}, {"id", id}, {"step", step}, {"plugin", plugin}, {"plugin_file", plugin_file}};
  nlohmann::json parsed = nullptr;
  if (!record.empty()) {
    parsed = nlohmann::json::parse(record, nullptr, /*allow_exceptions=*/false);
    // A record that is not JSON is kept as text: recover hands the plugin what it wrote.
    if (parsed.is_discarded()) parsed = record;
  }
  line["record"] = parsed;
  if (fd_ >= 0) {
    WriteAll(fd_, line.dump() + "\n");
    ::fsync(fd_);  // written before the fault exists: that is the point of the journal
  }
  return id;
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
  WriteAll(fd_, line + "\n");
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
  nlohmann::json line = {{"op", "recovered"}, {"id", id}, {"by_pid", static_cast<int64_t>(::getpid())}};
  bool ok = WriteAll(fd, line.dump() + "\n") && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) *err = "cannot update " + path + ": " + std::strerror(errno);
  return ok;
}

}  // namespace sp::run
