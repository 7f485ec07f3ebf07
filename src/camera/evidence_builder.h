#pragma once
// Evidence for one VehiclePass, as the files that go with its event:
//   overview  the best full-resolution frame, JPEG, exactly as decoded
//   plate     the plate, with a margin, enlarged to at least 400 px wide (JPEG)
//   vehicle   the vehicle crop (from the frame where the vehicle detector saw it best;
//             without a vehicle detection, a region around the plate)
//   overlay   a COPY of the overview with camera id, UTC time, GPS, event id and the plate
//             box drawn on it; the original frame is never drawn on
// (a video clip, when asked for, is cut by the camera node from the stream's packet ring).
// Each object's SHA-256 and size go into the signed event (read_event_signer.h).

#include <cstdint>
#include <string>
#include <vector>

#include "camera/camera_pipeline.h"
#include "core/result.h"
#include "security/bytes.h"

namespace safelane::camera {

struct EvidenceObject {
  std::string role;  // overview, plate, vehicle, overlay, clip
  security::Bytes bytes;
};

struct OverlayText {
  std::string camera_id;
  double latitude = 0;
  double longitude = 0;
  std::string event_id;
};

// kBadImage if the pass has no frame or a JPEG cannot be encoded.
Result<std::vector<EvidenceObject>> BuildEvidence(const VehiclePass& pass,
                                                  const OverlayText& overlay, int jpeg_quality);

// "2026-11-22T21:30:00.123Z"
std::string Iso8601Utc(WallTime t);

}  // namespace safelane::camera
