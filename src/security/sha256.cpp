#include "security/sha256.h"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace safelane::security {

std::string Sha256Hex(ByteSpan bytes) {
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), bytes.data(), bytes.size());
  return ToHex(digest);
}

bool IsSha256Hex(std::string_view text) {
  return text.size() == std::size_t{2} * crypto_hash_sha256_BYTES &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace safelane::security
