#include "camera/read_event_signer.h"

#include <chrono>
#include <cmath>

#include "security/sha256.h"
#include "store/event_manifest.h"
#include "store/validation.h"

namespace safelane::camera {
namespace {

store::TimePoint ToStoreTime(WallTime t) {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(t);
}

}  // namespace

std::string EventIdFor(const std::string& camera_id, const VehiclePass& pass) {
  return camera_id + "-" + std::to_string(store::ToMillis(ToStoreTime(pass.captured_at))) + "-t" +
         std::to_string(pass.track_id);
}

std::string CompassDirection(const std::string& image_direction, double heading_deg) {
  // The camera looks along heading_deg: image right is heading + 90, image left heading - 90;
  // a vehicle coming down the image comes towards the camera.
  double offset = 0;
  if (image_direction == "left_to_right") {
    offset = 90;
  } else if (image_direction == "right_to_left") {
    offset = 270;
  } else if (image_direction == "towards") {
    return "approaching";
  } else if (image_direction == "away") {
    return "receding";
  } else {
    return "";
  }
  const long deg = std::lround(std::fmod(heading_deg + offset, 360.0)) % 360;
  return std::to_string(deg);
}

store::ReadEvent ReadEventFor(const std::string& camera_id, double heading_deg,
                              const VehiclePass& pass) {
  (void)heading_deg;  // used once the manifest carries the track (store Track)
  store::ReadEvent e;
  e.event_id = EventIdFor(camera_id, pass);
  e.camera_id = camera_id;
  e.captured_at = ToStoreTime(pass.captured_at);
  e.plate = pass.vote.text;
  e.confidence = std::clamp(pass.vote.confidence, 0.0, 1.0);
  e.country = pass.vote.country;
  e.vehicle_class = pass.vehicle_class;
  e.colour = pass.colour;
  e.lane = pass.lane;
  return e;
}

Result<store::IncomingEvent> SignReadEvent(store::ReadEvent event,
                                           std::span<const EvidenceObject> evidence,
                                           const security::SigningKey& key) {
  store::IncomingEvent out;
  event.evidence.clear();
  for (const auto& object : evidence) {
    event.evidence.push_back({object.role, security::Sha256Hex(object.bytes), object.bytes.size()});
    out.evidence.push_back(object.bytes);
  }
  if (auto valid = store::ValidateReadEvent(event); !valid) return valid.error();
  out.manifest = store::ManifestJson(event);
  out.signature_hex = security::ToHex(key.Sign(security::AsBytes(out.manifest)));
  return out;
}

}  // namespace safelane::camera
