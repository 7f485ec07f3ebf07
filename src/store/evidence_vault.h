#pragma once
// EvidenceVault: evidence objects (images, crops, clips) on any POSIX file system,
// content-addressed by the SHA-256 of their plaintext and encrypted at rest.
//
// Each object gets its own random key (XChaCha20-Poly1305); that key is stored beside
// the ciphertext, wrapped (encrypted) with a key derived from the master key. Both
// layers authenticate the object's address as associated data, so a file copied under
// another name, or altered by one bit, fails to open. Get() re-hashes the plaintext too.
//
// Layout: <root>/<aa>/<bb>/<sha256>, written to a temporary file and renamed, so readers
// see the whole object or none. Put() is not durable by itself: call Sync() (one
// syncfs(2) for the vault's file system, Linux) before anything durable refers to the
// objects — Ingestor does, before its database transaction. Objects are immutable:
// putting bytes that are already stored (as a complete file) changes nothing.
//
// Thread-safe for concurrent Put/Get of different objects; Remove of an object while
// another thread puts the same bytes is the caller's to avoid (Ingestor and the
// retention job run on one thread).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "core/result.h"
#include "security/bytes.h"
#include "security/master_key.h"
#include "store/store_types.h"

namespace safelane::store {

inline constexpr std::uint64_t kMaxEvidenceObjectBytes = 64ULL << 20;  // 64 MiB

// A file found by EvidenceVault::Walk.
struct VaultFile {
  std::string sha256;  // the object's address; empty for a temporary file a crash left
  std::filesystem::path path;
  TimePoint modified;  // the file's modification time
};

struct PutResult {
  std::string sha256;
  bool created = false;  // false: the object was already in the vault
};

class EvidenceVault {
 public:
  // Creates the root (mode 0700) if missing.
  static Result<EvidenceVault> Open(const std::filesystem::path& root,
                                    const security::MasterKey& master);

  Result<PutResult> Put(security::ByteSpan plaintext);
  // Makes every object put so far durable.
  Result<Done> Sync() const;
  // kBadRequest if absent; kIo if the object fails to decrypt or its hash is wrong.
  Result<security::Bytes> Get(const std::string& sha256) const;
  // true if it was there.
  Result<bool> Remove(const std::string& sha256);
  bool Contains(const std::string& sha256) const;
  // Calls `visit` for every object file and every leftover temporary file under the root,
  // in no particular order, without holding them all in memory; stops at the first error
  // (its own or `visit`'s). Files of any other name are skipped.
  Result<Done> Walk(const std::function<Result<Done>(const VaultFile&)>& visit) const;

  std::filesystem::path PathOf(const std::string& sha256) const;
  const std::filesystem::path& root() const { return root_; }

 private:
  EvidenceVault(std::filesystem::path root, security::SymmetricKey wrap_key)
      : root_(std::move(root)), wrap_key_(std::move(wrap_key)) {}

  std::filesystem::path root_;
  security::SymmetricKey wrap_key_;
};

}  // namespace safelane::store
