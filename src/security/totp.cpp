#include "security/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <array>
#include <cmath>

#include "security/aead.h"
#include "security/sodium_init.h"

namespace safelane::security {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
                       u == '-' || u == '.' || u == '_' || u == '~';
    if (plain) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4U]);
      out.push_back(kHex[u & 0xFU]);
    }
  }
  return out;
}

std::string AssociatedData(std::string_view username) {
  return "safelane totp secret v1 user " + std::string(username);
}

}  // namespace

Result<Bytes> GenerateTotpSecret() {
  if (auto e = InitSodium()) return *e;
  Bytes secret(kTotpSecretBytes);
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string Base32Encode(ByteSpan bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const std::uint8_t b : bytes) {
    buffer = (buffer << 8U) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32Alphabet[(buffer >> static_cast<unsigned>(bits - 5)) & 0x1FU]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << static_cast<unsigned>(5 - bits)) & 0x1FU]);
  return out;
}

Result<Bytes> Base32Decode(std::string_view text) {
  Bytes out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == ' ' || c == '=') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    const auto at = kBase32Alphabet.find(c);
    if (at == std::string_view::npos) {
      return Error(ErrorCode::kBadRequest,
                   "base32: unexpected character '" + std::string(1, c) + "' (only A-Z and 2-7)");
    }
    buffer = (buffer << 5U) | static_cast<std::uint32_t>(at);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>((buffer >> static_cast<unsigned>(bits - 8)) & 0xFFU));
      bits -= 8;
    }
  }
  return out;
}

std::string TotpUri(std::string_view issuer, std::string_view account, ByteSpan secret) {
  return "otpauth://totp/" + PercentEncode(issuer) + ":" + PercentEncode(account) +
         "?secret=" + Base32Encode(secret) + "&issuer=" + PercentEncode(issuer) +
         "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpStepSeconds);
}

std::uint32_t HotpValue(ByteSpan key, std::uint64_t counter, int digits) {
  std::array<std::uint8_t, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(counter & 0xFFU);
    counter >>= 8U;
  }
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), message.data(), message.size(),
       mac.data(), &mac_size);
  // RFC 4226 section 5.3: dynamic truncation.
  const unsigned offset = mac[19] & 0x0FU;
  const std::uint32_t binary = ((mac[offset] & 0x7FU) << 24U) | (mac[offset + 1] << 16U) |
                               (mac[offset + 2] << 8U) | mac[offset + 3];
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  return binary % modulus;
}

std::int64_t TotpStep(std::int64_t unix_seconds) {
  // Floor division, so times before 1970 (never expected) still map consistently.
  std::int64_t step = unix_seconds / kTotpStepSeconds;
  if (unix_seconds < 0 && unix_seconds % kTotpStepSeconds != 0) --step;
  return step;
}

std::string TotpCode(ByteSpan key, std::int64_t unix_seconds, int digits) {
  const auto value = HotpValue(key, static_cast<std::uint64_t>(TotpStep(unix_seconds)), digits);
  std::string code = std::to_string(value);
  code.insert(0, static_cast<std::size_t>(digits) - code.size(), '0');
  return code;
}

std::optional<std::int64_t> MatchTotp(ByteSpan key, std::string_view code,
                                      std::int64_t unix_seconds) {
  if (code.size() != static_cast<std::size_t>(kTotpDigits)) return std::nullopt;
  for (const char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const std::int64_t now = TotpStep(unix_seconds);
  std::optional<std::int64_t> matched;
  // All three steps are always computed, so timing does not tell which one matched.
  for (std::int64_t step = now - 1; step <= now + 1; ++step) {
    const std::string expected = TotpCode(key, step * kTotpStepSeconds, kTotpDigits);
    if (sodium_memcmp(expected.data(), code.data(), code.size()) == 0 && !matched) matched = step;
  }
  return matched;
}

bool TotpReplayGuard::Accept(std::int64_t user_id, std::int64_t step) {
  const std::lock_guard lock(mutex_);
  auto [it, inserted] = last_step_.try_emplace(user_id, step);
  if (inserted) return true;
  if (step <= it->second) return false;
  it->second = step;
  return true;
}

Bytes SealTotpSecret(const MasterKey& master, ByteSpan secret, std::string_view username) {
  return Seal(master.Derive(kSealAccountSecretsPurpose), secret, AsBytes(AssociatedData(username)));
}

Result<Bytes> UnsealTotpSecret(const MasterKey& master, ByteSpan sealed,
                               std::string_view username) {
  auto opened =
      Unseal(master.Derive(kSealAccountSecretsPurpose), sealed, AsBytes(AssociatedData(username)));
  if (!opened) {
    return Error(ErrorCode::kBadConfig,
                 "the TOTP secret of user '" + std::string(username) +
                     "' does not open with this master key (wrong key or altered record)");
  }
  return opened;
}

}  // namespace safelane::security
