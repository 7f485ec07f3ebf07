#pragma once
// The audit log's chain and signatures, shared by every Store backend.
//
// Entry n's hash is SHA-256 over length-prefixed fields: the previous entry's hash (""
// for the first), n, at (ms), actor, action, subject, detail, source and reason. The
// audit key (Ed25519, derived from the master key) signs "safelane.audit.v1:" + hash,
// so rewriting an entry and every hash after it still fails without the key.
//
// The chain alone cannot show the newest entries cut off the end; the signed head file
// (audit_head.h) can, and an auditor who keeps the last id and hash they saw can too.

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "security/ed25519.h"
#include "security/master_key.h"
#include "store/audit_head.h"
#include "store/store_types.h"

namespace safelane::store {

security::SigningKey AuditSigningKey(const security::MasterKey& master);

std::string AuditHash(const std::string& previous_hash, const AuditEntry& entry);

// Checks the fields AppendAudit takes (kBadRequest naming the field).
Result<Done> ValidateAuditEntry(const AuditEntry& entry);

// Fills entry.hash and entry.signature for an entry that follows previous_hash.
void SealAuditEntry(const std::string& previous_hash, const security::SigningKey& key,
                    AuditEntry& entry);

// Fed the log in id order; the first entry out of place, altered or badly signed is an
// Error (kIo) naming it.
class AuditChainVerifier {
 public:
  explicit AuditChainVerifier(const security::PublicKey& key) : key_(key) {}

  Result<Done> Next(const AuditEntry& entry);
  std::int64_t entries() const { return last_id_; }

  // The signed head (audit_head.h): the log must reach its entry with its hash.
  void ExpectHead(AuditHead head) { head_ = std::move(head); }
  // No head file exists at `file`: a log with entries then fails Finish().
  void ExpectHeadMissing(std::string file) { missing_head_file_ = std::move(file); }
  // The head file could not be trusted: Finish() fails with this error.
  void ExpectHeadUnreadable(Error error) { head_error_ = std::move(error); }
  // After the last entry: the checks that need the whole log (the head).
  Result<Done> Finish() const;

 private:
  std::optional<AuditHead> head_;
  std::string missing_head_file_;
  std::optional<Error> head_error_;
  security::PublicKey key_;
  std::int64_t last_id_ = 0;
  std::string previous_hash_;
};

}  // namespace safelane::store
