// Harnesses whose input is two texts (a path and a document, a selector and an exposition)
// take the first line as the one and the rest as the other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

inline std::pair<std::string_view, std::string_view> SplitFirstLine(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return {input, std::string_view()};
  return {input.substr(0, newline), input.substr(newline + 1)};
}
