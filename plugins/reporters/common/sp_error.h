// Failures at a reporter's C edge: the exception a reporter throws to refuse an option
// (reporter_vtable.h turns it into SP_INVALID_ARGUMENT naming the option). Writing into the
// host's sp_error is plugins/common/sp_error.h, shared with every other plugin.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace sp::reporters {

// Thrown by a reporter's Create when the option named `option` cannot be used; what() says
// why and what to do.
class InvalidOption : public std::runtime_error {
 public:
  InvalidOption(std::string option, const std::string& message)
      : std::runtime_error(message), option_(std::move(option)) {}
  const char* option() const noexcept { return option_.c_str(); }

 private:
  std::string option_;
};

}  // namespace sp::reporters
