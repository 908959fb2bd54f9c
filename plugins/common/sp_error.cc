#include "plugins/common/sp_error.h"

namespace sp::plugin_common {

void write_error(sp_error* err, std::string_view message, std::string_view option,
                 std::string_view path) {
  if (err == nullptr) return;
  copy_text(err->message, message);
  copy_text(err->option, option);
  copy_text(err->path, path);
}

void write_error(sp_error* err, const OptionError& refused) {
  write_error(err, refused.message, refused.option, refused.path);
}

void write_internal_error(sp_error* err, const char* who, const char* what) noexcept {
  if (err == nullptr) return;
  std::snprintf(err->message, sizeof err->message, "%s: internal error: %s", who, what);
  err->option[0] = '\0';
  err->path[0] = '\0';
}

}  // namespace sp::plugin_common
