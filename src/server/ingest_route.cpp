// Camera ingest. The dispatcher has authenticated the camera by its request signature
// (camera_auth.h); here each event must also be the camera's own (manifest camera_id),
// and the store's Ingestor checks each manifest's own signature, hashes and sizes.

#include <sodium.h>

#include <array>

#include "server/request_schema.h"
#include "server/route_handlers.h"
#include "server/server_context.h"
#include "store/event_manifest.h"
#include "store/ingestor.h"

namespace safelane::server {
namespace {

using nlohmann::json;
using FT = FieldType;

constexpr std::size_t kMaxEventsPerRequest = 1000;
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

ApiResponse IngestEvents(ServerContext& ctx, const ApiRequest& req) {
  auto body = ParseJsonObject(req.body, kBodyFields, req.body.size());
  if (!body.ok()) return FromError(body.error());
  const std::string camera_id = ActorOf(req).substr(std::string("camera:").size());
  std::vector<store::IncomingEvent> batch;
  std::size_t index = 0;
  for (const json& item : (*body)["events"]) {
    const std::string where = Concat("events[", std::to_string(index++), "]");
    auto event = CheckJsonObject(item, kEventFields, where);
    if (!event.ok()) return FromError(event.error());
    store::IncomingEvent incoming;
    incoming.manifest = item["manifest"].get<std::string>();
    incoming.signature_hex = item["signature"].get<std::string>();
    auto manifest = store::ParseManifest(incoming.manifest);
    if (!manifest.ok())
      return ErrorResponse(400, "bad_request", Concat(where, ": ", manifest.error().message));
    if (manifest->camera_id != camera_id) {
      return ErrorResponse(403, "forbidden", Concat(where, ": event belongs to another camera"));
    }
    for (const json& object : item["evidence"]) {
      if (!object.is_string())
        return ErrorResponse(400, "bad_request",
                             Concat(where, ": evidence must be base64 strings"));
      auto bytes = FromBase64(object.get<std::string>());
      if (!bytes.ok())
        return ErrorResponse(400, "bad_request", Concat(where, ": ", bytes.error().message));
      incoming.evidence.push_back(std::move(*bytes));
    }
    batch.push_back(std::move(incoming));
  }
  auto results = ctx.WithStore([&](store::Store& s) {
    store::Ingestor ingestor(s, ctx.vault, ctx.clock);
    return ingestor.Ingest(batch);
  });
  if (!results.ok()) return FromError(results.error());
  ApiResponse out;
  out.body["results"] = json::array();
  for (const auto& r : *results) {
    out.body["results"].push_back(
        {{"event_id", r.event_id}, {"status", StatusName(r.status)}, {"reason", r.reason}});
  }
  return out;
}

}  // namespace safelane::server
