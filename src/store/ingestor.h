#pragma once
// Ingestor: the only way read events enter the store from outside. For each event of a
// batch it checks, in this order, and refuses with a reason on the first failure:
//   1. the signature is 128 hex digits;
//   2. the manifest is well-formed and canonical (event_manifest.h);
//   3. the camera is registered and active;
//   4. the signature verifies with that camera's Ed25519 key;
//   5. exactly the evidence objects the manifest lists arrived, each with the listed size
//      and SHA-256.
// Accepted events' evidence goes into the vault and is synced to disk, then every
// accepted event is written in one Store transaction. If that transaction fails, the objects this
// batch created are removed again (unless something else refers to them): nothing is half-written.
// Refusals are logged (spdlog, warn) as well as returned.

#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "security/bytes.h"
#include "store/clock.h"
#include "store/evidence_vault.h"
#include "store/store.h"

namespace safelane::store {

inline constexpr std::size_t kMaxIngestBatch = 10'000;  // events per Ingest call

// One event as a camera sends it.
struct IncomingEvent {
  std::string manifest;                   // canonical JSON, exactly the signed bytes
  std::string signature_hex;              // Ed25519 over `manifest`, 128 hex digits
  std::vector<security::Bytes> evidence;  // the objects, in the manifest's order
};

enum class IngestStatus { kAccepted, kDuplicate, kRefused };

struct IngestResult {
  IngestStatus status = IngestStatus::kRefused;
  std::string event_id;  // empty when the manifest could not be read
  std::string reason;    // why it was refused; empty otherwise
};

class Ingestor {
 public:
  Ingestor(Store& store, EvidenceVault& vault, const Clock& clock)
      : store_(store), vault_(vault), clock_(clock) {}

  // One result per event, in batch order. An Error means the batch as a whole failed
  // (the database or vault is unusable, or the batch is too large) and nothing of it
  // was kept.
  Result<std::vector<IngestResult>> Ingest(std::span<const IncomingEvent> batch);

 private:
  Store& store_;
  EvidenceVault& vault_;
  const Clock& clock_;
};

}  // namespace safelane::store
