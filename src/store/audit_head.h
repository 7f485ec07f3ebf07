#pragma once
// The audit log's signed head, kept in a file outside the database: the id and hash of
// the newest entry, signed with the audit key. The hash chain alone cannot show that the
// newest entries were cut off the end (what is left is still a valid chain); the head
// can: VerifyAuditChain fails when the log ends before the entry the head names, or when
// that entry's hash differs.
//
// - Every AppendAudit rewrites the file after its commit (write to a temporary file,
//   0600, then rename), so it is never ahead of the log; if two writers race, the file
//   keeps the later id, and a head that lags by an entry only weakens the check.
// - The file must not be missing once the log has entries (an attacker would delete it):
//   a log with entries and no head fails verification, naming how far the chain itself
//   verified. A log written before heads existed gets one when `safelane serve` starts
//   (EnsureAuditHead), through an entry that records the missing head in the chain.
// - An attacker who holds the database but not the master key cannot write a head that
//   names fewer entries. One who can also restore an older head file (a root compromise of
//   the data directory) can: copy the head off the machine (`safelane audit verify`
//   prints it) to catch that too.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/result.h"
#include "security/ed25519.h"
#include "store/store_types.h"

namespace safelane::store {

inline constexpr const char* kAuditHeadFile = "audit.head";

struct AuditHead {
  std::int64_t id = 0;
  std::string hash;
};

// Records `entry` as the newest head unless the file already names a later entry. A head
// file that is malformed or not signed by `key` is left alone: kIo.
Result<Done> WriteAuditHead(const std::filesystem::path& file, const security::SigningKey& key,
                            const AuditEntry& entry);

// The head in the file; nullopt when the file does not exist. kIo when it cannot be read,
// is malformed, or is not signed by `key`.
Result<std::optional<AuditHead>> ReadAuditHead(const std::filesystem::path& file,
                                               const security::PublicKey& key);

class AuditChainVerifier;
class Store;

// For `safelane serve` at start: when the log has entries but `file` does not exist (a
// data directory from before heads existed, or a deleted head), appends an entry
// "audit.head_created" by "system:serve" that says so, which writes the head. The gap is
// recorded in the signed chain, never repaired silently: an auditor sees it, and entries
// cut off the end before it stay undetectable. True when it appended; false for an empty
// log or an existing head file (even a bad one, which verification reports).
Result<bool> EnsureAuditHead(Store& store, const std::filesystem::path& file, TimePoint now);

// Reads the head file into the verifier, which then checks the log against it
// (AuditChainVerifier::Finish, which also reports a head file that is unreadable,
// malformed or forged).
Result<Done> ExpectAuditHead(const std::filesystem::path& file, const security::PublicKey& key,
                             AuditChainVerifier& verifier);

}  // namespace safelane::store
