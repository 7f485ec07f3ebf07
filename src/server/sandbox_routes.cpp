// The installer's sandbox: a store and vault of its own (data/sandbox) where an installer
// enrols test cameras, uploads their signed events and reads them back to prove a camera
// works, without ever touching real data. Nothing here reads or writes ctx.store or
// ctx.vault; the sandbox is reached only through ctx.WithSandbox. The real audit log
// records what the installer did (never the sandbox's plates).

#include <array>

#include "security/ed25519.h"
#include "server/api_json.h"
#include "server/camera_enrolment.h"
#include "server/ingest_batch.h"
#include "server/request_schema.h"
#include "server/route_handlers.h"
#include "server/server_context.h"
#include "store/ingestor.h"

namespace safelane::server {
namespace {

using nlohmann::json;
using FT = FieldType;

constexpr std::array kTestCameraFields = {
    FieldRule{"camera_id", FT::kString, true, 64},
    FieldRule{"name", FT::kString, false, 200},
    FieldRule{"public_key", FT::kString, true, 64},
};

constexpr std::array kSandboxReadFields = {FieldRule{"limit", FT::kInteger}};

}  // namespace

ApiResponse SandboxEnrolCamera(ServerContext& ctx, const ApiRequest& req) {
  auto body = ParseJsonObject(req.body, kTestCameraFields);
  if (!body.ok()) return FromError(body.error());
  auto enrolment = EnrolmentFromBody(*body);
  if (!enrolment.ok()) return FromError(enrolment.error());
  store::Camera camera = std::move(*enrolment);
  camera.name = body->value("name", "test camera " + camera.id);
  camera.city = "sandbox";
  // An installer re-tests a camera many times: enrolling again replaces the test key.
  auto enrolled = ctx.WithSandbox(
      [&](store::Store& s, store::EvidenceVault&) { return s.RegisterCamera(camera); });
  if (!enrolled.ok()) return FromError(enrolled.error());
  return EnrolledAnswer(ctx, req, "sandbox.camera_enrol", "sandbox-camera:" + camera.id, camera);
}

ApiResponse SandboxIngest(ServerContext& ctx, const ApiRequest& req) {
  auto parsed = ParseIngestBatch(req.body);
  if (!parsed.ok()) return FromError(parsed.error());
  std::vector<store::IncomingEvent> batch;
  batch.reserve(parsed->size());
  for (auto& event : *parsed) batch.push_back(std::move(event.incoming));
  // The sandbox's Ingestor checks each event against the sandbox's test cameras: a real
  // camera's event is refused here unless its key was enrolled in the sandbox too.
  auto results = ctx.WithSandbox([&](store::Store& s, store::EvidenceVault& v) {
    store::Ingestor ingestor(s, v, ctx.clock);
    return ingestor.Ingest(batch);
  });
  if (!results.ok()) return FromError(results.error());
  auto audited =
      Audit(ctx, req, "sandbox.ingest", "sandbox", "events=" + std::to_string(results->size()));
  if (!audited.ok()) return FromError(audited.error());
  ApiResponse out;
  out.body = IngestResultsJson(*results);
  return out;
}

ApiResponse SandboxReads(ServerContext& ctx, const ApiRequest& req) {
  auto q = ParseQuery(req.query, kSandboxReadFields);
  if (!q.ok()) return FromError(q.error());
  store::ReadQuery query;
  query.limit = static_cast<int>(
      std::clamp<std::int64_t>(q->value("limit", std::int64_t{100}), -1, 1'000'000));
  auto reads =
      ctx.WithSandbox([&](store::Store& s, store::EvidenceVault&) { return s.SearchReads(query); });
  if (!reads.ok()) return FromError(reads.error());
  ApiResponse out;
  out.body["reads"] = json::array();
  for (const auto& r : *reads) out.body["reads"].push_back(ReadJson(r));
  return out;
}

}  // namespace safelane::server
