#pragma once
// Camera request signatures. A camera signs each request with its own Ed25519 key (the
// one enrolled by an administrator; the store holds only the public half):
//
//   X-SafeLane-Camera:    the camera id
//   X-SafeLane-Time:      milliseconds since the Unix epoch (UTC) when the request was made
//   X-SafeLane-Signature: 128 hex digits, Ed25519 over CameraSigningInput(...)
//
// The server refuses an unknown or revoked (retired) camera, a bad signature, or a time
// more than kCameraClockSkew away from its own clock. A replay inside that window can only
// repeat events, and ingest is idempotent by event id.

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.h"
#include "security/camera_request.h"
#include "store/clock.h"
#include "store/store.h"

namespace safelane::server {

inline constexpr std::chrono::minutes kCameraClockSkew{5};

using security::CameraSigningInput;

// The authenticated camera id; kBadRequest with the reason otherwise.
Result<std::string> AuthenticateCamera(store::Store& store, const store::Clock& clock,
                                       std::string_view method, std::string_view path,
                                       std::string_view camera_id, std::string_view time_ms,
                                       std::string_view signature_hex, std::string_view body);

}  // namespace safelane::server
