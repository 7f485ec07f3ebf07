#pragma once
// libsodium must be initialised once before its random generator is used; it fails only
// when the operating system gives no randomness, which is reported, not asserted.

#include <optional>

#include "core/error.h"

namespace safelane::security {

// Thread-safe and idempotent. std::nullopt when libsodium is ready.
std::optional<Error> InitSodium();

}  // namespace safelane::security
