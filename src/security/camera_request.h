#pragma once
// The camera request signature, shared by the camera (which signs: camera/https_event_sink.h)
// and the server (which verifies: server/camera_auth.h). It lives here, beside the other
// primitives, so a camera node does not link the whole server to sign a request.
//
//   X-SafeLane-Camera:    the camera id
//   X-SafeLane-Time:      milliseconds since the Unix epoch (UTC) when the request was made
//   X-SafeLane-Signature: 128 hex digits, Ed25519 over CameraSigningInput(...)

#include <string>
#include <string_view>

namespace safelane::security {

inline constexpr const char* kCameraIdHeader = "X-SafeLane-Camera";
inline constexpr const char* kCameraTimeHeader = "X-SafeLane-Time";
inline constexpr const char* kCameraSignatureHeader = "X-SafeLane-Signature";

// "SAFELANE-CAMERA-REQUEST-V1\n<method>\n<path>\n<camera id>\n<time ms>\n<sha256 hex of body>"
std::string CameraSigningInput(std::string_view method, std::string_view path,
                               std::string_view camera_id, std::string_view time_ms,
                               std::string_view body);

}  // namespace safelane::security
