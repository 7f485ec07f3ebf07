#pragma once
// TOTP (RFC 6238) over HOTP (RFC 4226) with HMAC-SHA1, 30-second steps and 6 digits:
// what every authenticator app (Google Authenticator, Aegis, FreeOTP, 1Password) reads
// from an otpauth:// URI without options. A code is accepted for the current step and
// one step either side (clock drift between phone and server), and a step once used is
// refused for that user (TotpReplayGuard in memory, and the step stored in the user's
// record, store::User::totp_last_step, so a restart does not reopen it), so a code seen
// over a shoulder or in a proxy log cannot be played again.
//
// The secret is 160 random bits (RFC 4226 section 4 recommends 160), shown to the user
// once in base32 and stored only sealed (SealTotpSecret: XChaCha20-Poly1305 under a key
// derived from the master key, bound to the username), so a copy of the database alone
// cannot mint codes.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "security/bytes.h"
#include "security/master_key.h"

namespace safelane::security {

inline constexpr std::size_t kTotpSecretBytes = 20;
inline constexpr std::int64_t kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;

// 20 bytes from libsodium's CSPRNG.
Result<Bytes> GenerateTotpSecret();

// RFC 4648 base32, upper case, without padding (what authenticator apps expect).
std::string Base32Encode(ByteSpan bytes);
// Accepts upper or lower case, ignores spaces and '=' padding; refuses anything else.
Result<Bytes> Base32Decode(std::string_view text);

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
std::string TotpUri(std::string_view issuer, std::string_view account, ByteSpan secret);

// RFC 4226 HOTP value for `counter`, truncated to `digits` (6..8) decimal digits.
std::uint32_t HotpValue(ByteSpan key, std::uint64_t counter, int digits);

// The time step that contains `unix_seconds`.
std::int64_t TotpStep(std::int64_t unix_seconds);

// The code for `unix_seconds`, zero-padded to `digits` characters.
std::string TotpCode(ByteSpan key, std::int64_t unix_seconds, int digits = kTotpDigits);

// The step whose code equals `code` among the current step and one either side, or
// std::nullopt. `code` must be exactly 6 ASCII digits. Comparison is constant-time.
std::optional<std::int64_t> MatchTotp(ByteSpan key, std::string_view code,
                                      std::int64_t unix_seconds);

// Remembers the last step each user signed in with and refuses it and any earlier step.
// In memory: a restart forgets it, which reopens at most the 90-second window of codes
// already used (documented in docs/security.md). Thread-safe.
class TotpReplayGuard {
 public:
  // True and remembered when `step` is newer than anything this user used before.
  bool Accept(std::int64_t user_id, std::int64_t step);

 private:
  std::mutex mutex_;
  std::map<std::int64_t, std::int64_t> last_step_;
};

// The master-key purpose for sealing account secrets (TOTP secrets, setup-token records).
inline constexpr auto kSealAccountSecretsPurpose = MasterKey::Purpose::kSealAccountSecrets;

// Seals a TOTP secret for one account (the username, which never changes, is the
// associated data, so a sealed secret copied onto another account does not open).
Bytes SealTotpSecret(const MasterKey& master, ByteSpan secret, std::string_view username);
Result<Bytes> UnsealTotpSecret(const MasterKey& master, ByteSpan sealed, std::string_view username);

}  // namespace safelane::security
