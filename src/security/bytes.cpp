#include "security/bytes.h"

#include <sodium.h>

namespace safelane::security {

std::string ToHex(ByteSpan bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  hex.pop_back();  // the terminating NUL sodium writes
  return hex;
}

Result<Bytes> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return Error(ErrorCode::kBadRequest, "hex text has an odd number of digits");
  }
  Bytes bytes(hex.size() / 2);
  std::size_t written = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(bytes.data(), bytes.size(), hex.data(), hex.size(), nullptr, &written, &end) !=
          0 ||
      written != bytes.size() || end != hex.data() + hex.size()) {
    return Error(ErrorCode::kBadRequest, "not hex text: '" + std::string(hex.substr(0, 80)) + "'");
  }
  return bytes;
}

}  // namespace safelane::security
