#pragma once
// CameraNode: one camera, end to end.
//
//   CameraStream (video/) --frames--> CameraPipeline --VehiclePass--> is it a read?
//   (read_admission.h; if not: counted and logged) --> evidence --> DuplicateReadWindow
//   (held duplicate_window_s of stream time; a second pass of the same vehicle is merged in)
//   --> clip cut from the stream's packet ring --> signed event
//   --> EventSpool (disk, durable) --> EventSender thread --> EventSink ([sink] kind: the
//   store in-process, or a `safelane serve` over HTTPS)
//
// A read therefore leaves max(duplicate_window_s, clip_after_s) of stream time after the
// vehicle was last seen (at once at the end of the input or on stop). At a reconnect
// (video::Frame::session changes) every track ends: a vehicle in view across the outage
// gives a pass on each side, and the window makes them one read.
//
// Each read is also written as one JSON line to `reads_out` (with what the signed manifest
// does not carry: direction in the image, frames read, stream timestamps). Health (fps in
// and processed, dropped frames, reconnects, spool depth, per-stage times) is logged every
// health_every_s. Under overload frames are dropped (by the stream's bounded queue, and by
// the node while events wait for room in a full spool), never events.
// Run() returns at the end of a file input, on a fatal stream error, or when `stop` is set.

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <ostream>

#include "camera/camera_config.h"
#include "camera/camera_pipeline.h"
#include "camera/duplicate_read_window.h"
#include "camera/event_sender.h"
#include "camera/event_sink.h"
#include "camera/event_spool.h"
#include "core/result.h"
#include "security/ed25519.h"
#include "video/camera_stream.h"

namespace safelane::camera {

struct StageTotals {
  std::int64_t frames = 0;
  double plate_detect_ms = 0;
  double read_ms = 0;
  double vehicle_ms = 0;
  std::int64_t vehicle_frames = 0;
  double track_ms = 0;
  double process_ms = 0;  // whole pipeline per frame, wall
};

struct NodeSummary {
  std::int64_t reads = 0;              // passes turned into events
  std::int64_t events_spooled = 0;     // pushed to the spool
  std::int64_t events_pending = 0;     // still in the spool at exit (sent on the next start)
  std::int64_t frame_errors = 0;       // frames the pipeline failed on (logged)
  std::int64_t suppressed_tracks = 0;  // tracks that gave no read (see CameraPipeline)
  std::int64_t rejected_reads = 0;     // passes that are no plate read (read_admission.h)
  std::int64_t merged_duplicates = 0;  // passes merged into another of the same vehicle
  std::int64_t frames_dropped_by_node = 0;
  video::StreamHealth stream;
  SenderCounters sender;
  StageTotals stages;
  double wall_s = 0;
};

class CameraNode {
 public:
  static Result<std::unique_ptr<CameraNode>> Create(CameraConfig config, std::ostream* reads_out);

  Result<NodeSummary> Run(const std::atomic<bool>& stop);

 private:
  CameraNode(CameraConfig config, std::ostream* reads_out, CameraPipeline pipeline,
             security::SigningKey key, std::unique_ptr<EventSpool> spool,
             std::unique_ptr<EventSink> sink)
      : config_(std::move(config)),
        reads_out_(reads_out),
        pipeline_(std::move(pipeline)),
        key_(std::move(key)),
        spool_(std::move(spool)),
        sink_(std::move(sink)),
        sender_(*spool_, *sink_, config_.sender),
        window_(config_.duplicates) {}

  // A pass from the pipeline: refused (counted) or prepared and held in the window.
  void Hold(VehiclePass pass);
  // The pipeline's stage times of one completed frame, added to the summary's sums.
  void Count(const FrameTiming& timing);
  // Ends every track (and completes a frame still in flight: pipeline threads = 2).
  void FlushPipeline();
  void Emit(HeldRead& read, video::CameraStream* stream);
  void PushPending();
  void LogHealth(const video::CameraStream& stream, double wall_s) const;

  CameraConfig config_;
  std::ostream* reads_out_;
  CameraPipeline pipeline_;
  security::SigningKey key_;
  std::unique_ptr<EventSpool> spool_;
  std::unique_ptr<EventSink> sink_;
  EventSender sender_;
  DuplicateReadWindow window_;
  std::deque<store::IncomingEvent> unspooled_;  // waiting for room in a full spool
  NodeSummary summary_;
};

}  // namespace safelane::camera
