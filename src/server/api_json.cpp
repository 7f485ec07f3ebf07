#include "server/api_json.h"

#include "security/bytes.h"

namespace safelane::server {

using nlohmann::json;

json CameraJson(const store::Camera& c) {
  return {{"camera_id", c.id},
          {"name", c.name},
          {"latitude", c.latitude},
          {"longitude", c.longitude},
          {"heading_deg", c.heading_deg},
          {"city", c.city},
          {"status", c.status == store::CameraStatus::kActive ? "active" : "revoked"},
          {"public_key", security::ToHex(c.public_key)}};
}

json ReadJson(const store::StoredRead& r) {
  json evidence = json::array();
  for (const auto& e : r.event.evidence) {
    evidence.push_back({{"role", e.role}, {"sha256", e.sha256}, {"size_bytes", e.size_bytes}});
  }
  return {{"event_id", r.event.event_id},
          {"camera_id", r.event.camera_id},
          {"captured_at_ms", store::ToMillis(r.event.captured_at)},
          {"received_at_ms", store::ToMillis(r.received_at)},
          {"plate", r.event.plate},
          {"confidence", r.event.confidence},
          {"country", r.event.country},
          {"vehicle_class", r.event.vehicle_class},
          {"colour", r.event.colour},
          {"hotlist_hit", r.hotlist_hit},
          {"evidence", evidence}};
}

json JourneyStopJson(const store::JourneyStop& s) {
  return {{"event_id", s.event_id},      {"captured_at_ms", store::ToMillis(s.captured_at)},
          {"camera_id", s.camera_id},    {"camera_name", s.camera_name},
          {"latitude", s.latitude},      {"longitude", s.longitude},
          {"heading_deg", s.heading_deg}};
}

json ViolationJson(const store::Violation& v) {
  json reviews = json::array();
  for (const auto& r : v.reviews) {
    reviews.push_back({{"at_ms", store::ToMillis(r.at)},
                       {"reviewer", r.reviewer},
                       {"outcome", store::ViolationStatusName(r.outcome)},
                       {"note", r.note}});
  }
  json out = {{"violation_id", v.id},
              {"event_id", v.event_id},
              {"rule", v.rule},
              {"status", store::ViolationStatusName(v.status)},
              {"created_at_ms", store::ToMillis(v.created_at)},
              {"reviews", reviews}};
  if (v.closed_at) out["closed_at_ms"] = store::ToMillis(*v.closed_at);
  return out;
}

json NoticeJson(const store::Notice& n) {
  return {{"number", n.number},
          {"violation_id", n.violation_id},
          {"issued_at_ms", store::ToMillis(n.issued_at)},
          {"amount_minor", n.amount_minor},
          {"currency", n.currency}};
}

}  // namespace safelane::server
