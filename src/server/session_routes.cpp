// Health, who am I, and sign-out. Sign-in and MFA are in account_routes.cpp.

#include "server/https_server.h"
#include "server/request_schema.h"
#include "server/route_handlers.h"
#include "server/server_context.h"

namespace safelane::server {

ApiResponse Health(ServerContext& /*ctx*/, const ApiRequest& req) {
  if (auto q = ParseQuery(req.query, {}); !q.ok()) return FromError(q.error());
  ApiResponse out;
  out.body = {{"status", "ok"}};
  return out;
}

ApiResponse Me(ServerContext& /*ctx*/, const ApiRequest& req) {
  ApiResponse out;
  out.body["username"] = req.principal->username;
  out.body["role"] = security::RoleName(*req.principal->role);
  out.body["permissions"] = nlohmann::json::array();
  for (const auto p : security::AllPermissions()) {
    if (security::RoleHas(*req.principal->role, p)) {
      out.body["permissions"].push_back(security::PermissionName(p));
    }
  }
  return out;
}

ApiResponse SignOut(ServerContext& ctx, const ApiRequest& req) {
  ctx.sessions.Revoke(req.session_id);
  (void)Audit(ctx, req, "session.sign_out", "user:" + req.principal->username, "");
  ApiResponse out;
  out.body = {{"signed_out", true}};
  out.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) +
                                             "=; HttpOnly; Secure; SameSite=Strict; Path=/; "
                                             "Max-Age=0");
  return out;
}

}  // namespace safelane::server
