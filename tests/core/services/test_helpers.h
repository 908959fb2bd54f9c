// Helpers shared by the services and demo tests: temporary folders, free loopback ports,
// process checks and a small HTTP client.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/plan/plan.h"

namespace sp::services::test {

// A fresh folder under $TMPDIR, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A loopback port nothing listens on right now (bind to port 0, read it, close).
int FreePort();

// True when `pid` no longer exists or is a zombie (waiting for a parent to reap it).
bool ProcessGone(pid_t pid);

// Polls `done` every 10 ms until it is true or `timeout` passes; returns its last value.
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& text, bool executable = false);
// The pid a test script wrote to `path` (waits up to 5 s for the file); -1 when none.
pid_t ReadPidFile(const std::string& path);

sp::plan::Service MakeService(const std::string& name, std::vector<std::string> command);

struct HttpResult {
  int status = 0;
  std::string body;
  std::string allow;  // the Allow header, if any
};

// One request on a new connection to 127.0.0.1:port.
HttpResult Http(int port, const std::string& method, const std::string& path,
                const std::string& body = "");

// The path of the stressplan-demo binary built by this tree.
std::string DemoBinary();

}  // namespace sp::services::test
