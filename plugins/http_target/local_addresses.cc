#include "plugins/http_target/local_addresses.h"

#include <cstring>

#include <nlohmann/json.hpp>

#include "lib/net/address.h"
#include "plugins/http_target/options.h"

namespace sp::http {
namespace {

constexpr const char* kOption = "local_addresses";

const char* FamilyName(int family) { return family == AF_INET6 ? "IPv6" : "IPv4"; }

// One entry of the list: an IP literal not listed before. *why says what is wrong with it.
bool ReadEntry(const nlohmann::json& entry, const LocalAddresses& seen, LocalAddress* out,
               int* family, std::string* why) {
  const std::string text = entry.is_string() ? entry.get<std::string>() : entry.dump();
  net::Address parsed;
  if (!entry.is_string() || !net::ParseNumericHost(text, 0, &parsed)) {
    *why = "local_addresses: \"" + text +
           "\" is not an IPv4 or IPv6 address (write IP literals such as 127.0.0.2 or ::1: no "
           "host names, ports or brackets)";
    return false;
  }
  *family = parsed.family();
  for (const LocalAddress& other : seen.Of(*family)) {
    if (other.len == parsed.length && memcmp(&other.storage, &parsed.storage, other.len) == 0) {
      *why = "local_addresses: \"" + text + "\" is listed twice" +
             (other.text == text ? "" : " (as \"" + other.text + "\")");
      return false;
    }
  }
  out->storage = parsed.storage;
  out->len = parsed.length;
  out->text = text;
  return true;
}

}  // namespace

bool LocalAddresses::Pick(int family, uint32_t vu, const LocalAddress** out) const {
  *out = nullptr;
  if (empty()) return true;
  const std::vector<LocalAddress>& list = Of(family);
  if (list.empty()) return false;
  *out = &list[vu % list.size()];
  return true;
}

bool ReadLocalAddresses(const sp_options* options, const std::string& connect_host,
                        LocalAddresses* out, OptionError* err) {
  const sp_option_value* v = OptionValue(options, kLocalAddresses);
  if (v == nullptr || v->s.ptr == nullptr) return true;
  const auto list = nlohmann::json::parse(std::string_view(v->s.ptr, v->s.len), nullptr, false);
  if (list.is_discarded() || !list.is_array() || list.empty()) {
    *err = {std::string("local_addresses must be a non-empty list of IP addresses to bind "
                        "connections to, e.g. [127.0.0.2, 127.0.0.3]") +
                (list.is_array() ? " (the list is empty)" : ""),
            kOption, ""};
    return false;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    LocalAddress entry;
    int family = 0;
    std::string why;
    if (!ReadEntry(list[i], *out, &entry, &family, &why)) {
      *err = {why, kOption, "/" + std::to_string(i)};
      return false;
    }
    out->Add(std::move(entry), family);
  }
  net::Address destination;
  if (net::ParseNumericHost(connect_host, 0, &destination) &&
      out->Of(destination.family()).empty()) {
    const char* family = FamilyName(destination.family());
    *err = {std::string("local_addresses has no ") + family + " address, but connections go to " +
                connect_host + " (" + family + "); list at least one " + family + " address",
            kOption, ""};
    return false;
  }
  return true;
}

}  // namespace sp::http
