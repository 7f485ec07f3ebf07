#pragma once
// SHA-256 content addresses: evidence objects are named by the hash of their bytes.

#include <string>
#include <string_view>

#include "security/bytes.h"

namespace safelane::security {

// 64 lower-case hex digits.
std::string Sha256Hex(ByteSpan bytes);

// True for exactly 64 lower-case hex digits, the only form the store accepts.
bool IsSha256Hex(std::string_view text);

}  // namespace safelane::security
