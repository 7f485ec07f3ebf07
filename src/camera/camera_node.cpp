#include "camera/camera_node.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "camera/camera_key.h"
#include "camera/evidence_builder.h"
#include "camera/https_event_sink.h"
#include "camera/read_admission.h"
#include "camera/read_event_signer.h"
#include "camera/store_sink.h"

namespace safelane::camera {
namespace {

using Clock = std::chrono::steady_clock;

// Events waiting for spool room beyond this make the node skip frames until they fit.
constexpr std::size_t kMaxUnspooled = 64;

std::int64_t EpochMs(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

Result<security::Bytes> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorCode::kIo, "cannot read " + path.string());
  return security::Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteLocalCopies(const std::filesystem::path& dir, const std::string& event_id,
                      const std::vector<EvidenceObject>& objects) {
  std::error_code ec;
  const auto folder = dir / event_id;
  std::filesystem::create_directories(folder, ec);
  for (const auto& o : objects) {
    std::ofstream out(folder / (o.role + (o.role == "clip" ? ".mp4" : ".jpg")), std::ios::binary);
    out.write(reinterpret_cast<const char*>(o.bytes.data()),
              static_cast<std::streamsize>(o.bytes.size()));
    if (!out) spdlog::warn("could not write local evidence copy in {}", folder.string());
  }
}

}  // namespace

Result<std::unique_ptr<CameraNode>> CameraNode::Create(CameraConfig config,
                                                       std::ostream* reads_out) {
  auto key = LoadCameraKey(config.signing_key_file);
  if (!key) return key.error();
  if (auto ok = ValidateDuplicateWindowOptions(config.duplicates); !ok) return ok.error();
  if (auto ok = ValidateReadAdmissionOptions(config.admission); !ok) return ok.error();
  auto pipeline = CameraPipeline::Create(config.pipeline);
  if (!pipeline) return pipeline.error();
  auto spool = EventSpool::Open(config.spool);
  if (!spool) return spool.error();
  std::unique_ptr<EventSink> sink;
  if (config.sink == SinkKind::kHttps) {
    // The sink signs requests with its own copy of the key (SigningKey is move-only).
    auto request_key = LoadCameraKey(config.signing_key_file);
    if (!request_key) return request_key.error();
    static const store::SystemClock kWallClock;
    auto https =
        HttpsEventSink::Create(config.https, config.camera.id, std::move(*request_key), kWallClock);
    if (!https) return https.error();
    sink = std::move(*https);
  } else {
    sink = std::make_unique<StoreSink>(store::StoreLocation{.backend = config.store_backend,
                                                            .data_dir = config.store_dir,
                                                            .postgres = config.store_postgres},
                                       config.master_key_file);
  }
  return std::unique_ptr<CameraNode>(new CameraNode(std::move(config), reads_out,
                                                    std::move(*pipeline), std::move(*key),
                                                    std::move(*spool), std::move(sink)));
}

void CameraNode::PushPending() {
  while (!unspooled_.empty()) {
    if (auto pushed = spool_->Push(unspooled_.front()); !pushed) {
      spdlog::warn("event waits for the spool: {}", pushed.error().message);
      return;
    }
    unspooled_.pop_front();
    ++summary_.events_spooled;
    sender_.Wake();
  }
}

void CameraNode::Hold(VehiclePass pass) {
  if (auto why = WhyNotARead(pass.vote, config_.admission); !why.empty()) {
    // Not a plate (a fragment, background text): no event, but counted in the health line.
    ++summary_.rejected_reads;
    spdlog::info("track {}: \"{}\" (confidence {:.2f}, {} frames) is not a read: {}", pass.track_id,
                 pass.vote.text, pass.vote.confidence, pass.vote.frames_agreed, why);
    return;
  }
  HeldRead read;
  read.event_id = EventIdFor(config_.camera.id, pass);
  auto evidence = BuildEvidence(
      pass, {config_.camera.id, config_.camera.latitude, config_.camera.longitude, read.event_id},
      config_.evidence.jpeg_quality);
  if (!evidence) {
    // Without its frame the read cannot be evidenced; it is still reported, never dropped.
    spdlog::error("read {}: evidence failed: {}", read.event_id, evidence.error().message);
  } else {
    read.evidence = std::move(*evidence);
  }
  // The evidence is encoded: the full-resolution frames need not wait in the window.
  pass.frame.release();
  pass.vehicle_frame.release();
  read.pass = std::move(pass);
  if (window_.Add(std::move(read))) {
    ++summary_.merged_duplicates;
    spdlog::info("a second pass of one vehicle was merged into its held read");
  }
}

void CameraNode::Emit(HeldRead& read, video::CameraStream* stream) {
  const VehiclePass& pass = read.pass;
  const std::string& event_id = read.event_id;
  std::vector<EvidenceObject>& evidence = read.evidence;
  if (config_.evidence.clip && stream != nullptr) {
    const auto from =
        pass.first_seen -
        std::chrono::milliseconds(static_cast<std::int64_t>(config_.evidence.clip_before_s * 1000));
    const auto to =
        pass.last_seen +
        std::chrono::milliseconds(static_cast<std::int64_t>(config_.evidence.clip_after_s * 1000));
    const auto tmp = config_.spool.dir / ("clip-" + std::to_string(::getpid()) + ".mp4");
    if (auto cut = stream->WriteClip(from, to, tmp); cut) {
      if (auto bytes = ReadFile(tmp); bytes) evidence.push_back({"clip", std::move(*bytes)});
    } else {
      spdlog::warn("read {}: no clip: {}", event_id, cut.error().message);
    }
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
  }
  auto signed_event = SignReadEvent(
      ReadEventFor(config_.camera.id, config_.camera.heading_deg, pass), evidence, key_);
  if (!signed_event) {
    spdlog::error("read {} is not a valid event: {}", event_id, signed_event.error().message);
    return;
  }
  if (!config_.evidence.dir.empty()) WriteLocalCopies(config_.evidence.dir, event_id, evidence);
  unspooled_.push_back(std::move(*signed_event));
  PushPending();
  ++summary_.reads;
  if (reads_out_ != nullptr) {
    const nlohmann::json line = {
        {"event_id", event_id},
        {"plate", pass.vote.text},
        {"country", pass.vote.country},
        {"confidence", pass.vote.confidence},
        {"frames_agreed", pass.vote.frames_agreed},
        {"frames_read", pass.vote.frames_read},
        {"merged_passes", read.merged},
        {"direction", pass.direction},
        {"compass", CompassDirection(pass.direction, config_.camera.heading_deg)},
        {"lane", pass.lane},
        {"vehicle_class", pass.vehicle_class},
        {"colour", pass.colour},
        {"captured_at", Iso8601Utc(pass.captured_at)},
        {"first_seen_ms", EpochMs(pass.first_seen)},
        {"last_seen_ms", EpochMs(pass.last_seen)},
        {"frame_index", pass.frame_index},
        {"pts_us", pass.pts_us},
        {"track_id", pass.track_id},
        {"evidence", evidence.size()}};
    *reads_out_ << line.dump() << '\n' << std::flush;
  }
}

void CameraNode::LogHealth(const video::CameraStream& stream, double wall_s) const {
  const auto h = stream.Health();
  const auto s = sender_.counters();
  const auto& st = summary_.stages;
  const double n = static_cast<double>(std::max<std::int64_t>(st.frames, 1));
  const nlohmann::json line = {
      {"camera", config_.camera.id},
      {"uptime_s", wall_s},
      {"fps_in", h.fps_in},
      {"fps_processed", h.fps_processed},
      {"frames_in", h.frames_in},
      {"frames_processed", h.frames_processed},
      {"frames_dropped", h.frames_dropped + summary_.frames_dropped_by_node},
      {"reconnects", h.reconnects},
      {"connected", h.connected},
      {"last_error", h.last_error},
      {"reads", summary_.reads},
      {"suppressed_tracks", pipeline_.suppressed_tracks()},
      {"rejected_reads", summary_.rejected_reads},
      {"merged_duplicates", summary_.merged_duplicates},
      {"reads_held", window_.size()},
      {"spool_events", spool_->size()},
      {"events_accepted", s.accepted},
      {"events_duplicate", s.duplicates},
      {"events_refused", s.refused},
      {"sink_error", s.last_error},
      {"ms_per_frame",
       {{"plate_detect", st.plate_detect_ms / n},
        {"read", st.read_ms / n},
        {"vehicle",
         st.vehicle_frames > 0 ? st.vehicle_ms / static_cast<double>(st.vehicle_frames) : 0.0},
        {"track", st.track_ms / n},
        {"pipeline", st.process_ms / n}}}};
  spdlog::info("health {}", line.dump());
}

void CameraNode::Count(const FrameTiming& timing) {
  auto& st = summary_.stages;
  st.plate_detect_ms += timing.plate_detect_ms;
  st.read_ms += timing.read_ms;
  st.track_ms += timing.track_ms;
  if (timing.vehicle_ms > 0) {
    st.vehicle_ms += timing.vehicle_ms;
    ++st.vehicle_frames;
  }
}

void CameraNode::FlushPipeline() {
  FrameTiming timing;
  std::optional<Error> failed;
  auto passes = pipeline_.Flush(&timing, &failed);
  // With pipeline threads = 2 each Process call completed the frame before it; this one
  // was counted in frames when it was handed over.
  Count(timing);
  if (failed) {
    ++summary_.frame_errors;
    spdlog::error("last frame: {}", failed->message);
  }
  for (auto& pass : passes) Hold(std::move(pass));
}

Result<NodeSummary> CameraNode::Run(const std::atomic<bool>& stop) {
  // Before connecting, so a live stream's first second is not dropped (CameraPipeline::WarmUp).
  if (auto warm = pipeline_.WarmUp(cv::Size(1920, 1080)); !warm) {
    spdlog::warn("models could not be warmed up: {}", warm.error().message);
  }
  auto stream = video::CameraStream::Start(config_.stream);
  if (!stream) return stream.error();
  sender_.Start();
  const auto t0 = Clock::now();
  auto next_health =
      t0 + std::chrono::milliseconds(static_cast<std::int64_t>(config_.health_every_s * 1000));
  std::optional<Error> fatal;
  WallTime latest{};
  std::int64_t session = -1;  // the stream session (connection) of the frames being tracked
  while (!stop.load()) {
    auto next = (*stream)->NextFrame(std::chrono::milliseconds(200));
    if (!next) {
      fatal = next.error();
      break;
    }
    if (Clock::now() >= next_health) {
      LogHealth(**stream, std::chrono::duration<double>(Clock::now() - t0).count());
      next_health +=
          std::chrono::milliseconds(static_cast<std::int64_t>(config_.health_every_s * 1000));
    }
    if (!next->has_value()) {
      if ((*stream)->Health().finished) break;
      continue;
    }
    const video::Frame& frame = **next;
    if (frame.session != session) {
      // A reconnect: the outage lies between the last frame and this one, and where a
      // vehicle went meanwhile is not known (a camera's world moved on; a replaying source
      // did not). Every track ends here; a vehicle seen on both sides becomes two passes of
      // one vehicle, which the duplicate window merges into one read.
      if (session >= 0) {
        FlushPipeline();
      }
      session = frame.session;
    }
    latest = frame.captured_at;
    PushPending();
    if (unspooled_.size() > kMaxUnspooled) {
      ++summary_.frames_dropped_by_node;
      (*stream)->MarkProcessed();
      continue;
    }
    FrameTiming timing;
    const auto p0 = Clock::now();
    auto passes =
        pipeline_.Process(frame.bgr, frame.index, frame.pts_us, frame.captured_at, &timing);
    summary_.stages.process_ms +=
        std::chrono::duration<double, std::milli>(Clock::now() - p0).count();
    ++summary_.stages.frames;
    Count(timing);
    (*stream)->MarkProcessed();
    if (!passes) {
      ++summary_.frame_errors;
      spdlog::error("frame {}: {}", frame.index, passes.error().message);
      continue;
    }
    for (auto& pass : *passes) Hold(std::move(pass));
    const auto clip_tail = std::chrono::milliseconds(
        config_.evidence.clip ? static_cast<std::int64_t>(config_.evidence.clip_after_s * 1000)
                              : 0);
    for (auto& read : window_.TakeClosed(latest, clip_tail)) Emit(read, stream->get());
  }
  FlushPipeline();
  for (auto& read : window_.TakeAll()) Emit(read, stream->get());
  PushPending();
  (*stream)->Stop();
  sender_.Stop();
  // One last delivery attempt; what the receiver does not take stays spooled for next start.
  if (auto last = sender_.DrainOnce(); !last) {
    spdlog::warn("{} events stay spooled: {}", spool_->size(), last.error().message);
  }
  const double wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  LogHealth(**stream, wall_s);
  summary_.stream = (*stream)->Health();
  summary_.sender = sender_.counters();
  summary_.events_pending = static_cast<std::int64_t>(spool_->size() + unspooled_.size());
  summary_.wall_s = wall_s;
  summary_.suppressed_tracks = pipeline_.suppressed_tracks();
  if (fatal) return *fatal;
  return summary_;
}

}  // namespace safelane::camera
