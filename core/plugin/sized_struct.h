// Reading a struct a plugin filled whose first member is its `uint32_t struct_size`: plugin.h's
// VERSIONING rule in one place. Fields are only appended within a major, so a plugin's struct
// is read as a prefix of the host's: a newer (larger) one has fields the host ignores, an older
// (smaller) one lacks fields the host must read as zero, and one smaller than the 1.0 layout is
// not a struct of this ABI at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace sp::plugin {

// The struct_size a plugin wrote at the start of `raw`.
inline uint32_t DeclaredSize(const void* raw) {
  uint32_t size;
  std::memcpy(&size, raw, sizeof size);
  return size;
}

// `raw` as the host may read it, or nullptr when its declared size is below `min_size` (the
// 1.0 layout). A struct at least as large as the host's is read in place (no copy: this runs
// per request for sp_result); a smaller one is copied, by the size it declared, into *scratch,
// zeroed first.
template <typename T>
const T* ReadSized(const T* raw, size_t min_size, T* scratch) {
  static_assert(std::is_trivially_copyable_v<T>);
  const uint32_t size = DeclaredSize(raw);
  if (size >= sizeof(T)) return raw;
  if (size < min_size) return nullptr;
  *scratch = T{};
  std::memcpy(static_cast<void*>(scratch), raw, size);
  return scratch;
}

}  // namespace sp::plugin
