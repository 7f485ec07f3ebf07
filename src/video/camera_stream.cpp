#include "video/camera_stream.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

#include "video/backoff.h"
#include "video/frame_decoder.h"
#include "video/packet_ring.h"
#include "video/stream_source.h"
#include "video/timeline.h"

extern "C" {
#include <libavutil/log.h>
}

namespace safelane::video {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using std::chrono::system_clock;

constexpr AVRational kMicroseconds{1, 1'000'000};
constexpr std::chrono::seconds kFpsWindow{5};
// A run of undecodable packets this long means the source is not (or no longer) video.
constexpr int kMaxConsecutiveCorrupt = 25;

std::int64_t WallUs(system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
std::int64_t NowUs() {
  return WallUs(system_clock::now());
}
system_clock::time_point FromUs(std::int64_t us) {
  return system_clock::time_point(
      std::chrono::duration_cast<system_clock::duration>(std::chrono::microseconds(us)));
}

Result<std::monostate> Validate(const StreamOptions& o) {
  const auto bad = [](const std::string& what) { return Error(ErrorCode::kBadConfig, what); };
  if (o.url.empty()) return bad("stream url is empty");
  if (o.url.find('\0') != std::string::npos) return bad("stream url contains a NUL byte");
  if (o.url.find("://") != std::string::npos && !IsLiveUrl(o.url)) {
    return bad("stream url scheme not supported (rtsp, rtsps, http, https or a file path): " +
               UrlForMessages(o.url));
  }
  const auto in = [](milliseconds v, milliseconds lo, milliseconds hi) {
    return v >= lo && v <= hi;
  };
  if (!in(o.open_timeout, milliseconds(100), milliseconds(600'000))) {
    return bad("open_timeout must be 100 ms .. 10 min");
  }
  if (!in(o.read_timeout, milliseconds(100), milliseconds(600'000))) {
    return bad("read_timeout must be 100 ms .. 10 min");
  }
  if (!in(o.backoff_min, milliseconds(10), milliseconds(600'000))) {
    return bad("backoff_min must be 10 ms .. 10 min");
  }
  if (!in(o.backoff_max, o.backoff_min, milliseconds(600'000))) {
    return bad("backoff_max must be backoff_min .. 10 min");
  }
  if (o.ring_seconds.count() < 0 || o.ring_seconds.count() > 600) {
    return bad("ring_seconds must be 0 .. 600");
  }
  if (o.ring_max_bytes < 0 || o.ring_max_bytes > (4LL << 30)) {
    return bad("ring_max_bytes must be 0 .. 4 GiB");
  }
  if (o.max_queued_frames < 1 || o.max_queued_frames > 64) {
    return bad("max_queued_frames must be 1 .. 64");
  }
  if (o.decode_threads < 1 || o.decode_threads > 16) return bad("decode_threads must be 1 .. 16");
  if (o.max_frame_pixels < 1 || o.max_frame_pixels > 16384LL * 16384) {
    return bad("max_frame_pixels must be 1 .. 16384 x 16384");
  }
  return std::monostate{};
}

// Events per second over the last kFpsWindow.
class RateWindow {
 public:
  void Add(steady_clock::time_point t) {
    times_.push_back(t);
    Trim(t);
  }
  double Rate(steady_clock::time_point now, steady_clock::time_point started) {
    Trim(now);
    const auto window = std::min<steady_clock::duration>(kFpsWindow, now - started);
    const double seconds = std::chrono::duration<double>(window).count();
    return seconds > 0.05 ? static_cast<double>(times_.size()) / seconds : 0.0;
  }

 private:
  void Trim(steady_clock::time_point now) {
    while (!times_.empty() && now - times_.front() > kFpsWindow) times_.pop_front();
  }
  std::deque<steady_clock::time_point> times_;
};

}  // namespace

struct CameraStream::State {
  explicit State(const StreamOptions& o)
      : options(o),
        live(IsLiveUrl(o.url)),
        wait_for_consumer(!live && o.replay == Replay::kFast),
        ring(o.ring_seconds, o.ring_max_bytes),
        started(steady_clock::now()) {}

  void Run();
  Result<std::monostate> RunSession(StreamSource& source);
  void Deliver(DecodedFrame decoded, AVRational time_base, std::int64_t arrival_us);
  // Sleeps until `until` or Stop(); false if stopped.
  bool SleepUntil(steady_clock::time_point until);
  void SetError(const std::string& message);
  void Finish(std::optional<Error> error);

  const StreamOptions options;
  const bool live;
  const bool wait_for_consumer;
  PacketRing ring;
  Timeline timeline;  // reader thread only
  const steady_clock::time_point started;
  std::atomic<bool> stop{false};

  mutable std::mutex mutex;
  std::condition_variable frame_ready;  // a frame was queued, or the stream finished
  std::condition_variable space_ready;  // the consumer took a frame (kFast files)
  std::condition_variable wake;         // Stop() interrupts backoff and pacing sleeps
  std::deque<Frame> queue;
  StreamHealth health;
  RateWindow in_rate;
  RateWindow processed_rate;
  std::optional<Error> failure;
  std::int64_t next_index = 0;
  std::int64_t session = -1;   // the current connection (Frame::session)
  std::int64_t decode_ns = 0;  // over the stream's life (all sessions)
  std::int64_t convert_ns = 0;

  std::mutex stop_mutex;
  std::thread thread;
};

bool CameraStream::State::SleepUntil(steady_clock::time_point until) {
  std::unique_lock lock(mutex);
  return !wake.wait_until(lock, until, [&] { return stop.load(); });
}

void CameraStream::State::SetError(const std::string& message) {
  std::lock_guard lock(mutex);
  health.last_error = message;
  health.connected = false;
}

void CameraStream::State::Finish(std::optional<Error> error) {
  std::lock_guard lock(mutex);
  if (error) health.last_error = error->message;
  failure = std::move(error);
  health.connected = false;
  health.finished = true;
  frame_ready.notify_all();
}

void CameraStream::State::Run() {
  Backoff backoff(options.backoff_min, options.backoff_max, std::random_device{}());
  bool tried_before = false;
  while (!stop.load()) {
    auto source = StreamSource::Open(options, stop);
    if (stop.load()) break;
    if (!source.ok()) {
      if (!live) return Finish(source.error());
      SetError(source.error().message);
      tried_before = true;
      if (!SleepUntil(steady_clock::now() + backoff.Next())) break;
      continue;
    }
    {
      std::lock_guard lock(mutex);
      if (live && tried_before) ++health.reconnects;  // a looping file is not a reconnect
      health.connected = true;
      ++session;
    }
    tried_before = true;
    const std::int64_t frames_before = health.frames_in;  // only this thread writes it
    auto outcome = RunSession(**source);
    source->reset();  // close the connection before sleeping
    if (stop.load()) break;
    if (!live) {
      if (!outcome.ok()) return Finish(outcome.error());
      if (options.loop_file) continue;
      return Finish(std::nullopt);
    }
    SetError(outcome.ok() ? UrlForMessages(options.url) + ": stream ended"
                          : outcome.error().message);
    if (health.frames_in > frames_before) backoff.Reset();
    if (!SleepUntil(steady_clock::now() + backoff.Next())) break;
  }
  std::lock_guard lock(mutex);
  health.connected = false;
  frame_ready.notify_all();
}

Result<std::monostate> CameraStream::State::RunSession(StreamSource& source) {
  const AVRational time_base = source.time_base();
  ring.SetSource(source.parameters(), time_base);
  timeline.StartSegment();
  auto decoder = FrameDecoder::Open(source.parameters(), options.decode_threads,
                                    options.max_queued_frames + 3, options.max_frame_pixels);
  if (!decoder.ok()) return decoder.error();
  PacketPtr packet(av_packet_alloc());
  if (!packet) return Error(ErrorCode::kIo, "out of memory");

  const bool paced = !live && options.replay == Replay::kRealTime;
  std::optional<std::int64_t> first_dts_us;
  const steady_clock::time_point session_start = steady_clock::now();
  std::int64_t frames = 0;
  std::int64_t last_arrival_us = NowUs();
  int consecutive_corrupt = 0;
  std::int64_t rejected_packets = 0;
  std::int64_t corrupt_frames = 0;     // the decoder's count already added to health
  std::int64_t session_decode_ns = 0;  // the decoder's times already added
  std::int64_t session_convert_ns = 0;
  const auto sink = [&](DecodedFrame decoded) {
    ++frames;
    Deliver(std::move(decoded), time_base, last_arrival_us);
  };

  while (!stop.load()) {
    auto status = source.Read(packet.get());
    if (!status.ok()) return status.error();
    if (*status == StreamSource::ReadStatus::kEnd) {
      (void)decoder->Decode(nullptr, sink);  // drain frames still inside the decoder
      const std::int64_t announced = source.announced_frames();
      if (!live && announced > 0 && frames < announced) {
        const std::int64_t damaged = decoder->corrupt_frames();
        std::string what = damaged > 0 || rejected_packets > 0 ? "damaged" : "truncated";
        return Error(ErrorCode::kBadImage,
                     "video file " + options.url + " is " + what + ": " + std::to_string(frames) +
                         " of " + std::to_string(announced) + " frames decoded (" +
                         std::to_string(damaged) + " damaged frames skipped, " +
                         std::to_string(rejected_packets) + " packets rejected)");
      }
      return std::monostate{};
    }
    std::int64_t pts = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
    std::int64_t dts = packet->dts != AV_NOPTS_VALUE ? packet->dts : pts;
    std::int64_t pts_us = pts != AV_NOPTS_VALUE ? av_rescale_q(pts, time_base, kMicroseconds) : 0;
    std::int64_t dts_us = dts != AV_NOPTS_VALUE ? av_rescale_q(dts, time_base, kMicroseconds) : 0;
    if (pts == AV_NOPTS_VALUE) {  // some MJPEG sources stamp nothing: use the arrival time
      pts_us = dts_us = WallUs(system_clock::now());
    }
    if (paced) {
      if (!first_dts_us) first_dts_us = dts_us;
      const auto due = session_start + std::chrono::microseconds(dts_us - *first_dts_us);
      if (due > steady_clock::now() && !SleepUntil(due)) break;
    }
    last_arrival_us = NowUs();
    const std::int64_t pts_wall = timeline.Stamp(pts_us, last_arrival_us, live);
    ring.Push(*packet, pts_wall, pts_wall - std::max<std::int64_t>(0, pts_us - dts_us));
    auto decoded = decoder->Decode(packet.get(), sink);
    av_packet_unref(packet.get());
    {
      std::lock_guard lock(mutex);
      health.corrupt_frames += decoder->corrupt_frames() - corrupt_frames;
      corrupt_frames = decoder->corrupt_frames();
      decode_ns += decoder->decode_ns() - session_decode_ns;
      convert_ns += decoder->convert_ns() - session_convert_ns;
      session_decode_ns = decoder->decode_ns();
      session_convert_ns = decoder->convert_ns();
    }
    if (decoded.ok()) {
      consecutive_corrupt = 0;
      continue;
    }
    {
      std::lock_guard lock(mutex);
      ++health.corrupt_packets;
      ++rejected_packets;
      health.last_error = decoded.error().message;
    }
    if (++consecutive_corrupt >= kMaxConsecutiveCorrupt) {
      return Error(ErrorCode::kBadImage,
                   UrlForMessages(options.url) + ": " + std::to_string(consecutive_corrupt) +
                       " undecodable packets in a row (" + decoded.error().message + ")");
    }
  }
  return std::monostate{};
}

void CameraStream::State::Deliver(DecodedFrame decoded, AVRational time_base,
                                  std::int64_t arrival_us) {
  Frame frame;
  frame.bgr = std::move(decoded.bgr);
  frame.pts_us =
      decoded.pts != AV_NOPTS_VALUE ? av_rescale_q(decoded.pts, time_base, kMicroseconds) : 0;
  frame.captured_at =
      FromUs(decoded.pts != AV_NOPTS_VALUE && timeline.anchored() ? timeline.Map(frame.pts_us)
                                                                  : arrival_us);
  std::unique_lock lock(mutex);
  if (wait_for_consumer) {
    space_ready.wait(lock, [&] {
      return stop.load() || queue.size() < static_cast<std::size_t>(options.max_queued_frames);
    });
    if (stop.load()) return;
  } else if (queue.size() >= static_cast<std::size_t>(options.max_queued_frames)) {
    queue.pop_front();
    ++health.frames_dropped;
  }
  frame.index = next_index++;
  frame.session = session;
  const auto now = steady_clock::now();
  ++health.frames_in;
  health.last_frame_at = system_clock::now();
  in_rate.Add(now);
  queue.push_back(std::move(frame));
  frame_ready.notify_one();
}

Result<std::unique_ptr<CameraStream>> CameraStream::Start(const StreamOptions& options) {
  auto valid = Validate(options);
  if (!valid.ok()) return valid.error();
  static std::once_flag quiet_libav;
  std::call_once(quiet_libav, [] { av_log_set_level(AV_LOG_FATAL); });
  auto state = std::make_unique<State>(options);
  State* raw = state.get();
  raw->thread = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<CameraStream>(new CameraStream(std::move(state)));
}

CameraStream::CameraStream(std::unique_ptr<State> state) : state_(std::move(state)) {}

CameraStream::~CameraStream() {
  Stop();
}

Result<std::optional<Frame>> CameraStream::NextFrame(std::chrono::milliseconds wait) {
  State& s = *state_;
  std::unique_lock lock(s.mutex);
  s.frame_ready.wait_for(lock, wait,
                         [&] { return !s.queue.empty() || s.health.finished || s.stop.load(); });
  if (!s.queue.empty()) {
    Frame frame = std::move(s.queue.front());
    s.queue.pop_front();
    s.space_ready.notify_one();
    return std::optional<Frame>(std::move(frame));
  }
  if (s.failure) return *s.failure;
  return std::optional<Frame>();
}

void CameraStream::MarkProcessed() {
  State& s = *state_;
  std::lock_guard lock(s.mutex);
  ++s.health.frames_processed;
  s.processed_rate.Add(steady_clock::now());
}

StreamHealth CameraStream::Health() const {
  State& s = *state_;
  StreamHealth health;
  {
    std::lock_guard lock(s.mutex);
    const auto now = steady_clock::now();
    s.health.fps_in = s.in_rate.Rate(now, s.started);
    s.health.fps_processed = s.processed_rate.Rate(now, s.started);
    if (s.health.frames_in > 0) {
      const double frames = static_cast<double>(s.health.frames_in);
      s.health.decode_ms = static_cast<double>(s.decode_ns) / 1e6 / frames;
      s.health.convert_ms = static_cast<double>(s.convert_ns) / 1e6 / frames;
    }
    health = s.health;
  }
  health.ring_bytes = s.ring.bytes();
  health.ring_seconds = std::chrono::duration<double>(s.ring.span()).count();
  return health;
}

Result<Done> CameraStream::WriteClip(std::chrono::system_clock::time_point from,
                                     std::chrono::system_clock::time_point to,
                                     const std::filesystem::path& mp4) {
  return state_->ring.WriteClip(WallUs(from), WallUs(to), mp4);
}

void CameraStream::Stop() {
  State& s = *state_;
  std::lock_guard stop_lock(s.stop_mutex);
  {
    std::lock_guard lock(s.mutex);
    s.stop.store(true);
    s.wake.notify_all();
    s.space_ready.notify_all();
    s.frame_ready.notify_all();
  }
  if (s.thread.joinable()) s.thread.join();
}

}  // namespace safelane::video
