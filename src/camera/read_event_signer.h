#pragma once
// One VehiclePass + its evidence -> a signed event exactly as the store's Ingestor takes it
// (store/ingestor.h): the canonical manifest (store/event_manifest.h) listing each evidence
// object's role, SHA-256 and size, the camera's Ed25519 signature over those bytes, and the
// objects in the manifest's order.
//
// Event ids are "<camera id>-<capture time ms>-t<track id>": fixed when the pass is decided
// and kept through the spool, so a resend is recognised by the store as the same event.

#include <span>
#include <string>

#include "camera/camera_pipeline.h"
#include "camera/evidence_builder.h"
#include "core/result.h"
#include "security/ed25519.h"
#include "store/ingestor.h"
#include "store/store_types.h"

namespace safelane::camera {

std::string EventIdFor(const std::string& camera_id, const VehiclePass& pass);

// The unsigned event (no evidence yet). heading_deg turns image directions into compass
// degrees for the track's direction.
store::ReadEvent ReadEventFor(const std::string& camera_id, double heading_deg,
                              const VehiclePass& pass);

// Fills the evidence list, builds the manifest and signs it. kBadRequest if the result is
// not a valid event (validation.h), which would be refused by the store anyway.
Result<store::IncomingEvent> SignReadEvent(store::ReadEvent event,
                                           std::span<const EvidenceObject> evidence,
                                           const security::SigningKey& key);

// Image direction -> compass degrees ("0".."359") or approaching / receding, "" if unknown.
std::string CompassDirection(const std::string& image_direction, double heading_deg);

}  // namespace safelane::camera
