#include "server/server_context.h"

#include <spdlog/spdlog.h>

namespace safelane::server {

ApiResponse ErrorResponse(int status, std::string code, std::string message) {
  ApiResponse r;
  r.status = status;
  r.body = {{"error", std::move(code)}, {"message", std::move(message)}};
  return r;
}

void RunWithStore(ServerContext& ctx, const std::function<void(store::Store&)>& fn) {
  std::lock_guard lock(ctx.store_mutex);
  fn(ctx.store);
}

std::string ActorOf(const ApiRequest& req) {
  return req.principal ? req.principal->username : std::string("anonymous");
}

Result<store::AuditEntry> Audit(ServerContext& ctx, const ApiRequest& req,
                                const std::string& action, const std::string& subject,
                                const std::string& detail) {
  store::AuditEntry entry;
  entry.at = ctx.clock.Now();
  entry.actor = ActorOf(req);
  entry.action = action;
  entry.subject = subject;
  entry.detail = detail;
  entry.source = req.source.empty() ? std::string("unknown") : req.source;
  if (!req.case_number.empty()) entry.reason = "case " + req.case_number + ": " + req.reason;
  auto written = ctx.WithStore([&](store::Store& s) { return s.AppendAudit(entry); });
  if (!written.ok())
    spdlog::error("audit entry {} not written: {}", action, written.error().message);
  return written;
}

ApiResponse FromError(const Error& error) {
  if (error.code == ErrorCode::kBadRequest) {
    return ErrorResponse(400, "bad_request", error.message);
  }
  spdlog::error("request failed: {}", error.message);
  return ErrorResponse(500, "internal", "the server could not complete the request");
}

}  // namespace safelane::server
