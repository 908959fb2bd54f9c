#include "common/sp_error.h"

#include <cstdio>

namespace sp::reporters {

void SetError(sp_error* err, const std::string& message, const char* option) {
  std::snprintf(err->message, sizeof err->message, "%s", message.c_str());
  std::snprintf(err->option, sizeof err->option, "%s", option);
}

}  // namespace sp::reporters
