// Statistics for auditors: counts only. Reads per camera per day, violations per rule and
// status, and searches, journeys and exports per user per day from the audit log. No
// plate, no event id and no audit subject (which may name a plate) is ever in the answer.

#include <array>
#include <chrono>
#include <string>

#include "server/request_schema.h"
#include "server/route_handlers.h"
#include "server/server_context.h"

namespace safelane::server {
namespace {

using nlohmann::json;
using FT = FieldType;

constexpr std::array kStatsFields = {
    FieldRule{"from", FT::kInteger, true},
    FieldRule{"to", FT::kInteger, true},
};

// The audit actions counted per user: the powers over people's movements.
const std::vector<std::string>& CountedActions() {
  static const std::vector<std::string> actions = {"reads.search", "vehicle.journey",
                                                   "evidence.export"};
  return actions;
}

// "2026-01-01" for a UTC day number (days since 1970-01-01).
std::string DayText(std::int64_t day) {
  const std::chrono::year_month_day ymd{
      std::chrono::sys_days{std::chrono::days{static_cast<int>(day)}}};
  const auto two = [](unsigned v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  return std::to_string(static_cast<int>(ymd.year())) + "-" +
         two(static_cast<unsigned>(ymd.month())) + "-" + two(static_cast<unsigned>(ymd.day()));
}

}  // namespace

ApiResponse Statistics(ServerContext& ctx, const ApiRequest& req) {
  auto q = ParseQuery(req.query, kStatsFields);
  if (!q.ok()) return FromError(q.error());
  const std::int64_t from = (*q)["from"].get<std::int64_t>();
  const std::int64_t to = (*q)["to"].get<std::int64_t>();
  auto stats = ctx.WithStore([&](store::Store& s) {
    return s.Statistics(store::FromMillis(from), store::FromMillis(to), CountedActions());
  });
  if (!stats.ok()) return FromError(stats.error());
  auto audited = Audit(ctx, req, "stats.view", "statistics",
                       Concat("from=", std::to_string(from), " to=", std::to_string(to)));
  if (!audited.ok()) return FromError(audited.error());
  ApiResponse out;
  out.body["from_ms"] = from;
  out.body["to_ms"] = to;
  json& reads = out.body["reads_per_camera_day"] = json::array();
  for (const auto& r : stats->reads_per_camera_day) {
    reads.push_back({{"camera_id", r.camera_id}, {"day", DayText(r.day)}, {"reads", r.reads}});
  }
  json& violations = out.body["violations_per_rule_status"] = json::array();
  for (const auto& v : stats->violations_per_rule_status) {
    violations.push_back({{"rule", v.rule},
                          {"status", store::ViolationStatusName(v.status)},
                          {"violations", v.violations}});
  }
  json& activity = out.body["activity_per_user_day"] = json::array();
  for (const auto& a : stats->audit_per_actor_day) {
    activity.push_back(
        {{"user", a.actor}, {"action", a.action}, {"day", DayText(a.day)}, {"count", a.entries}});
  }
  return out;
}

}  // namespace safelane::server
