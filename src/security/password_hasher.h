#pragma once
// PasswordHasher: argon2id (libsodium crypto_pwhash_str), the memory-hard hash that wins
// the Password Hashing Competition and that RFC 9106 and OWASP recommend. The stored
// string ("$argon2id$v=19$m=...,t=...,p=1$salt$hash") carries its own salt and cost, so
// raising the cost later only needs NeedsRehash() at the next successful sign-in.
//
// Cost (PasswordHashCost::Production): t = 3 passes over m = 64 MiB, p = 1: RFC 9106's
// second recommended option (for memory-constrained machines), well above OWASP's
// minimum (m = 19 MiB, t = 2). On the 2-core reference machine one hash takes about
// 0.1-0.2 s (measured: docs/security.md), which a guesser pays per guess per core, while
// a sign-in pays it once. Tests use libsodium's INTERACTIVE limits (t = 2, m = 64 MiB)
// or Minimum (for the few tests that hash many times under sanitizers).
//
// Thread-safe: no state beyond the cost.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace safelane::security {

struct PasswordHashCost {
  std::uint64_t ops = 0;   // passes over memory (argon2 t)
  std::size_t memory = 0;  // bytes (argon2 m)

  static PasswordHashCost Production();
  static PasswordHashCost Interactive();  // libsodium's INTERACTIVE: t = 2, 64 MiB
  static PasswordHashCost Minimum();      // the least libsodium allows; tests only
};

class PasswordHasher {
 public:
  explicit PasswordHasher(PasswordHashCost cost) : cost_(cost) {}

  // kIo when the machine cannot provide the memory; never a weaker hash.
  Result<std::string> Hash(std::string_view password) const;

  // Constant-time comparison inside libsodium; false for a malformed stored hash.
  static bool Verify(const std::string& stored_hash, std::string_view password);

  // True when the stored hash was made with a different cost or algorithm.
  bool NeedsRehash(const std::string& stored_hash) const;

  const PasswordHashCost& cost() const { return cost_; }

 private:
  PasswordHashCost cost_;
};

}  // namespace safelane::security
