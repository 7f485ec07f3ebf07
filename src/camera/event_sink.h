#pragma once
// EventSink: where a camera's signed events go. The central store implements it in-process
// (store_sink.h); the HTTPS server and the distributed bus will implement it over the
// network. Camera code only ever talks to this interface, through the EventSpool in front.

#include <span>
#include <vector>

#include "core/result.h"
#include "store/ingestor.h"

namespace safelane::camera {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // One result per event, in batch order: accepted, duplicate (already there: a resend) or
  // refused with a reason. An Error means the receiver is unreachable or failed as a whole:
  // nothing of the batch was taken, and the caller retries later.
  virtual Result<std::vector<store::IngestResult>> Send(
      std::span<const store::IncomingEvent> batch) = 0;
};

}  // namespace safelane::camera
