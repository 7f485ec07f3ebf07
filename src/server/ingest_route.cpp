// Camera ingest. The dispatcher has authenticated the camera by its request signature
// (camera_auth.h); here each event must also be the camera's own (manifest camera_id),
// and the store's Ingestor checks each manifest's own signature, hashes and sizes.

#include "server/ingest_batch.h"
#include "server/request_schema.h"
#include "server/route_handlers.h"
#include "server/server_context.h"
#include "store/ingestor.h"

namespace safelane::server {

ApiResponse IngestEvents(ServerContext& ctx, const ApiRequest& req) {
  auto parsed = ParseIngestBatch(req.body);
  if (!parsed.ok()) return FromError(parsed.error());
  const std::string camera_id = ActorOf(req).substr(std::string("camera:").size());
  std::vector<store::IncomingEvent> batch;
  batch.reserve(parsed->size());
  for (auto& event : *parsed) {
    if (event.camera_id != camera_id) {
      return ErrorResponse(403, "forbidden",
                           Concat(event.where, ": event belongs to another camera"));
    }
    batch.push_back(std::move(event.incoming));
  }
  auto results = ctx.WithStore([&](store::Store& s) {
    store::Ingestor ingestor(s, ctx.vault, ctx.clock);
    return ingestor.Ingest(batch);
  });
  if (!results.ok()) return FromError(results.error());
  ApiResponse out;
  out.body = IngestResultsJson(*results);
  return out;
}

}  // namespace safelane::server
