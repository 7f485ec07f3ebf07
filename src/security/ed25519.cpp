#include "security/ed25519.h"

#include <sodium.h>

#include <algorithm>

#include "security/sodium_init.h"

static_assert(crypto_sign_PUBLICKEYBYTES == 32 && crypto_sign_SECRETKEYBYTES == 64);
static_assert(crypto_sign_BYTES == 64 && crypto_sign_SEEDBYTES == 32);

namespace safelane::security {
namespace {

template <std::size_t N>
Result<std::array<std::uint8_t, N>> FixedFromHex(std::string_view hex, const char* what) {
  auto bytes = FromHex(hex);
  if (!bytes || bytes->size() != N) {
    return Error(ErrorCode::kBadRequest,
                 std::string(what) + " must be " + std::to_string(2 * N) + " hex digits");
  }
  std::array<std::uint8_t, N> out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

}  // namespace

Result<PublicKey> PublicKeyFromHex(std::string_view hex) {
  return FixedFromHex<32>(hex, "an Ed25519 public key");
}

Result<Signature> SignatureFromHex(std::string_view hex) {
  return FixedFromHex<64>(hex, "an Ed25519 signature");
}

Result<SigningKey> SigningKey::Generate() {
  if (auto e = InitSodium()) return *e;
  SigningKey key;
  crypto_sign_keypair(key.public_key_.data(), key.secret_key_.data());
  return key;
}

SigningKey SigningKey::FromSeed(const SecretBytes<32>& seed) {
  SigningKey key;
  crypto_sign_seed_keypair(key.public_key_.data(), key.secret_key_.data(), seed.data());
  return key;
}

Signature SigningKey::Sign(ByteSpan message) const {
  Signature signature{};
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                       secret_key_.data());
  return signature;
}

bool VerifySignature(const PublicKey& key, ByteSpan message, const Signature& signature) {
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     key.data()) == 0;
}

}  // namespace safelane::security
