// The audit log for auditors: browse entries in order (plates pseudonymised, see
// plate_redactor.h), verify the whole chain.

#include <array>

#include "server/plate_redactor.h"
#include "server/request_schema.h"
#include "server/route_handlers.h"
#include "server/server_context.h"
#include "store/audit_chain.h"

namespace safelane::server {
namespace {

using FT = FieldType;
constexpr std::array kBrowseFields = {
    FieldRule{"after", FT::kInteger},
    FieldRule{"limit", FT::kInteger},
};

}  // namespace

ApiResponse BrowseAudit(ServerContext& ctx, const ApiRequest& req) {
  auto q = ParseQuery(req.query, kBrowseFields);
  if (!q.ok()) return FromError(q.error());
  const std::int64_t after = q->value("after", std::int64_t{0});
  const int limit = static_cast<int>(
      std::clamp<std::int64_t>(q->value("limit", std::int64_t{100}), -1, 1'000'000));
  auto entries = ctx.WithStore([&](store::Store& s) { return s.ListAudit(after, limit); });
  if (!entries.ok()) return FromError(entries.error());
  auto audited = Audit(ctx, req, "audit.browse", "audit",
                       "after=" + std::to_string(after) + " limit=" + std::to_string(limit));
  if (!audited.ok()) return FromError(audited.error());
  const PlateRedactor redactor(ctx.master);
  ApiResponse out;
  out.body["entries"] = nlohmann::json::array();
  for (const auto& e : *entries) out.body["entries"].push_back(redactor.AuditorView(e));
  return out;
}

ApiResponse VerifyAudit(ServerContext& ctx, const ApiRequest& req) {
  if (auto q = ParseQuery(req.query, {}); !q.ok()) return FromError(q.error());
  const auto key = store::AuditSigningKey(ctx.master).public_key();
  auto verified = ctx.WithStore([&](store::Store& s) { return s.VerifyAuditChain(key); });
  ApiResponse out;
  out.body["intact"] = verified.ok();
  if (!verified.ok()) out.body["problem"] = verified.error().message;
  return out;
}

}  // namespace safelane::server
