#include "plugins/common/sp_error.h"

namespace sp::plugin_common {

void WriteError(sp_error* err, std::string_view message, std::string_view option,
                std::string_view path) {
  if (err == nullptr) return;
  CopyText(err->message, message);
  CopyText(err->option, option);
  CopyText(err->path, path);
}

void WriteError(sp_error* err, const OptionError& refused) {
  WriteError(err, refused.message, refused.option, refused.path);
}

void WriteInternalError(sp_error* err, const char* who, const char* what) noexcept {
  if (err == nullptr) return;
  std::snprintf(err->message, sizeof err->message, "%s: internal error: %s", who, what);
  err->option[0] = '\0';
  err->path[0] = '\0';
}

}  // namespace sp::plugin_common
