#include "core/report/report_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sp::report {
namespace {

std::string Reason(int err_no) { return std::strerror(err_no); }

// One small write in one call: a regular file takes it whole or fails with errno.
bool WriteText(int fd, const std::string& text) {
  return ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

// What the lock file says about the run holding it: "pid N", or why it cannot tell.
std::string Holder(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string text = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.empty() ? "pid unknown" : "pid " + text;
}

}  // namespace

ReportFolder::~ReportFolder() { Release(); }

bool ReportFolder::Open(const std::string& dir, std::string* err) {
  dir_ = dir;
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *err = "--report " + dir + ": cannot create the folder: " + ec.message();
    return false;
  }
  return Probe(err) && Lock(err);
}

bool ReportFolder::Probe(std::string* err) const {
  const std::string probe = dir_ + "/.stressplan-probe-" + std::to_string(::getpid());
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    *err = "--report " + dir_ + ": the folder cannot be written (creating " + probe + ": " + Reason(errno) +
           "); give a folder this run can write";
    return false;
  }
  // A byte written and synced: a full disk fails here rather than after the load.
  bool ok = WriteText(fd, "probe\n") && ::fsync(fd) == 0;
  const int write_errno = errno;
  ::close(fd);
  ::unlink(probe.c_str());
  if (!ok) {
    *err = "--report " + dir_ + ": the folder cannot be written (writing " + probe + ": " + Reason(write_errno) +
           "); give a folder this run can write";
  }
  return ok;
}

bool ReportFolder::Lock(std::string* err) {
  const std::string path = dir_ + "/" + kLockName;
  // The lock file is removed at release; a run that opened it just before then holds a file
  // no longer at `path`, so it checks after locking that it locked the file still there.
  for (int attempt = 0; attempt < 10; ++attempt) {
    // O_CLOEXEC: the plan's services must not inherit the lock and keep it after we exit.
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      *err = "--report " + dir_ + ": cannot create the lock file " + path + ": " + Reason(errno);
      return false;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int lock_errno = errno;
      const std::string holder = Holder(fd);
      ::close(fd);
      if (lock_errno == EWOULDBLOCK) {
        *err = "--report " + dir_ + " is in use by another stressplan run (" + holder + ", lock " + path +
               "); wait for it to finish or give this run another --report folder";
      } else {
        *err = "--report " + dir_ + ": cannot lock " + path + ": " + Reason(lock_errno);
      }
      return false;
    }
    struct stat held {}, named {};
    if (::fstat(fd, &held) != 0 || ::stat(path.c_str(), &named) != 0 || held.st_ino != named.st_ino ||
        held.st_dev != named.st_dev) {
      ::close(fd);  // the file was removed by the run that released it: lock the new one
      continue;
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || !WriteText(fd, pid)) {
      *err = "--report " + dir_ + ": cannot write the lock file " + path + ": " + Reason(errno);
      ::close(fd);
      return false;
    }
    lock_fd_ = fd;
    return true;
  }
  *err = "--report " + dir_ + ": cannot lock " + path + ": it keeps being replaced by other runs";
  return false;
}

void ReportFolder::Release() {
  if (lock_fd_ < 0) return;
  ::unlink((dir_ + "/" + kLockName).c_str());
  ::close(lock_fd_);
  lock_fd_ = -1;
}

}  // namespace sp::report
