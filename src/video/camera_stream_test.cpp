// CameraStream on real files made at test time with ffmpeg: replay, pacing, drops, loops,
// clips cut from the ring, and malformed input.
#include "video/camera_stream.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <opencv2/core.hpp>
#include <random>
#include <vector>

#include "video/video_test_support.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace safelane::video {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using testing::MakeH264;
using testing::TempDir;

class CameraStreamFile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ASSERT_TRUE(MakeH264(Path("six.mp4"), 6.0, 320, 240, 25, "-bf 2"));
    ASSERT_TRUE(MakeH264(Path("one.mp4"), 1.0));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::filesystem::path Path(const std::string& name) { return dir_->path() / name; }

  static StreamOptions FileOptions(const std::filesystem::path& file, Replay replay) {
    StreamOptions options;
    options.url = file.string();
    options.replay = replay;
    return options;
  }

  // Reads until the stream finishes (or 30 s pass); returns the frames or the error.
  static Result<std::vector<Frame>> ReadAll(CameraStream& stream) {
    std::vector<Frame> frames;
    const auto deadline = steady_clock::now() + std::chrono::seconds(30);
    while (steady_clock::now() < deadline) {
      auto next = stream.NextFrame(milliseconds(200));
      if (!next.ok()) return next.error();
      if (next->has_value()) {
        frames.push_back(std::move(**next));
        stream.MarkProcessed();
        continue;
      }
      if (stream.Health().finished) {
        // A failure is reported once the queue is drained.
        auto last = stream.NextFrame(milliseconds(0));
        if (!last.ok()) return last.error();
        return frames;
      }
    }
    return Error(ErrorCode::kIo, "test timed out");
  }

  static inline TempDir* dir_ = nullptr;
};

TEST_F(CameraStreamFile, FastReplayDeliversEveryFrameInOrder) {
  auto stream = CameraStream::Start(FileOptions(Path("six.mp4"), Replay::kFast));
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  auto frames = ReadAll(**stream);
  ASSERT_TRUE(frames.ok()) << frames.error().message;
  ASSERT_EQ(frames->size(), 150U);
  for (std::size_t i = 0; i < frames->size(); ++i) {
    const Frame& f = (*frames)[i];
    EXPECT_EQ(f.index, static_cast<std::int64_t>(i));
    EXPECT_EQ(f.bgr.cols, 320);
    EXPECT_EQ(f.bgr.rows, 240);
    EXPECT_EQ(f.bgr.type(), CV_8UC3);
    EXPECT_EQ(f.pts_us, static_cast<std::int64_t>(i) * 40'000);
    if (i > 0) {
      EXPECT_EQ(f.captured_at - (*frames)[i - 1].captured_at, milliseconds(40));
    }
  }
  // Frames hold their own pixels: the test pattern changes from frame to frame.
  EXPECT_GT(cv::norm((*frames)[0].bgr, (*frames)[100].bgr), 0.0);
  const StreamHealth health = (*stream)->Health();
  EXPECT_TRUE(health.finished);
  EXPECT_FALSE(health.connected);
  EXPECT_EQ(health.frames_in, 150);
  EXPECT_EQ(health.frames_processed, 150);
  EXPECT_EQ(health.frames_dropped, 0);
  EXPECT_EQ(health.last_error, "");
  EXPECT_GT(health.ring_bytes, 0);
  EXPECT_GT(health.decode_ms, 0.0);
  EXPECT_GT(health.convert_ms, 0.0);
}

TEST_F(CameraStreamFile, RealTimeReplayFollowsTimestamps) {
  const auto start = steady_clock::now();
  auto stream = CameraStream::Start(FileOptions(Path("one.mp4"), Replay::kRealTime));
  ASSERT_TRUE(stream.ok());
  auto frames = ReadAll(**stream);
  ASSERT_TRUE(frames.ok()) << frames.error().message;
  EXPECT_EQ(frames->size(), 25U);
  // 25 frames at 25 fps: the last one is due 0.96 s after the first.
  EXPECT_GE(steady_clock::now() - start, milliseconds(900));
  EXPECT_GT((*stream)->Health().fps_in, 5.0);
}

TEST_F(CameraStreamFile, SlowConsumerMakesDropsThatAreCounted) {
  StreamOptions options = FileOptions(Path("one.mp4"), Replay::kRealTime);
  options.max_queued_frames = 1;
  auto stream = CameraStream::Start(options);
  ASSERT_TRUE(stream.ok());
  // The consumer is busy elsewhere until the whole file has been decoded.
  const auto deadline = steady_clock::now() + std::chrono::seconds(20);
  while (!(*stream)->Health().finished && steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(100));
  }
  auto frames = ReadAll(**stream);
  ASSERT_TRUE(frames.ok()) << frames.error().message;
  ASSERT_EQ(frames->size(), 1U);
  EXPECT_EQ(frames->front().index, 24);  // the newest frame is kept, older ones dropped
  const StreamHealth health = (*stream)->Health();
  EXPECT_EQ(health.frames_in, 25);
  EXPECT_EQ(health.frames_dropped, 24);
}

