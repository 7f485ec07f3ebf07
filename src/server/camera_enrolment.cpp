#include "server/camera_enrolment.h"

#include "security/bytes.h"
#include "security/ed25519.h"
#include "server/api_json.h"

namespace safelane::server {

Result<store::Camera> EnrolmentFromBody(const nlohmann::json& body) {
  auto key = security::PublicKeyFromHex(body["public_key"].get<std::string>());
  if (!key.ok()) {
    return Error(ErrorCode::kBadRequest, "body: field 'public_key': " + key.error().message);
  }
  store::Camera camera;
  camera.id = body["camera_id"].get<std::string>();
  camera.public_key = *key;
  return camera;
}

ApiResponse EnrolledAnswer(ServerContext& ctx, const ApiRequest& req, std::string_view action,
                           const std::string& subject, const store::Camera& camera) {
  auto audited = Audit(ctx, req, std::string(action), subject,
                       "public_key=" + security::ToHex(camera.public_key));
  if (!audited.ok()) return FromError(audited.error());
  ApiResponse out;
  out.status = 201;
  out.body = CameraJson(camera);
  return out;
}

}  // namespace safelane::server
