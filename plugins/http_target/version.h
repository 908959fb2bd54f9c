// The plugin's version: the descriptor's `version` and the default User-Agent.
#pragma once

#define SP_HTTP_TARGET_VERSION "0.1.0"

namespace sp::http {

inline constexpr const char* kVersion = SP_HTTP_TARGET_VERSION;
inline constexpr const char* kUserAgent = "stressplan/" SP_HTTP_TARGET_VERSION;

}  // namespace sp::http
