#include "security/sodium_init.h"

#include <sodium.h>

namespace safelane::security {

std::optional<Error> InitSodium() {
  // sodium_init is itself thread-safe; it returns 1 when it had already run.
  if (sodium_init() < 0) {
    return Error(ErrorCode::kIo, "libsodium could not initialise (no system randomness)");
  }
  return std::nullopt;
}

}  // namespace safelane::security
