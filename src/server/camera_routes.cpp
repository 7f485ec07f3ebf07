// Cameras: the map (every camera with its position and status, for roles that hold
// kCameraView), enrolment and revocation (administrators). A camera is enrolled once; a
// revoked camera stays revoked (its id cannot be enrolled again), so its key can never
// come back.

#include <array>

#include "security/ed25519.h"
#include "server/api_json.h"
#include "server/camera_enrolment.h"
#include "server/request_schema.h"
#include "server/route_handlers.h"
#include "server/server_context.h"

namespace safelane::server {
namespace {

using nlohmann::json;
using FT = FieldType;

// Without a point: every camera, active and revoked, by id (the map), paged with `after`.
// With latitude, longitude and radius_m (all three): the cameras near the point.
constexpr std::array kMapFields = {
    FieldRule{"latitude", FT::kNumber},         FieldRule{"longitude", FT::kNumber},
    FieldRule{"radius_m", FT::kNumber},         FieldRule{"limit", FT::kInteger},
    FieldRule{"after", FT::kString, false, 64},
};

constexpr std::array kEnrolFields = {
    FieldRule{"camera_id", FT::kString, true, 64},  FieldRule{"name", FT::kString, true, 200},
    FieldRule{"latitude", FT::kNumber, true},       FieldRule{"longitude", FT::kNumber, true},
    FieldRule{"heading_deg", FT::kNumber, true},    FieldRule{"city", FT::kString, true, 100},
    FieldRule{"public_key", FT::kString, true, 64},
};

}  // namespace

ApiResponse ListCameras(ServerContext& ctx, const ApiRequest& req) {
  auto q = ParseQuery(req.query, kMapFields);
  if (!q.ok()) return FromError(q.error());
  const int limit = static_cast<int>(
      std::clamp<std::int64_t>(q->value("limit", std::int64_t{1000}), -1, 1'000'000));
  const int point_fields = static_cast<int>(q->contains("latitude")) +
                           static_cast<int>(q->contains("longitude")) +
                           static_cast<int>(q->contains("radius_m"));
  if (point_fields == 0) {
    const std::string after = q->value("after", std::string());
    auto all = ctx.WithStore([&](store::Store& s) { return s.ListCameras(after, limit); });
    if (!all.ok()) return FromError(all.error());
    ApiResponse out;
    out.body["cameras"] = json::array();
    for (const auto& c : *all) out.body["cameras"].push_back(CameraJson(c));
    return out;
  }
  if (point_fields != 3 || q->contains("after")) {
    return ErrorResponse(400, "bad_request",
                         "query: latitude, longitude and radius_m go together, without after");
  }
  auto near = ctx.WithStore([&](store::Store& s) {
    return s.CamerasNear((*q)["latitude"].get<double>(), (*q)["longitude"].get<double>(),
                         (*q)["radius_m"].get<double>(), limit);
  });
  if (!near.ok()) return FromError(near.error());
  ApiResponse out;
  out.body["cameras"] = json::array();
  for (const auto& c : *near) {
    json item = CameraJson(c.camera);
    item["distance_m"] = c.distance_m;
    out.body["cameras"].push_back(std::move(item));
  }
  return out;
}

ApiResponse EnrolCamera(ServerContext& ctx, const ApiRequest& req) {
  auto body = ParseJsonObject(req.body, kEnrolFields);
  if (!body.ok()) return FromError(body.error());
  auto enrolment = EnrolmentFromBody(*body);
  if (!enrolment.ok()) return FromError(enrolment.error());
  store::Camera camera = std::move(*enrolment);
  camera.name = (*body)["name"].get<std::string>();
  camera.latitude = (*body)["latitude"].get<double>();
  camera.longitude = (*body)["longitude"].get<double>();
  camera.heading_deg = (*body)["heading_deg"].get<double>();
  camera.city = (*body)["city"].get<std::string>();
  camera.status = store::CameraStatus::kActive;
  auto enrolled = ctx.WithStore([&](store::Store& s) -> Result<bool> {
    auto existing = s.GetCamera(camera.id);
    if (!existing.ok()) return existing.error();
    if (existing->has_value()) return false;
    auto r = s.RegisterCamera(camera);
    if (!r.ok()) return r.error();
    return true;
  });
  if (!enrolled.ok()) return FromError(enrolled.error());
  if (!*enrolled) {
    return ErrorResponse(409, "conflict", "camera id already enrolled (ids are never reused)");
  }
  return EnrolledAnswer(ctx, req, "camera.enrol", "camera:" + camera.id, camera);
}

ApiResponse RevokeCamera(ServerContext& ctx, const ApiRequest& req) {
  if (auto body = ParseJsonObject(req.body, {}); !body.ok()) return FromError(body.error());
  const std::string& id = req.path_params.at("camera_id");
  auto revoked = ctx.WithStore([&](store::Store& s) -> Result<std::optional<store::Camera>> {
    auto existing = s.GetCamera(id);
    if (!existing.ok()) return existing.error();
    if (!existing->has_value()) return std::optional<store::Camera>();
    store::Camera camera = **existing;
    camera.status = store::CameraStatus::kRetired;
    auto r = s.RegisterCamera(camera);
    if (!r.ok()) return r.error();
    return std::optional<store::Camera>(camera);
  });
  if (!revoked.ok()) return FromError(revoked.error());
  if (!revoked->has_value()) return ErrorResponse(404, "not_found", "no such camera");
  auto audited = Audit(ctx, req, "camera.revoke", "camera:" + id, "");
  if (!audited.ok()) return FromError(audited.error());
  ApiResponse out;
  out.body = CameraJson(**revoked);
  return out;
}

}  // namespace safelane::server
