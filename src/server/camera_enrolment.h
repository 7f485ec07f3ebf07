#pragma once
// What enrolling a camera means in both places a camera is enrolled (the real store, by an
// administrator, and the installer's sandbox): the id and Ed25519 public key read from the
// request, and the audited 201 answer carrying the camera.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.h"
#include "server/api_types.h"
#include "server/server_context.h"
#include "store/store_types.h"

namespace safelane::server {

// A camera with `camera_id` and `public_key` (64 hex digits) from an already schema-checked
// body; kBadRequest naming the field when the key is not a public key.
Result<store::Camera> EnrolmentFromBody(const nlohmann::json& body);

// Audits `action` on `subject` with the camera's key, then answers 201 with the camera.
ApiResponse EnrolledAnswer(ServerContext& ctx, const ApiRequest& req, std::string_view action,
                           const std::string& subject, const store::Camera& camera);

}  // namespace safelane::server