TEST_F(CameraStreamFile, LoopedFileKeepsCountingAndTimeMovesForward) {
  StreamOptions options = FileOptions(Path("one.mp4"), Replay::kFast);
  options.loop_file = true;
  auto stream = CameraStream::Start(options);
  ASSERT_TRUE(stream.ok());
  std::vector<Frame> frames;
  while (frames.size() < 60) {
    auto next = (*stream)->NextFrame(milliseconds(5000));
    ASSERT_TRUE(next.ok() && next->has_value());
    frames.push_back(std::move(**next));
  }
  for (std::size_t i = 1; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].index, frames[i - 1].index + 1);
    EXPECT_GT(frames[i].captured_at, frames[i - 1].captured_at);
  }
  const StreamHealth health = (*stream)->Health();
  EXPECT_FALSE(health.finished);
  EXPECT_TRUE(health.connected);
  EXPECT_EQ(health.reconnects, 0);
  (*stream)->Stop();
  EXPECT_FALSE((*stream)->Health().connected);
}

struct ClipFacts {
  double duration_s = 0;
  int frames = 0;
  cv::Mat first;
};

// Opens the clip with libavformat and decodes every frame through CameraStream.
ClipFacts InspectClip(const std::filesystem::path& clip) {
  ClipFacts facts;
  AVFormatContext* raw = nullptr;
  if (avformat_open_input(&raw, clip.c_str(), nullptr, nullptr) < 0) return facts;
  if (avformat_find_stream_info(raw, nullptr) >= 0 && raw->duration > 0) {
    facts.duration_s = static_cast<double>(raw->duration) / AV_TIME_BASE;
  }
  avformat_close_input(&raw);
  StreamOptions options;
  options.url = clip.string();
  options.replay = Replay::kFast;
  auto stream = CameraStream::Start(options);
  if (!stream.ok()) return facts;
  while (true) {
    auto next = (*stream)->NextFrame(milliseconds(5000));
    if (!next.ok() || !next->has_value()) break;
    if (facts.frames++ == 0) facts.first = (**next).bgr.clone();
  }
  return facts;
}

TEST_F(CameraStreamFile, ClipIsCutFromTheRingAtAKeyFrameWithoutReencoding) {
  auto stream = CameraStream::Start(FileOptions(Path("six.mp4"), Replay::kFast));
  ASSERT_TRUE(stream.ok());
  auto frames = ReadAll(**stream);
  ASSERT_TRUE(frames.ok()) << frames.error().message;
  ASSERT_EQ(frames->size(), 150U);
  const std::vector<Frame>& f = *frames;

  // From a key frame (75 = 3 s) to frame 124: 50 frames, 2 s.
  const auto clip = Path("clip-a.mp4");
  auto written = (*stream)->WriteClip(f[75].captured_at, f[124].captured_at, clip);
  ASSERT_TRUE(written.ok()) << written.error().message;
  ClipFacts facts = InspectClip(clip);
  EXPECT_EQ(facts.frames, 50);
  EXPECT_NEAR(facts.duration_s, 2.0, 0.05);
  // No re-encoding: the clip's first frame is bit-identical to the source's frame 75.
  ASSERT_FALSE(facts.first.empty());
  EXPECT_EQ(cv::norm(facts.first, f[75].bgr, cv::NORM_INF), 0.0);

  // From the middle of a GOP (frame 60): the clip starts at the key frame before (50).
  const auto clip_b = Path("clip-b.mp4");
  ASSERT_TRUE((*stream)->WriteClip(f[60].captured_at, f[80].captured_at, clip_b).ok());
  facts = InspectClip(clip_b);
  // 31 frames (50..80), plus at most the B-frames' forward references past frame 80.
  EXPECT_GE(facts.frames, 31);
  EXPECT_LE(facts.frames, 33);
  ASSERT_FALSE(facts.first.empty());
  EXPECT_EQ(cv::norm(facts.first, f[50].bgr, cv::NORM_INF), 0.0);
  EXPECT_FALSE(std::filesystem::exists(clip_b.string() + ".partial"));
}

