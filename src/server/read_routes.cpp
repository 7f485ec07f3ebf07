// Reads: the live feed, search, journeys and evidence. Every answer that shows a plate
// or a movement is audited first; if the audit entry cannot be written, nothing is shown.

#include <array>

#include "server/api_json.h"
#include "server/request_schema.h"
#include "server/route_handlers.h"
#include "server/server_context.h"
#include "store/plate_pattern.h"

namespace safelane::server {
namespace {

using nlohmann::json;
using FT = FieldType;

constexpr FieldRule kCaseNumber{"case_number", FT::kString, true, 64};
constexpr FieldRule kReason{"reason", FT::kString, true, 2000};

constexpr std::array kSearchFields = {
    kCaseNumber,
    kReason,
    FieldRule{"plate", FT::kString, false, store::kMaxPatternLength},
    FieldRule{"from_ms", FT::kInteger},
    FieldRule{"to_ms", FT::kInteger},
    FieldRule{"camera_id", FT::kString, false, 64},
    FieldRule{"city", FT::kString, false, 100},
    FieldRule{"vehicle_class", FT::kString, false, 16},
    FieldRule{"colour", FT::kString, false, 16},
    FieldRule{"limit", FT::kInteger},
};

constexpr std::array kJourneyFields = {
    kCaseNumber,
    kReason,
    FieldRule{"plate", FT::kString, true, 16},
    FieldRule{"from_ms", FT::kInteger, true},
    FieldRule{"to_ms", FT::kInteger, true},
    FieldRule{"limit", FT::kInteger},
};

constexpr std::array kLiveFields = {
    FieldRule{"minutes", FT::kInteger},
    FieldRule{"limit", FT::kInteger},
};

int LimitOf(const json& body, int fallback) {
  return body.contains("limit") ? static_cast<int>(std::clamp<std::int64_t>(
                                      body["limit"].get<std::int64_t>(), -1, 1'000'000))
                                : fallback;
}

ApiResponse ReadsResponse(const std::vector<store::StoredRead>& reads) {
  ApiResponse out;
  out.body["reads"] = json::array();
  for (const auto& r : reads) out.body["reads"].push_back(ReadJson(r));
  return out;
}

}  // namespace

ApiResponse LiveFeed(ServerContext& ctx, const ApiRequest& req) {
  auto q = ParseQuery(req.query, kLiveFields);
  if (!q.ok()) return FromError(q.error());
  const std::int64_t minutes = q->value("minutes", std::int64_t{5});
  if (minutes < 1 || minutes > 60) {
    return ErrorResponse(400, "bad_request", "query: parameter 'minutes' must be in [1, 60]");
  }
  store::ReadQuery query;
  query.from = ctx.clock.Now() - std::chrono::minutes(minutes);
  query.limit = LimitOf(*q, 200);
  auto reads = ctx.WithStore([&](store::Store& s) { return s.SearchReads(query); });
  if (!reads.ok()) return FromError(reads.error());
  auto audited =
      Audit(ctx, req, "reads.live", "live",
            "minutes=" + std::to_string(minutes) + " results=" + std::to_string(reads->size()));
  if (!audited.ok()) return FromError(audited.error());
  return ReadsResponse(*reads);
}

ApiResponse SearchReads(ServerContext& ctx, const ApiRequest& req) {
  auto body = ParseJsonObject(req.body, kSearchFields);
  if (!body.ok()) return FromError(body.error());
  store::ReadQuery query;
  std::string terms;
  if (body->contains("plate")) {
    auto pattern = store::PlatePattern::Parse((*body)["plate"].get<std::string>());
    if (!pattern.ok()) return FromError(pattern.error());
    terms += "plate=" + pattern->text() + " ";
    query.plate = *pattern;
  }
  if (body->contains("from_ms"))
    query.from = store::FromMillis((*body)["from_ms"].get<std::int64_t>());
  if (body->contains("to_ms")) query.to = store::FromMillis((*body)["to_ms"].get<std::int64_t>());
  for (const char* key : {"camera_id", "city", "vehicle_class", "colour"}) {
    if (!body->contains(key)) continue;
    const std::string v = (*body)[key].get<std::string>();
    terms.append(key).append("=").append(v).append(" ");
    if (std::string_view(key) == "camera_id") query.camera_id = v;
    if (std::string_view(key) == "city") query.city = v;
    if (std::string_view(key) == "vehicle_class") query.vehicle_class = v;
    if (std::string_view(key) == "colour") query.colour = v;
  }
  if (!query.plate && !query.camera_id && !query.city) {
    return ErrorResponse(400, "bad_request",
                         "body: a search needs at least one of 'plate', 'camera_id', 'city'");
  }
  query.limit = LimitOf(*body, 1000);
  if (query.from) terms += "from_ms=" + std::to_string(store::ToMillis(*query.from)) + " ";
  if (query.to) terms += "to_ms=" + std::to_string(store::ToMillis(*query.to)) + " ";
  auto reads = ctx.WithStore([&](store::Store& s) { return s.SearchReads(query); });
  if (!reads.ok()) return FromError(reads.error());
  auto audited = Audit(ctx, req, "reads.search",
                       query.plate ? "plate:" + query.plate->text() : std::string("reads"),
                       terms + "results=" + std::to_string(reads->size()));
  if (!audited.ok()) return FromError(audited.error());
  return ReadsResponse(*reads);
}

ApiResponse Journey(ServerContext& ctx, const ApiRequest& req) {
  auto body = ParseJsonObject(req.body, kJourneyFields);
  if (!body.ok()) return FromError(body.error());
  auto pattern = store::PlatePattern::Parse((*body)["plate"].get<std::string>());
  if (!pattern.ok()) return FromError(pattern.error());
  if (!pattern->is_exact()) {
    return ErrorResponse(400, "bad_request", "body: field 'plate' must be an exact plate");
  }
  const auto from = store::FromMillis((*body)["from_ms"].get<std::int64_t>());
  const auto to = store::FromMillis((*body)["to_ms"].get<std::int64_t>());
  const int limit = LimitOf(*body, 1000);
  auto stops =
      ctx.WithStore([&](store::Store& s) { return s.Journey(pattern->text(), from, to, limit); });
  if (!stops.ok()) return FromError(stops.error());
  auto audited = Audit(ctx, req, "vehicle.journey", "plate:" + pattern->text(),
                       "from_ms=" + std::to_string(store::ToMillis(from)) +
                           " to_ms=" + std::to_string(store::ToMillis(to)) +
                           " results=" + std::to_string(stops->size()));
  if (!audited.ok()) return FromError(audited.error());
  ApiResponse out;
  out.body["plate"] = pattern->text();
  out.body["stops"] = json::array();
  for (const auto& s : *stops) out.body["stops"].push_back(JourneyStopJson(s));
  return out;
}

ApiResponse ViewRead(ServerContext& ctx, const ApiRequest& req) {
  const std::string& id = req.path_params.at("event_id");
  auto read = ctx.WithStore([&](store::Store& s) { return s.GetRead(id); });
  if (!read.ok()) return FromError(read.error());
  if (!read->has_value()) return ErrorResponse(404, "not_found", "no such read");
  auto audited = Audit(ctx, req, "read.view", "read:" + id, "");
  if (!audited.ok()) return FromError(audited.error());
  ApiResponse out;
  out.body = ReadJson(**read);
  return out;
}

ApiResponse ViewEvidence(ServerContext& ctx, const ApiRequest& req) {
  const std::string& id = req.path_params.at("event_id");
  const std::string& sha = req.path_params.at("sha256");
  auto read = ctx.WithStore([&](store::Store& s) { return s.GetRead(id); });
  if (!read.ok()) return FromError(read.error());
  bool listed = false;
  if (read->has_value()) {
    for (const auto& e : (*read)->event.evidence) listed = listed || e.sha256 == sha;
  }
  // Evidence is reachable only through a read that lists it.
  if (!listed) return ErrorResponse(404, "not_found", "no such evidence for this read");
  auto bytes = ctx.vault.Get(sha);
  if (!bytes.ok()) return FromError(Error(ErrorCode::kIo, bytes.error().message));
  auto audited = Audit(ctx, req, "evidence.view", "read:" + id, "sha256=" + sha);
  if (!audited.ok()) return FromError(audited.error());
  ApiResponse out;
  out.raw_body = std::string(bytes->begin(), bytes->end());
  out.raw_content_type = "application/octet-stream";
  out.headers.emplace_back("Content-Disposition", "attachment");
  return out;
}

}  // namespace safelane::server
