#pragma once
// Ed25519 signatures (libsodium crypto_sign). Each camera holds its own signing key and
// the store holds the public half; the store signs exported packages with a key derived
// from its master key.

#include <array>
#include <cstdint>
#include <string_view>

#include "core/result.h"
#include "security/bytes.h"
#include "security/secret_key.h"

namespace safelane::security {

using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

// Parses 64 hex digits.
Result<PublicKey> PublicKeyFromHex(std::string_view hex);
// Parses 128 hex digits.
Result<Signature> SignatureFromHex(std::string_view hex);

class SigningKey {
 public:
  // A fresh random key pair.
  static Result<SigningKey> Generate();
  // The key pair a 32-byte seed always gives (used for keys derived from the master key).
  static SigningKey FromSeed(const SecretBytes<32>& seed);

  const PublicKey& public_key() const { return public_key_; }
  Signature Sign(ByteSpan message) const;

 private:
  SigningKey() = default;

  PublicKey public_key_{};
  SecretBytes<64> secret_key_;
};

// False for a wrong key, a wrong message or a malformed signature.
bool VerifySignature(const PublicKey& key, ByteSpan message, const Signature& signature);

}  // namespace safelane::security
