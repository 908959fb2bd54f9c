#include "core/plan/plan_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/plan/limits.h"

namespace sp::plan {
namespace {

// Closes the descriptor on every way out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// What a path that is not a regular file is, for the message.
const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

bool Refuse(Diagnostics* errors, const std::string& path, const std::string& message) {
  return AddError(errors, Location{path, 0, 0}, "", message);
}

}  // namespace

bool ReadPlanFile(const std::string& path, std::string* text, Diagnostics* errors) {
  text->clear();
  // Non-blocking, so that opening a FIFO returns at once instead of waiting for a writer.
  Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    const int open_errno = errno;
    struct stat st {};
    // A socket cannot be opened at all (ENXIO): say what it is rather than "No such device".
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      return Refuse(errors, path, std::string("the plan is ") + KindOf(st.st_mode) +
                                      ", not a file; give the path of a plan's .yaml file");
    }
    return Refuse(errors, path, std::string("cannot open the plan: ") + std::strerror(open_errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return Refuse(errors, path, std::string("cannot read the plan: ") + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return Refuse(errors, path, std::string("the plan is ") + KindOf(st.st_mode) +
                                    ", not a file; give the path of a plan's .yaml file");
  }
  const std::string limit = std::string("larger than ") + limits::kMaxPlanFileText +
                            ", the most a plan may be (docs/plan.md, \"Limits\")";
  if (st.st_size > limits::kMaxPlanFileBytes) {
    return Refuse(errors, path, "the plan is " + std::to_string(st.st_size) + " bytes, " + limit);
  }
  // The file may grow while it is read: never take more than the limit (plus one byte to
  // notice it).
  text->reserve(static_cast<size_t>(st.st_size));
  char buffer[64 * 1024];
  while (true) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      text->clear();
      return Refuse(errors, path, std::string("cannot read the plan: ") + std::strerror(errno));
    }
    if (n == 0) break;
    text->append(buffer, static_cast<size_t>(n));
    if (text->size() > static_cast<size_t>(limits::kMaxPlanFileBytes)) {
      text->clear();
      return Refuse(errors, path, "the plan grew while it was read and is now " + limit);
    }
  }
  return true;
}

}  // namespace sp::plan
