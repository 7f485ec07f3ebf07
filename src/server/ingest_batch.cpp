#include "server/ingest_batch.h"

#include <sodium.h>

#include <array>

#include "server/request_schema.h"
#include "store/event_manifest.h"

namespace safelane::server {
namespace {

using nlohmann::json;
using FT = FieldType;

constexpr std::array kBodyFields = {FieldRule{"events", FT::kArray, true, kMaxEventsPerRequest}};
constexpr std::array kEventFields = {
    FieldRule{"manifest", FT::kString, true, std::size_t{64} * 1024},
    FieldRule{"signature", FT::kString, true, 128},
    FieldRule{"evidence", FT::kArray, true, store::kMaxEvidencePerEvent},
};

Result<security::Bytes> FromBase64(const std::string& text) {
  security::Bytes out(text.size() / 4 * 3 + 3);
  std::size_t len = 0;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return Error(ErrorCode::kBadRequest, "evidence is not base64");
  }
  out.resize(len);
  return out;
}

const char* StatusName(store::IngestStatus s) {
  switch (s) {
    case store::IngestStatus::kAccepted: return "accepted";
    case store::IngestStatus::kDuplicate: return "duplicate";
    case store::IngestStatus::kRefused: return "refused";
  }
  return "refused";
}

}  // namespace

Result<std::vector<ParsedEvent>> ParseIngestBatch(std::string_view body) {
  // The route's own body limit (the dispatcher's) bounds the size; the schema bounds counts.
  auto parsed = ParseJsonObject(body, kBodyFields, body.size());
  if (!parsed.ok()) return parsed.error();
  std::vector<ParsedEvent> out;
  std::size_t index = 0;
  for (const json& item : (*parsed)["events"]) {
    ParsedEvent event;
    event.where = Concat("events[", std::to_string(index++), "]");
    auto checked = CheckJsonObject(item, kEventFields, event.where);
    if (!checked.ok()) return checked.error();
    event.incoming.manifest = item["manifest"].get<std::string>();
    event.incoming.signature_hex = item["signature"].get<std::string>();
    auto manifest = store::ParseManifest(event.incoming.manifest);
    if (!manifest.ok()) {
      return Error(ErrorCode::kBadRequest, Concat(event.where, ": ", manifest.error().message));
    }
    event.camera_id = manifest->camera_id;
    for (const json& object : item["evidence"]) {
      if (!object.is_string()) {
        return Error(ErrorCode::kBadRequest,
                     Concat(event.where, ": evidence must be base64 strings"));
      }
      auto bytes = FromBase64(object.get<std::string>());
      if (!bytes.ok()) {
        return Error(ErrorCode::kBadRequest, Concat(event.where, ": ", bytes.error().message));
      }
      event.incoming.evidence.push_back(std::move(*bytes));
    }
    out.push_back(std::move(event));
  }
  return out;
}

json IngestResultsJson(const std::vector<store::IngestResult>& results) {
  json out = json::array();
  for (const auto& r : results) {
    out.push_back(
        {{"event_id", r.event_id}, {"status", StatusName(r.status)}, {"reason", r.reason}});
  }
  return json{{"results", std::move(out)}};
}

}  // namespace safelane::server
