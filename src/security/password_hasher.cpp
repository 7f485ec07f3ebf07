#include "security/password_hasher.h"

#include <sodium.h>

#include <array>

#include "security/sodium_init.h"

namespace safelane::security {

PasswordHashCost PasswordHashCost::Production() {
  return {3, std::size_t{64} << 20U};
}

PasswordHashCost PasswordHashCost::Interactive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

PasswordHashCost PasswordHashCost::Minimum() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

Result<std::string> PasswordHasher::Hash(std::string_view password) const {
  if (auto e = InitSodium()) return *e;
  std::array<char, crypto_pwhash_argon2id_STRBYTES> out{};
  if (crypto_pwhash_argon2id_str(out.data(), password.data(), password.size(), cost_.ops,
                                 cost_.memory) != 0) {
    return Error(ErrorCode::kIo, "argon2id: out of memory while hashing a password");
  }
  return std::string(out.data());
}

bool PasswordHasher::Verify(const std::string& stored_hash, std::string_view password) {
  if (InitSodium()) return false;
  if (stored_hash.rfind("$argon2id$", 0) != 0) return false;
  return crypto_pwhash_argon2id_str_verify(stored_hash.c_str(), password.data(), password.size()) ==
         0;
}

bool PasswordHasher::NeedsRehash(const std::string& stored_hash) const {
  // 1 = different parameters, -1 = not an argon2id string at all: both mean rehash.
  return crypto_pwhash_argon2id_str_needs_rehash(stored_hash.c_str(), cost_.ops, cost_.memory) != 0;
}

}  // namespace safelane::security
