// Where a request goes, as cookies see it: its scheme (a Secure cookie goes over https only) and
// its host, canonical (lower-case, an IPv6 literal without brackets, IP literals recognised).
// The port is not part of it: cookies do not isolate ports (RFC 6265 §8.5), so a cookie set
// by 127.0.0.1:8080 is sent to 127.0.0.1:9090 too, as browsers do.
//
// Made once per base URL, not per request: the jar's hot path takes it by reference.
#pragma once

#include <string>
#include <string_view>

namespace sp::cookies {

class Origin {
 public:
  // `scheme` is "http" or "https" (any case); `host` a name ("Example.COM") or an IP literal
  // ("127.0.0.1", "::1" or "[::1]"). False with *err naming what is wrong:
  // "cookies: the scheme \"ftp\" is not http or https",
  // "cookies: the host \"a b\" is empty or has a character other than letters, digits, '-', '.',
  // '_', ':' and '%'".
  static bool Make(std::string_view scheme, std::string_view host, Origin* out, std::string* err);

  bool secure() const { return secure_; }
  const std::string& host() const { return host_; }
  bool host_is_ip() const { return host_is_ip_; }

 private:
  bool secure_ = false;
  bool host_is_ip_ = false;
  std::string host_;
};

// "http://Host:8080/a/b?q" into its origin and its request target ("/a/b?q"; "/" when the URL
// has no path). A port, when present, must be digits; user info ('@') is refused. False with
// *err: "cookies: \"...\" is not an http:// or https:// URL" or Origin::Make's message.
bool ParseUrl(std::string_view url, Origin* origin, std::string* target, std::string* err);

}  // namespace sp::cookies