TEST_F(CameraStreamFile, ClipOutsideTheRingIsABadRequest) {
  StreamOptions options = FileOptions(Path("six.mp4"), Replay::kFast);
  options.ring_seconds = std::chrono::seconds(2);
  auto stream = CameraStream::Start(options);
  ASSERT_TRUE(stream.ok());
  auto frames = ReadAll(**stream);
  ASSERT_TRUE(frames.ok());
  const std::vector<Frame>& f = *frames;
  // The ring keeps ~2 s (whole GOPs): the first second is gone.
  const StreamHealth health = (*stream)->Health();
  EXPECT_LE(health.ring_seconds, 2.05);
  EXPECT_GE(health.ring_seconds, 1.0);
  auto old = (*stream)->WriteClip(f[0].captured_at, f[10].captured_at, Path("old.mp4"));
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, ErrorCode::kBadRequest);
  auto future =
      (*stream)->WriteClip(f[149].captured_at + std::chrono::seconds(5),
                           f[149].captured_at + std::chrono::seconds(9), Path("future.mp4"));
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.error().code, ErrorCode::kBadRequest);
  // Partly in the ring: clipped to what it holds (from its first key frame to the end).
  auto partial = (*stream)->WriteClip(
      f[0].captured_at, f[149].captured_at + std::chrono::seconds(5), Path("partial.mp4"));
  ASSERT_TRUE(partial.ok()) << partial.error().message;
  const ClipFacts facts = InspectClip(Path("partial.mp4"));
  EXPECT_GE(facts.frames, 25);
  EXPECT_LE(facts.frames, 52);
  EXPECT_EQ(cv::norm(facts.first, f[150 - facts.frames].bgr, cv::NORM_INF), 0.0);
  auto reversed = (*stream)->WriteClip(f[140].captured_at, f[130].captured_at, Path("r.mp4"));
  EXPECT_FALSE(reversed.ok());
  auto unwritable = (*stream)->WriteClip(f[130].captured_at, f[140].captured_at,
                                         Path("no-such-dir") / "clip.mp4");
  ASSERT_FALSE(unwritable.ok());
  EXPECT_EQ(unwritable.error().code, ErrorCode::kIo);
  EXPECT_TRUE((*stream)->WriteClip(f[130].captured_at, f[140].captured_at, Path("ok.mp4")).ok());
}

TEST_F(CameraStreamFile, RingIsBoundedByBytesAndStillStartsAtAKeyFrame) {
  StreamOptions options = FileOptions(Path("six.mp4"), Replay::kFast);
  const std::int64_t file_bytes =
      static_cast<std::int64_t>(std::filesystem::file_size(Path("six.mp4")));
  options.ring_max_bytes = file_bytes / 3;  // about two of the six seconds
  auto stream = CameraStream::Start(options);
  ASSERT_TRUE(stream.ok());
  auto frames = ReadAll(**stream);
  ASSERT_TRUE(frames.ok());
  const StreamHealth health = (*stream)->Health();
  EXPECT_LE(health.ring_bytes, options.ring_max_bytes);
  EXPECT_GT(health.ring_bytes, 0);
  EXPECT_LT(health.ring_seconds, 3.0);
  // Everything the ring holds can be cut, and the cut decodes from its first frame.
  const std::vector<Frame>& f = *frames;
  ASSERT_TRUE((*stream)->WriteClip(f[0].captured_at, f[149].captured_at, Path("bytes.mp4")).ok());
  const ClipFacts facts = InspectClip(Path("bytes.mp4"));
  ASSERT_GT(facts.frames, 0);
  EXPECT_EQ(facts.frames % 25, 0);  // whole GOPs
  EXPECT_EQ(cv::norm(facts.first, f[150 - facts.frames].bgr, cv::NORM_INF), 0.0);
}

// ---- Bad options and malformed input ----

TEST(CameraStreamOptions, BadOptionsAreBadConfig) {
  const auto refused = [](const StreamOptions& o) {
    auto s = CameraStream::Start(o);
    return !s.ok() && s.error().code == ErrorCode::kBadConfig;
  };
  StreamOptions o;
  EXPECT_TRUE(refused(o));  // empty url
  o.url = "udp://127.0.0.1:5000";
  EXPECT_TRUE(refused(o));  // scheme not allowed
  o.url = "rtsp://127.0.0.1:1/x";
  o.max_queued_frames = 0;
  EXPECT_TRUE(refused(o));
  o.max_queued_frames = 2;
  o.decode_threads = 17;
  EXPECT_TRUE(refused(o));
  o.decode_threads = 1;
  o.backoff_max = milliseconds(100);
  o.backoff_min = milliseconds(500);
  EXPECT_TRUE(refused(o));
  o.backoff_max = milliseconds(30000);
  o.open_timeout = milliseconds(0);
  EXPECT_TRUE(refused(o));
  o.open_timeout = milliseconds(5000);
  o.ring_seconds = std::chrono::seconds(-1);
  EXPECT_TRUE(refused(o));
  o.ring_seconds = std::chrono::seconds(30);
  o.max_frame_pixels = 0;
  EXPECT_TRUE(refused(o));
}

