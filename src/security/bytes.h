#pragma once
// Byte buffers and their hex form, shared by the crypto primitives and the store.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace safelane::security {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

inline ByteSpan AsBytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Lower-case hex, two characters a byte.
std::string ToHex(ByteSpan bytes);

// Strict: an even number of hex digits, nothing else (no spaces, no 0x).
Result<Bytes> FromHex(std::string_view hex);

}  // namespace safelane::security
