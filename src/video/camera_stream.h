#pragma once
// CameraStream: one video source (RTSP, HTTP(S) MJPEG or a file) -> decoded BGR frames,
// plus a ring of the compressed packets from which evidence clips are cut.
//
// Pipeline, all on one reader thread owned by the stream:
//   demux (libavformat) -> packet ring (compressed, bounded by seconds and bytes)
//                       -> decode (libavcodec, bounded threads) -> BGR (swscale)
//                       -> frame queue (max_queued_frames; the oldest is dropped and counted)
// The consumer (the camera node) pulls with NextFrame() and reports MarkProcessed() when it
// has finished a frame, so Health() can tell frames decoded from frames processed.
//
// Errors: Start() refuses bad options with kBadConfig. A live source (rtsp://, http(s)://)
// that fails to open, stalls past read_timeout or drops is reconnected with exponential
// backoff and jitter for ever; the reason is in Health().last_error and NextFrame() keeps
// returning nullopt meanwhile (never a fake frame). A file that cannot be opened or decoded
// (missing, garbage, truncated, unsupported codec) ends the stream: NextFrame() then returns
// that Error (kIo: cannot read / connect; kBadImage: the bytes are not decodable video, or
// the file is truncated or damaged: fewer frames came out than the container announces).
// Frames the decoder marks as damaged (packet loss, a stream joined between key frames) are
// never handed out; they are counted in Health().corrupt_frames.
// Every blocking libav call is bounded by an interrupt callback, so a server that stops
// answering cannot hang the reader thread, and Stop() returns promptly.
//
// Times: captured_at and the clip range share one timeline: live sources follow the arrival
// wall clock (smoothed by the source's timestamps); files start at the wall clock of their
// open and follow their own timestamps (with Replay::kFast time runs ahead of the clock).
// Files replayed with Replay::kFast never drop frames: the reader waits for the consumer.
// libav's own log is silenced (AV_LOG_FATAL): every failure reaches the caller as a typed
// Error or last_error instead.
//
// Thread-safety: all public methods may be called from any thread; one consumer of
// NextFrame() is assumed. The destructor calls Stop().

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <string>
#include <variant>

#include "core/result.h"

namespace safelane::video {

using Done = std::monostate;

enum class Transport { kTcp, kUdp };     // RTSP transport
enum class Replay { kRealTime, kFast };  // files: at real speed (by pts), or as fast as possible

struct StreamOptions {
  std::string url;  // rtsp://, http(s):// (MJPEG multipart), or a file path (mp4/mkv/ts)
  Transport transport = Transport::kTcp;
  Replay replay = Replay::kRealTime;
  std::chrono::milliseconds open_timeout{5000};  // connect + probe, 100 ms .. 10 min
  std::chrono::milliseconds read_timeout{5000};  // no packet for this long = stalled, reconnect
  std::chrono::milliseconds backoff_min{500};    // reconnect backoff, doubled per failure ...
  std::chrono::milliseconds backoff_max{30000};  // ... up to this, +-20 % jitter
  std::chrono::seconds ring_seconds{30};         // compressed packets kept for clips, 0 .. 600
  std::int64_t ring_max_bytes = 256LL << 20;     // hard cap on the ring whatever the bitrate
  int max_queued_frames = 2;  // decoded frames waiting; older ones are dropped and counted
  bool loop_file = false;     // files: start again at the end instead of finishing
  int decode_threads = 1;     // libavcodec threads for this stream, 1 .. 16
  // Larger frames are refused before any is decoded (kBadImage): a hostile stream cannot
  // make the reader allocate gigabytes. As for still images: a little over 8K UHD x 2.
  std::int64_t max_frame_pixels = 80'000'000;  // 1 .. 268'435'456 (16384 x 16384)
};

struct Frame {
  cv::Mat bgr;          // CV_8UC3, owned by the frame (never reused by the stream after hand-over)
  std::int64_t index;   // 0, 1, 2 ... over the life of the stream (continues across reconnects)
  std::int64_t pts_us;  // presentation time in the source's time base, microseconds
  std::chrono::system_clock::time_point captured_at;  // wall clock when the packet arrived
  // 0 for the first connection, +1 for each reconnect (and each loop of a looping file):
  // frames of different sessions are not continuous (the outage lies between them).
  std::int64_t session = 0;
};

struct StreamHealth {
  double fps_in = 0;         // frames decoded per second, over the last few seconds
  double fps_processed = 0;  // MarkProcessed() calls per second, same window
  std::int64_t frames_in = 0;
  std::int64_t frames_processed = 0;
  std::int64_t frames_dropped = 0;  // decoded but pushed out of the full frame queue
  std::int64_t reconnects = 0;      // successful re-opens after a drop or failed open
  std::optional<std::chrono::system_clock::time_point> last_frame_at;
  std::string last_error;            // the latest failure, kept after recovery ("" if none yet)
  bool connected = false;            // input open and delivering packets
  bool finished = false;             // a file ended (or failed) and will deliver nothing more
  std::int64_t corrupt_packets = 0;  // packets the decoder rejected (lossy UDP, damaged file)
  std::int64_t corrupt_frames = 0;   // decoded frames marked damaged: skipped, never handed out
  double decode_ms = 0;              // mean wall ms per decoded frame in libavcodec (reader thread)
  double convert_ms = 0;             // mean wall ms per frame converting to BGR (swscale)
  std::int64_t ring_bytes = 0;       // compressed bytes held for clips
  double ring_seconds = 0;           // span of the ring
};

class CameraStream {
 public:
  // Validates the options and starts the reader thread; the source is opened on that thread
  // (a slow server never blocks the caller). Bad options -> kBadConfig.
  static Result<std::unique_ptr<CameraStream>> Start(const StreamOptions& options);

  CameraStream(const CameraStream&) = delete;
  CameraStream& operator=(const CameraStream&) = delete;
  ~CameraStream();

  // Waits up to `wait` for the next decoded frame. nullopt: none yet (or reconnecting), or the
  // file finished cleanly. An Error: the file source failed for good (see header comment).
  Result<std::optional<Frame>> NextFrame(std::chrono::milliseconds wait);

  // The consumer reports one frame done (feeds fps_processed / frames_processed).
  void MarkProcessed();

  StreamHealth Health() const;

  // Cuts [from, to] from the ring without re-encoding and writes an MP4 (atomically: written
  // as MP4.partial, then renamed). The clip starts at the key frame at or before `from` (so
  // it decodes) and ends with the last frame shown at or before `to` (plus, with B-frames,
  // at most the few frames they reference). Callers add their own pre/post margins. A range
  // that only partly overlaps the ring is cut to what the ring holds (a vehicle seen in the
  // first seconds of a stream still gets a clip); check the clip's duration if that matters.
  // kBadRequest: from > to, or the range does not overlap the ring at all (too old, not yet
  // received); kIo: the file cannot be written.
  Result<Done> WriteClip(std::chrono::system_clock::time_point from,
                         std::chrono::system_clock::time_point to,
                         const std::filesystem::path& mp4);

  // Stops the reader thread and closes the source; idempotent; frames already queued stay
  // readable.
  void Stop();

 private:
  struct State;
  explicit CameraStream(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace safelane::video
