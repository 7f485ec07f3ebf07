#pragma once
// Authenticated encryption (XChaCha20-Poly1305, libsodium's IETF construction).
// The 192-bit nonce is random per message, so nonces never need to be tracked.
// Sealed layout: nonce (24 bytes) || ciphertext || tag (16 bytes).

#include "core/result.h"
#include "security/bytes.h"
#include "security/secret_key.h"

namespace safelane::security {

inline constexpr std::size_t kSealOverhead = 24 + 16;  // nonce + tag

// `associated` is authenticated, not encrypted: it binds the ciphertext to its context
// (e.g. the content address), so a sealed blob cannot be moved to another name.
// libsodium must be initialised (InitSodium) before the first call.
Bytes Seal(const SymmetricKey& key, ByteSpan plaintext, ByteSpan associated);

// Fails when the key, the associated data or any byte of `sealed` is wrong.
Result<Bytes> Unseal(const SymmetricKey& key, ByteSpan sealed, ByteSpan associated);

}  // namespace safelane::security