class CameraStreamMalformed : public CameraStreamFile {};

Result<std::vector<Frame>> ReadFile(const std::filesystem::path& path) {
  StreamOptions options;
  options.url = path.string();
  options.replay = Replay::kFast;
  auto stream = CameraStream::Start(options);
  if (!stream.ok()) return stream.error();
  std::vector<Frame> frames;
  const auto deadline = steady_clock::now() + std::chrono::seconds(30);
  while (steady_clock::now() < deadline) {
    auto next = (*stream)->NextFrame(milliseconds(200));
    if (!next.ok()) {
      EXPECT_EQ((*stream)->Health().last_error, next.error().message);
      return next.error();
    }
    if (next->has_value()) {
      frames.push_back(std::move(**next));
    } else if ((*stream)->Health().finished) {
      auto last = (*stream)->NextFrame(milliseconds(0));
      if (!last.ok()) return last.error();
      return frames;
    }
  }
  return Error(ErrorCode::kIo, "test timed out");
}

void WriteBytes(const std::filesystem::path& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<char> ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(CameraStreamMalformed, MissingFileIsIo) {
  auto r = ReadFile(Path("absent.mp4"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_NE(r.error().message.find("not found"), std::string::npos);
}

TEST_F(CameraStreamMalformed, ProtocolPrefixesAreNotFollowed) {
  // libav would read "concat:a|b" as two files glued together; here it is just a name.
  auto r = ReadFile("concat:" + Path("one.mp4").string() + "|" + Path("one.mp4").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
}

TEST_F(CameraStreamMalformed, GarbageBytesAreBadImage) {
  std::vector<char> garbage(64 * 1024);
  std::mt19937 random(7);
  for (char& c : garbage) c = static_cast<char>(random());
  WriteBytes(Path("garbage.mp4"), garbage);
  auto r = ReadFile(Path("garbage.mp4"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBadImage) << r.error().message;
}

TEST_F(CameraStreamMalformed, TruncatedFileIsAnErrorNotAShortVideo) {
  std::vector<char> bytes = ReadBytes(Path("six.mp4"));
  bytes.resize(bytes.size() * 6 / 10);
  WriteBytes(Path("truncated.mp4"), bytes);
  auto r = ReadFile(Path("truncated.mp4"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBadImage);
  EXPECT_NE(r.error().message.find("truncated"), std::string::npos) << r.error().message;
}

TEST_F(CameraStreamMalformed, DamagedFramesAreCountedAndNeverHandedOut) {
  // 4 KB of noise in the middle of the video data: the frames that depend on it are damaged.
  std::vector<char> bytes = ReadBytes(Path("six.mp4"));
  std::mt19937 random(11);
  for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 4096; ++i) {
    bytes[i] = static_cast<char>(random());
  }
  WriteBytes(Path("damaged.mp4"), bytes);
  StreamOptions options = FileOptions(Path("damaged.mp4"), Replay::kFast);
  auto stream = CameraStream::Start(options);
  ASSERT_TRUE(stream.ok());
  auto frames = ReadAll(**stream);
  const StreamHealth health = (*stream)->Health();
  EXPECT_GT(health.corrupt_frames + health.corrupt_packets, 0);
  // Whatever came out is whole, and the damage is reported, never a quietly short video.
  EXPECT_LT(health.frames_in, 150);
  if (frames.ok()) {
    ADD_FAILURE() << "damaged file finished without an error";
  } else {
    EXPECT_EQ(frames.error().code, ErrorCode::kBadImage) << frames.error().message;
    EXPECT_NE(frames.error().message.find("damaged"), std::string::npos) << frames.error().message;
  }
}

TEST_F(CameraStreamMalformed, UnknownCodecIsBadImage) {
  // The sample entry "avc1" renamed: the container is fine, the codec is unknown.
  std::vector<char> bytes = ReadBytes(Path("one.mp4"));
  const std::string box = "stsd";
  const std::string tag = "avc1";
  auto at = std::search(bytes.begin(), bytes.end(), box.begin(), box.end());
  ASSERT_NE(at, bytes.end());
  at = std::search(at, bytes.end(), tag.begin(), tag.end());
  ASSERT_NE(at, bytes.end());
  std::copy_n("zq9x", 4, at);
  WriteBytes(Path("unknown-codec.mp4"), bytes);
  auto r = ReadFile(Path("unknown-codec.mp4"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBadImage) << r.error().message;
  EXPECT_NE(r.error().message.find("codec"), std::string::npos) << r.error().message;
}

TEST_F(CameraStreamMalformed, AudioOnlyFileHasNoVideoStream) {
  ASSERT_TRUE(testing::RunFfmpeg("-f lavfi -i sine=frequency=440:duration=1 -c:a aac '" +
                                 Path("audio.m4a").string() + "'"));
  auto r = ReadFile(Path("audio.m4a"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBadImage);
  EXPECT_NE(r.error().message.find("no video stream"), std::string::npos) << r.error().message;
}

TEST_F(CameraStreamMalformed, FramesOverThePixelLimitAreRefusedBeforeDecoding) {
  StreamOptions options = FileOptions(Path("one.mp4"), Replay::kFast);
  options.max_frame_pixels = 320 * 240 - 1;  // the default (80 Mpx) would need a huge file
  auto stream = CameraStream::Start(options);
  ASSERT_TRUE(stream.ok());
  auto r = ReadAll(**stream);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBadImage);
  EXPECT_NE(r.error().message.find("over the limit"), std::string::npos) << r.error().message;
  EXPECT_EQ((*stream)->Health().frames_in, 0);
}

int ListeningSocketThatNeverAnswers(int* port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd, 4) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    return -1;
  }
  *port = ntohs(address.sin_port);
  return fd;  // the kernel completes handshakes; nobody ever reads or writes
}

TEST_F(CameraStreamMalformed, SilentServerTimesOutAndOtherStreamsCarryOn) {
  int port = 0;
  const int fd = ListeningSocketThatNeverAnswers(&port);
  ASSERT_GE(fd, 0);
  StreamOptions silent;
  silent.url = "rtsp://127.0.0.1:" + std::to_string(port) + "/cam";
  silent.open_timeout = milliseconds(500);
  silent.backoff_min = milliseconds(100);
  silent.backoff_max = milliseconds(200);
  auto dead = CameraStream::Start(silent);
  ASSERT_TRUE(dead.ok());
  // Garbage and a good file at the same time, in the same process.
  auto good = CameraStream::Start(FileOptions(Path("six.mp4"), Replay::kFast));
  ASSERT_TRUE(good.ok());
  auto good_frames = ReadAll(**good);
  ASSERT_TRUE(good_frames.ok());
  EXPECT_EQ(good_frames->size(), 150U);

  const auto deadline = steady_clock::now() + std::chrono::seconds(10);
  while ((*dead)->Health().last_error.empty() && steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  const StreamHealth health = (*dead)->Health();
  EXPECT_NE(health.last_error.find("no answer"), std::string::npos) << health.last_error;
  EXPECT_FALSE(health.connected);
  EXPECT_FALSE(health.finished);  // live sources keep retrying
  auto next = (*dead)->NextFrame(milliseconds(10));
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
  const auto stop_start = steady_clock::now();
  (*dead)->Stop();
  EXPECT_LT(steady_clock::now() - stop_start, std::chrono::seconds(2));
  ::close(fd);
}

TEST_F(CameraStreamMalformed, NothingListeningIsReportedAndRetried) {
  int port = 0;
  const int fd = ListeningSocketThatNeverAnswers(&port);
  ASSERT_GE(fd, 0);
  ::close(fd);  // now nothing listens on that port
  StreamOptions options;
  options.url = "rtsp://admin:s3cret@127.0.0.1:" + std::to_string(port) + "/cam";
  options.backoff_min = milliseconds(50);
  options.backoff_max = milliseconds(100);
  auto stream = CameraStream::Start(options);
  ASSERT_TRUE(stream.ok());
  const auto deadline = steady_clock::now() + std::chrono::seconds(10);
  while ((*stream)->Health().last_error.empty() && steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  const StreamHealth health = (*stream)->Health();
  EXPECT_NE(health.last_error.find("refused"), std::string::npos) << health.last_error;
  EXPECT_EQ(health.last_error.find("s3cret"), std::string::npos) << health.last_error;
  EXPECT_EQ(health.frames_in, 0);
  EXPECT_EQ(health.reconnects, 0);
}

}  // namespace
}  // namespace safelane::video
