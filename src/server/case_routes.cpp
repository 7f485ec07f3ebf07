// Violations: view (review queue), decide, approve a notice, export the evidence package.

#include <array>
#include <charconv>

#include "server/api_json.h"
#include "server/request_schema.h"
#include "server/route_handlers.h"
#include "server/server_context.h"
#include "store/evidence_package.h"

namespace safelane::server {
namespace {

using nlohmann::json;
using FT = FieldType;

constexpr std::array kDecisionFields = {
    FieldRule{"outcome", FT::kString, true, 16},
    FieldRule{"note", FT::kString, false, 2000},
};
constexpr std::array kNoticeFields = {
    FieldRule{"amount_minor", FT::kInteger, true},
    FieldRule{"currency", FT::kString, true, 3},
};
constexpr std::array kExportFields = {
    FieldRule{"case_number", FT::kString, true, 64},
    FieldRule{"reason", FT::kString, true, 2000},
};

std::optional<std::int64_t> ViolationId(const ApiRequest& req) {
  const std::string& text = req.path_params.at("violation_id");
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

ApiResponse BadId() {
  return ErrorResponse(400, "bad_request", "path: violation id must be a positive integer");
}

}  // namespace

ApiResponse ViewViolation(ServerContext& ctx, const ApiRequest& req) {
  const auto id = ViolationId(req);
  if (!id) return BadId();
  auto found = ctx.WithStore([&](store::Store& s) -> Result<std::optional<json>> {
    auto v = s.GetViolation(*id);
    if (!v.ok()) return v.error();
    if (!v->has_value()) return std::optional<json>();
    auto read = s.GetRead((*v)->event_id);
    if (!read.ok()) return read.error();
    json out = ViolationJson(**v);
    if (read->has_value()) out["read"] = ReadJson(**read);
    auto notices = s.NoticesFor(*id);
    if (!notices.ok()) return notices.error();
    out["notices"] = json::array();
    for (const auto& n : *notices) out["notices"].push_back(NoticeJson(n));
    return std::optional<json>(std::move(out));
  });
  if (!found.ok()) return FromError(found.error());
  if (!found->has_value()) return ErrorResponse(404, "not_found", "no such violation");
  auto audited = Audit(ctx, req, "violation.view", "violation:" + std::to_string(*id), "");
  if (!audited.ok()) return FromError(audited.error());
  ApiResponse out;
  out.body = std::move(**found);
  return out;
}

ApiResponse DecideViolation(ServerContext& ctx, const ApiRequest& req) {
  const auto id = ViolationId(req);
  if (!id) return BadId();
  auto body = ParseJsonObject(req.body, kDecisionFields);
  if (!body.ok()) return FromError(body.error());
  const std::string outcome_name = (*body)["outcome"].get<std::string>();
  const auto outcome = store::ParseViolationStatus(outcome_name);
  if (!outcome || *outcome == store::ViolationStatus::kOpen) {
    return ErrorResponse(400, "bad_request",
                         "body: field 'outcome' must be confirmed, dismissed or closed");
  }
  store::ReviewEntry review{ctx.clock.Now(), ActorOf(req), *outcome,
                            body->value("note", std::string())};
  auto audited = Audit(ctx, req, "violation.decide", "violation:" + std::to_string(*id),
                       "outcome=" + outcome_name);
  if (!audited.ok()) return FromError(audited.error());
  auto v = ctx.WithStore([&](store::Store& s) { return s.RecordReview(*id, review); });
  if (!v.ok()) return FromError(v.error());
  ApiResponse out;
  out.body = ViolationJson(*v);
  return out;
}

ApiResponse ApproveNotice(ServerContext& ctx, const ApiRequest& req) {
  const auto id = ViolationId(req);
  if (!id) return BadId();
  auto body = ParseJsonObject(req.body, kNoticeFields);
  if (!body.ok()) return FromError(body.error());
  const auto amount = (*body)["amount_minor"].get<std::int64_t>();
  const auto currency = (*body)["currency"].get<std::string>();
  auto notice = ctx.WithStore(
      [&](store::Store& s) { return s.IssueNotice(*id, amount, currency, ctx.clock.Now()); });
  if (!notice.ok()) return FromError(notice.error());
  auto audited = Audit(ctx, req, "notice.approve", "violation:" + std::to_string(*id),
                       "notice=" + notice->number + " amount_minor=" + std::to_string(amount) +
                           " currency=" + currency);
  if (!audited.ok()) return FromError(audited.error());
  ApiResponse out;
  out.status = 201;
  out.body = NoticeJson(*notice);
  return out;
}

ApiResponse ExportEvidence(ServerContext& ctx, const ApiRequest& req) {
  const auto id = ViolationId(req);
  if (!id) return BadId();
  auto body = ParseJsonObject(req.body, kExportFields);
  if (!body.ok()) return FromError(body.error());
  const store::AuditContext by{ActorOf(req), req.source,
                               "case " + req.case_number + ": " + req.reason};
  // ExportEvidencePackage writes the "evidence.export" audit entry itself.
  auto package = ctx.WithStore([&](store::Store& s) {
    return store::ExportEvidencePackage(s, ctx.vault, ctx.master, *id, by, ctx.clock.Now());
  });
  if (!package.ok()) return FromError(package.error());
  ApiResponse out;
  out.raw_body = std::string(package->begin(), package->end());
  out.raw_content_type = "application/zip";
  out.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"violation-" + std::to_string(*id) + ".zip\"");
  return out;
}

}  // namespace safelane::server
