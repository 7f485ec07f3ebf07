#include "store/event_manifest.h"

#include <nlohmann/json.hpp>
#include <set>

#include "store/validation.h"

namespace safelane::store {

using nlohmann::json;

namespace {

constexpr int kManifestVersion = 1;

Error Malformed(const std::string& why) {
  return {ErrorCode::kBadRequest, "malformed manifest: " + why};
}

Result<Track> ParseTrack(const json& t) {
  static const std::set<std::string> kTrackKeys = {
      "direction", "first_seen_ms", "frames", "frames_agreed", "id", "last_seen_ms"};
  const char* shape =
      "track must be {id: string, first_seen_ms, last_seen_ms, frames, frames_agreed: integers, "
      "direction: string}";
  if (!t.is_object() || t.size() != kTrackKeys.size()) return Malformed(shape);
  for (const std::string& key : kTrackKeys) {
    if (!t.contains(key)) return Malformed(shape);
  }
  if (!t["id"].is_string() || !t["direction"].is_string()) return Malformed(shape);
  for (const char* key : {"first_seen_ms", "last_seen_ms", "frames", "frames_agreed"}) {
    if (!t[key].is_number_integer()) return Malformed(shape);
  }
  const auto frames = t["frames"].get<std::int64_t>();
  const auto agreed = t["frames_agreed"].get<std::int64_t>();
  if (frames < 0 || frames > kMaxTrackFrames || agreed < 0 || agreed > kMaxTrackFrames) {
    return Malformed("track frames outside [0, 1000000]");
  }
  return Track{t["id"].get<std::string>(),
               FromMillis(t["first_seen_ms"].get<std::int64_t>()),
               FromMillis(t["last_seen_ms"].get<std::int64_t>()),
               static_cast<int>(frames),
               static_cast<int>(agreed),
               t["direction"].get<std::string>()};
}

}  // namespace

std::string ManifestJson(const ReadEvent& e) {
  json evidence = json::array();
  for (const EvidenceRef& ref : e.evidence) {
    evidence.push_back({{"role", ref.role}, {"sha256", ref.sha256}, {"size", ref.size_bytes}});
  }
  // nlohmann::json objects keep keys sorted, so dump() is canonical.
  json manifest = {{"version", kManifestVersion},
                   {"event_id", e.event_id},
                   {"camera_id", e.camera_id},
                   {"captured_at_ms", ToMillis(e.captured_at)},
                   {"plate", e.plate},
                   {"confidence", e.confidence},
                   {"country", e.country},
                   {"vehicle_class", e.vehicle_class},
                   {"colour", e.colour},
                   {"evidence", evidence}};
  // Optional, so events without a track or lane keep exactly the bytes they always had.
  if (!e.lane.empty()) manifest["lane"] = e.lane;
  if (e.track) {
    const Track& t = *e.track;
    manifest["track"] = {{"id", t.id},
                         {"first_seen_ms", ToMillis(t.first_seen)},
                         {"last_seen_ms", ToMillis(t.last_seen)},
                         {"frames", t.frames},
                         {"frames_agreed", t.frames_agreed},
                         {"direction", t.direction}};
  }
  return manifest.dump();
}

Result<ReadEvent> ParseManifest(std::string_view text) {
  if (text.size() > kMaxManifestBytes) return Malformed("larger than 16 KiB");
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Malformed("not valid JSON");
  if (!j.is_object()) return Malformed("not a JSON object");
  static const std::set<std::string> kKeys = {
      "camera_id", "captured_at_ms", "colour", "confidence", "country",
      "event_id",  "evidence",       "plate",  "version",    "vehicle_class"};
  for (const auto& [key, value] : j.items()) {
    if (kKeys.count(key) == 0 && key != "track" && key != "lane") {
      return Malformed("unknown key '" + key + "'");
    }
  }
  for (const std::string& key : kKeys) {
    if (!j.contains(key)) return Malformed("missing key '" + key + "'");
  }
  if (!j["version"].is_number_integer() || j["version"].get<int>() != kManifestVersion) {
    return Malformed("version must be 1");
  }
  for (const char* key : {"event_id", "camera_id", "plate", "country", "vehicle_class", "colour"}) {
    if (!j[key].is_string()) return Malformed(std::string(key) + " must be a string");
  }
  if (!j["captured_at_ms"].is_number_integer())
    return Malformed("captured_at_ms must be an integer");
  if (!j["confidence"].is_number()) return Malformed("confidence must be a number");
  if (!j["evidence"].is_array()) return Malformed("evidence must be an array");

  ReadEvent e;
  e.event_id = j["event_id"].get<std::string>();
  e.camera_id = j["camera_id"].get<std::string>();
  e.captured_at = FromMillis(j["captured_at_ms"].get<std::int64_t>());
  e.plate = j["plate"].get<std::string>();
  e.confidence = j["confidence"].get<double>();
  e.country = j["country"].get<std::string>();
  e.vehicle_class = j["vehicle_class"].get<std::string>();
  e.colour = j["colour"].get<std::string>();
  if (j["evidence"].size() > kMaxEvidencePerEvent)
    return Malformed("more than 16 evidence objects");
  for (const json& ref : j["evidence"]) {
    if (!ref.is_object() || ref.size() != 3 || !ref.contains("role") || !ref.contains("sha256") ||
        !ref.contains("size") || !ref["role"].is_string() || !ref["sha256"].is_string() ||
        !ref["size"].is_number_unsigned()) {
      return Malformed("each evidence entry must be {role: string, sha256: string, size: integer}");
    }
    e.evidence.push_back({ref["role"].get<std::string>(), ref["sha256"].get<std::string>(),
                          ref["size"].get<std::uint64_t>()});
  }
  if (j.contains("lane")) {
    if (!j["lane"].is_string() || j["lane"].get<std::string>().empty()) {
      return Malformed("lane must be a non-empty string (absent when unknown)");
    }
    e.lane = j["lane"].get<std::string>();
  }
  if (j.contains("track")) {
    auto track = ParseTrack(j["track"]);
    if (!track) return track.error();
    e.track = std::move(*track);
  }
  if (auto v = ValidateReadEvent(e); !v) return Malformed(v.error().message);
  if (ManifestJson(e) != text) return Malformed("not in canonical form (sorted keys, no spaces)");
  return e;
}

}  // namespace safelane::store
