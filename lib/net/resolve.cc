#include "lib/net/resolve.h"

#include <netdb.h>
#include <netinet/in.h>
#include <strings.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>
#include <system_error>
#include <thread>

namespace sp::net {
namespace {

// "invalid" or a name under it, with or without the final dot.
bool IsUnderInvalid(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.size() < 7 || strncasecmp(name.data() + name.size() - 7, "invalid", 7) != 0)
    return false;
  return name.size() == 7 || name[name.size() - 8] == '.';
}

// What one lookup on its own thread shares with the caller waiting for it.
struct Lookup {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  bool resolved = false;
  std::vector<Address> addresses;
  std::string error;
};

void RunLookup(const std::shared_ptr<Lookup>& lookup, const Resolver& resolver,
               const std::string& host, uint16_t port) {
  std::vector<Address> addresses;
  std::string error;
  bool resolved = false;
  try {
    resolved = resolver(host, port, &addresses, &error);
  } catch (const std::exception& e) {
    error = e.what();
  }
  std::lock_guard<std::mutex> lock(lookup->mutex);
  lookup->resolved = resolved;
  lookup->addresses = std::move(addresses);
  lookup->error = std::move(error);
  lookup->done = true;
  lookup->done_cv.notify_all();
}

}  // namespace

bool Resolve(const std::string& host, uint16_t port, std::vector<Address>* out, std::string* err) {
  Address numeric;
  if (ParseNumericHost(host, port, &numeric)) {
    out->assign(1, numeric);
    return true;
  }
  if (IsUnderInvalid(host)) {
    *err = gai_strerror(EAI_NONAME);
    return false;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* list = nullptr;
  const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &list);
  if (rc != 0) {
    *err = rc == EAI_SYSTEM ? std::string(std::strerror(errno)) : std::string(gai_strerror(rc));
    return false;
  }
  out->clear();
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    Address a;
    std::memcpy(&a.storage, ai->ai_addr, ai->ai_addrlen);
    a.length = ai->ai_addrlen;
    out->push_back(a);
  }
  freeaddrinfo(list);
  if (out->empty()) {
    *err = "no IPv4 or IPv6 address";
    return false;
  }
  return true;
}

ResolveStatus ResolveWithin(const std::string& host, uint16_t port,
                            std::chrono::nanoseconds timeout, std::vector<Address>* out,
                            std::string* err, const Resolver& resolver) {
  Address numeric;
  if (ParseNumericHost(host, port, &numeric)) {
    out->assign(1, numeric);
    return ResolveStatus::kResolved;
  }
  auto lookup = std::make_shared<Lookup>();
  try {
    std::thread(RunLookup, lookup, resolver, host, port).detach();
  } catch (const std::system_error& e) {
    *err = std::string("cannot start the DNS lookup: ") + e.what();
    return ResolveStatus::kFailed;
  }
  std::unique_lock<std::mutex> lock(lookup->mutex);
  if (!lookup->done_cv.wait_for(lock, timeout, [&] { return lookup->done; })) {
    *err = "no answer from the DNS resolver within the timeout";
    return ResolveStatus::kTimedOut;
  }
  if (!lookup->resolved) {
    *err = lookup->error;
    return ResolveStatus::kFailed;
  }
  *out = std::move(lookup->addresses);
  return ResolveStatus::kResolved;
}

}  // namespace sp::net
