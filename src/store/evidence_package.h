#pragma once
// Evidence packages: everything a court or an auditor needs about one violation, in one
// ZIP file (stored_zip.h) that can be checked offline with nothing but SafeLane:
//
//   package.json     the index: every other file's name, size and SHA-256, who exported
//                    it and when, and the public key of the store that signed it
//   package.sig      the store's Ed25519 signature over package.json (lower-case hex)
//   manifest.json    the event manifest exactly as the camera signed it
//   manifest.sig     the camera's Ed25519 signature over manifest.json (lower-case hex)
//   camera.json      the camera: id, name, position, city and its public key
//   violation.json   the case: rule, status, review history, notices
//   custody.json     chain of custody: every audit entry about this violation (who
//                    viewed, reviewed, exported), this export included
//   evidence/<sha256>  each evidence object, decrypted, named by its hash
//
// Verification checks the archive's exact layout, the store signature, every listed
// hash, the camera signature and that the evidence matches the manifest; a package with
// any byte changed fails. The keys inside the package prove integrity; pass the store's
// published key (`trusted_store_key`) to prove origin as well.

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "security/bytes.h"
#include "security/ed25519.h"
#include "security/master_key.h"
#include "store/evidence_vault.h"
#include "store/store.h"

namespace safelane::store {

// The key pair that signs packages, derived from the master key.
security::SigningKey PackageSigningKey(const security::MasterKey& master);

// Records the export in the audit log (action "evidence.export" by `by.actor`, from
// `by.source`, for `by.reason`), then builds the package. kBadRequest for an unknown
// violation; kIo if stored evidence is missing or fails its checks.
Result<security::Bytes> ExportEvidencePackage(Store& store, const EvidenceVault& vault,
                                              const security::MasterKey& master,
                                              std::int64_t violation_id, const AuditContext& by,
                                              TimePoint now);

struct PackageVerification {
  std::int64_t violation_id = 0;
  std::string event_id;
  std::string plate;
  std::string camera_id;
  std::string camera_key_hex;  // the camera key that signed the manifest
  std::string store_key_hex;   // the store key that signed the package
  std::string exported_by;
  std::size_t evidence_objects = 0;
  std::size_t custody_entries = 0;
};

// kBadRequest naming the first check that failed.
Result<PackageVerification> VerifyEvidencePackage(
    security::ByteSpan archive, const std::optional<security::PublicKey>& trusted_store_key);

}  // namespace safelane::store
