#include "security/aead.h"

#include <sodium.h>

static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == 24);
static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == 16);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES ==
              safelane::security::SymmetricKey::kSize);

namespace safelane::security {

namespace {
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
}  // namespace

Bytes Seal(const SymmetricKey& key, ByteSpan plaintext, ByteSpan associated) {
  Bytes sealed(kNonceBytes + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(sealed.data(), kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(sealed.data() + kNonceBytes, &written,
                                             plaintext.data(), plaintext.size(), associated.data(),
                                             associated.size(), nullptr, sealed.data(), key.data());
  sealed.resize(kNonceBytes + written);
  return sealed;
}

Result<Bytes> Unseal(const SymmetricKey& key, ByteSpan sealed, ByteSpan associated) {
  if (sealed.size() < kSealOverhead) {
    return Error(ErrorCode::kIo, "sealed data is shorter than its nonce and tag");
  }
  Bytes plain(sealed.size() - kSealOverhead);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plain.data(), &written, nullptr, sealed.data() + kNonceBytes, sealed.size() - kNonceBytes,
          associated.data(), associated.size(), sealed.data(), key.data()) != 0) {
    return Error(ErrorCode::kIo, "authentication failed: wrong key or altered data");
  }
  plain.resize(written);
  return plain;
}

}  // namespace safelane::security
