#include "server/camera_auth.h"

#include <charconv>
#include <cstdint>

#include "security/ed25519.h"

namespace safelane::server {

Result<std::string> AuthenticateCamera(store::Store& store, const store::Clock& clock,
                                       std::string_view method, std::string_view path,
                                       std::string_view camera_id, std::string_view time_ms,
                                       std::string_view signature_hex, std::string_view body) {
  const auto bad = [](std::string m) { return Error(ErrorCode::kBadRequest, std::move(m)); };
  if (camera_id.empty() || time_ms.empty() || signature_hex.empty()) {
    return bad("camera request headers missing");
  }
  std::int64_t ms = 0;
  const auto [end, ec] = std::from_chars(time_ms.data(), time_ms.data() + time_ms.size(), ms);
  if (ec != std::errc() || end != time_ms.data() + time_ms.size()) {
    return bad("X-SafeLane-Time is not an integer");
  }
  const auto skew = clock.Now() - store::FromMillis(ms);
  if (skew > kCameraClockSkew || skew < -kCameraClockSkew) return bad("request time out of window");
  auto signature = security::SignatureFromHex(signature_hex);
  if (!signature.ok()) return bad("malformed signature");
  auto camera = store.GetCamera(std::string(camera_id));
  if (!camera.ok()) return camera.error();
  if (!camera->has_value()) return bad("unknown camera");
  if ((*camera)->status != store::CameraStatus::kActive) return bad("camera revoked");
  const std::string input = CameraSigningInput(method, path, camera_id, time_ms, body);
  if (!security::VerifySignature((*camera)->public_key, security::AsBytes(input), *signature)) {
    return bad("bad signature");
  }
  return std::string(camera_id);
}

}  // namespace safelane::server
