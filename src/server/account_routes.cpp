// Sign-in, activation, MFA enrolment and user administration: all through the accounts
// code (security/account_service.h), never a password check of the server's own.
//
// Failed sign-ins and activations spend a token of the per-address failure limiter
// (ServerContext::sign_in_failures); an address with none left is refused (429) before
// any password is looked at. The per-account lockout is AccountService's.

#include <array>

#include "security/account_service.h"
#include "server/https_server.h"
#include "server/request_schema.h"
#include "server/route_handlers.h"
#include "server/server_context.h"

namespace safelane::server {
namespace {

using FT = FieldType;
using nlohmann::json;

constexpr std::array kSignInFields = {
    FieldRule{"username", FT::kString, true, 64},
    FieldRule{"password", FT::kString, true, 1024},
    FieldRule{"totp_code", FT::kString, false, 16},
};
constexpr std::array kActivateFields = {
    FieldRule{"username", FT::kString, true, 64},
    FieldRule{"token", FT::kString, true, 128},
    FieldRule{"password", FT::kString, true, 1024},
};
constexpr std::array kConfirmFields = {FieldRule{"totp_code", FT::kString, true, 16}};
constexpr std::array kCreateUserFields = {
    FieldRule{"username", FT::kString, true, 64},
    FieldRule{"display_name", FT::kString, true, 200},
    FieldRule{"role", FT::kString, true, 32},
};

ApiResponse AccountsUnavailable() {
  return ErrorResponse(503, "unavailable", "account service not available");
}

ApiResponse TooManyFailures() {
  return ErrorResponse(429, "rate_limited",
                       "too many failed attempts from this address; try again later");
}

security::Actor ActorFor(const ApiRequest& req) {
  return {ActorOf(req), req.source, ""};
}

std::string SessionCookie(const Session& s, const SessionLimits& limits) {
  const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(limits.absolute).count();
  return std::string(kSessionCookie) + "=" + s.id +
         "; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=" + std::to_string(max_age);
}

}  // namespace

ApiResponse SignIn(ServerContext& ctx, const ApiRequest& req) {
  if (ctx.accounts == nullptr) return AccountsUnavailable();
  if (!ctx.sign_in_failures.HasToken(req.source)) return TooManyFailures();
  auto body = ParseJsonObject(req.body, kSignInFields);
  if (!body.ok()) return FromError(body.error());
  security::SignInRequest sign_in{(*body)["username"].get<std::string>(),
                                  (*body)["password"].get<std::string>(),
                                  body->value("totp_code", std::string()), req.source};
  auto outcome = ctx.accounts->SignIn(sign_in);
  if (!outcome.ok()) return FromError(outcome.error());
  if (outcome->state == security::SignInOutcome::State::kRefused) {
    (void)ctx.sign_in_failures.Take(req.source);
    return ErrorResponse(401, "sign_in_refused", std::string(security::kSignInRefused));
  }
  // Rotation: whatever session id the client held before is dropped; a new one is made.
  if (!req.session_id.empty()) ctx.sessions.Revoke(req.session_id);
  const bool enrol_only = outcome->state == security::SignInOutcome::State::kMfaEnrolmentRequired;
  const Session session =
      ctx.sessions.Create(outcome->username, outcome->role, req.source, enrol_only);
  ApiResponse out;
  out.body = {{"username", session.username},
              {"role", security::RoleName(session.role)},
              {"csrf_token", session.csrf_token},
              {"mfa_enrolment_required", enrol_only}};
  out.headers.emplace_back("Set-Cookie", SessionCookie(session, ctx.sessions.limits()));
  return out;
}

ApiResponse Activate(ServerContext& ctx, const ApiRequest& req) {
  if (ctx.accounts == nullptr) return AccountsUnavailable();
  if (!ctx.sign_in_failures.HasToken(req.source)) return TooManyFailures();
  auto body = ParseJsonObject(req.body, kActivateFields);
  if (!body.ok()) return FromError(body.error());
  auto done = ctx.accounts->Activate((*body)["username"].get<std::string>(),
                                     (*body)["token"].get<std::string>(),
                                     (*body)["password"].get<std::string>(), req.source);
  if (!done.ok()) {
    if (done.error().code == ErrorCode::kBadRequest &&
        done.error().message == security::kSignInRefused) {
      (void)ctx.sign_in_failures.Take(req.source);
    }
    return FromError(done.error());
  }
  ApiResponse out;
  out.body = {{"activated", true}};
  return out;
}

ApiResponse MfaBegin(ServerContext& ctx, const ApiRequest& req) {
  if (ctx.accounts == nullptr) return AccountsUnavailable();
  if (auto body = ParseJsonObject(req.body, {}); !body.ok()) return FromError(body.error());
  auto enrolment = ctx.accounts->EnrollTotp(req.principal->username, ActorFor(req));
  if (!enrolment.ok()) return FromError(enrolment.error());
  ApiResponse out;
  out.body = {{"secret_base32", enrolment->secret_base32}, {"otpauth_uri", enrolment->otpauth_uri}};
  return out;
}

ApiResponse MfaConfirm(ServerContext& ctx, const ApiRequest& req) {
  if (ctx.accounts == nullptr) return AccountsUnavailable();
  auto body = ParseJsonObject(req.body, kConfirmFields);
  if (!body.ok()) return FromError(body.error());
  auto done = ctx.accounts->ConfirmTotp(req.principal->username,
                                        (*body)["totp_code"].get<std::string>(), ActorFor(req));
  if (!done.ok()) return FromError(done.error());
  // The session was made before the second factor existed: sign in again with it.
  ctx.sessions.Revoke(req.session_id);
  ApiResponse out;
  out.body = {{"mfa_enabled", true}, {"signed_out", true}};
  out.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) +
                                             "=; HttpOnly; Secure; SameSite=Strict; Path=/; "
                                             "Max-Age=0");
  return out;
}

ApiResponse ListUsers(ServerContext& ctx, const ApiRequest& req) {
  if (ctx.accounts == nullptr) return AccountsUnavailable();
  if (auto q = ParseQuery(req.query, {}); !q.ok()) return FromError(q.error());
  auto users = ctx.accounts->ListUsers();
  if (!users.ok()) return FromError(users.error());
  ApiResponse out;
  out.body["users"] = json::array();
  for (const auto& u : *users) {
    json item = {{"username", u.username}, {"display_name", u.display_name},
                 {"role", u.role},         {"mfa_enabled", u.mfa_enabled},
                 {"disabled", u.disabled}, {"failed_logins", u.failed_logins}};
    if (u.locked_until) item["locked_until_ms"] = store::ToMillis(*u.locked_until);
    out.body["users"].push_back(std::move(item));
  }
  return out;
}

ApiResponse CreateUser(ServerContext& ctx, const ApiRequest& req) {
  if (ctx.accounts == nullptr) return AccountsUnavailable();
  auto body = ParseJsonObject(req.body, kCreateUserFields);
  if (!body.ok()) return FromError(body.error());
  const auto role = security::ParseRole((*body)["role"].get<std::string>());
  if (!role) return ErrorResponse(400, "bad_request", "body: field 'role' is not a role");
  auto token =
      ctx.accounts->CreateUser((*body)["username"].get<std::string>(),
                               (*body)["display_name"].get<std::string>(), *role, ActorFor(req));
  if (!token.ok()) return FromError(token.error());
  ApiResponse out;
  out.status = 201;
  out.body = {{"username", token->username},
              {"setup_token", token->token},
              {"expires_at_ms", store::ToMillis(token->expires_at)}};
  return out;
}

}  // namespace safelane::server
