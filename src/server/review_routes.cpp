// The operators' review queue: violations by status, oldest or newest first, paged by id.
// Each row shows a plate, so every page served is audited first.

#include <array>

#include "server/request_schema.h"
#include "server/route_handlers.h"
#include "server/server_context.h"

namespace safelane::server {
namespace {

using nlohmann::json;
using FT = FieldType;

// A screenful for a person; a larger page is refused, not cut, so a client never
// mistakes a short page for the end of the queue.
constexpr std::int64_t kMaxReviewPage = 200;

constexpr std::array kQueueFields = {
    FieldRule{"status", FT::kString, false, 16},
    FieldRule{"after", FT::kInteger},
    FieldRule{"limit", FT::kInteger},
    FieldRule{"order", FT::kString, false, 8},
};

json SummaryJson(const store::ViolationSummary& v) {
  return {{"violation_id", v.id},
          {"rule", v.rule},
          {"status", store::ViolationStatusName(v.status)},
          {"created_at_ms", store::ToMillis(v.created_at)},
          {"event_id", v.event_id},
          {"camera_id", v.camera_id},
          {"captured_at_ms", store::ToMillis(v.captured_at)},
          {"plate", v.plate}};
}

}  // namespace

ApiResponse ListViolationQueue(ServerContext& ctx, const ApiRequest& req) {
  auto q = ParseQuery(req.query, kQueueFields);
  if (!q.ok()) return FromError(q.error());
  store::ViolationQuery query;
  const std::string status = q->value("status", std::string("open"));
  if (status != "any") {
    query.status = store::ParseViolationStatus(status);
    if (!query.status) {
      return ErrorResponse(400, "bad_request",
                           "query: parameter 'status' must be open, confirmed, dismissed, closed "
                           "or any");
    }
  }
  const std::string order = q->value("order", std::string("oldest"));
  if (order != "oldest" && order != "newest") {
    return ErrorResponse(400, "bad_request", "query: parameter 'order' must be oldest or newest");
  }
  query.order = order == "newest" ? store::ListOrder::kNewestFirst : store::ListOrder::kOldestFirst;
  query.after_id = q->value("after", std::int64_t{0});
  if (query.after_id < 0) {
    return ErrorResponse(400, "bad_request", "query: parameter 'after' must be >= 0");
  }
  const std::int64_t limit = q->value("limit", std::int64_t{50});
  if (limit < 1 || limit > kMaxReviewPage) {
    return ErrorResponse(
        400, "bad_request",
        Concat("query: parameter 'limit' must be in [1, ", std::to_string(kMaxReviewPage), "]"));
  }
  query.limit = static_cast<int>(limit);
  auto rows = ctx.WithStore([&](store::Store& s) { return s.ListViolations(query); });
  if (!rows.ok()) return FromError(rows.error());
  auto audited =
      Audit(ctx, req, "violations.list", "violations",
            Concat("status=", status, " order=", order, " after=", std::to_string(query.after_id),
                   " limit=", std::to_string(limit), " results=", std::to_string(rows->size())));
  if (!audited.ok()) return FromError(audited.error());
  ApiResponse out;
  out.body["violations"] = json::array();
  for (const auto& v : *rows) out.body["violations"].push_back(SummaryJson(v));
  // The `after` of the next page; absent when this page was the last.
  if (rows->size() == static_cast<std::size_t>(limit)) out.body["next_after"] = rows->back().id;
  return out;
}

}  // namespace safelane::server
