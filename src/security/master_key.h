#pragma once
// The master key: 32 random bytes in a file only its owner can read or write (mode
// 0600). It never sits in the data directory by default, so a copy of the data
// directory alone (a backup, a stolen disk) cannot decrypt evidence.
//
// Sub-keys are derived from it (libsodium crypto_kdf) for each purpose, so one file
// serves object-key wrapping and package signing without reusing a key across them.

#include <cstdint>
#include <filesystem>

#include "core/result.h"
#include "security/secret_key.h"

namespace safelane::security {

inline constexpr std::size_t kMasterKeyFileBytes = 32;

class MasterKey {
 public:
  // What a sub-key is for; each value is a distinct derivation id, never to be reused.
  enum class Purpose : std::uint64_t {
    kWrapObjectKeys = 1,      // encrypts each evidence object's own key
    kSignPackages = 2,        // seed of the Ed25519 key that signs exported packages
    kSignAudit = 3,           // seed of the Ed25519 key that signs audit log entries
    kPseudonymisePlates = 4,  // HMAC key of the plate pseudonyms in the auditors' view
    // seals TOTP secrets and setup-token records (totp.h); the id ("TOTP") predates this
    // list, and sealed secrets already stored depend on it.
    kSealAccountSecrets = 0x544F5450,
  };

  explicit MasterKey(SymmetricKey key) : key_(std::move(key)) {}

  SymmetricKey Derive(Purpose purpose) const;

 private:
  SymmetricKey key_;
};

// Refuses (kBadConfig, with the reason) a missing file, a file that is not a regular
// file, one whose mode is not exactly 0600, one owned by another user, or one that is
// not exactly 32 bytes.
Result<MasterKey> LoadMasterKey(const std::filesystem::path& path);

// Creates a new key file with mode 0600; refuses to overwrite an existing file.
Result<MasterKey> CreateMasterKeyFile(const std::filesystem::path& path);

}  // namespace safelane::security
