// CameraStream against a real RTSP server on loopback (tests/video/rtsp_server.py, Debian's
// gst-rtsp-server), over TCP and UDP, including a server crash and restart.
#include <gtest/gtest.h>

#include "video/camera_stream.h"
#include "video/video_test_support.h"

extern "C" {
#include <libavformat/avformat.h>
}

namespace safelane::video {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

class RtspStream : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    // 20 s at 25 fps is enough for every test here; 320x240 keeps the server light.
    ASSERT_TRUE(
        testing::MakeH264(dir_->path() / "cam.mp4", 20.0, 320, 240, 25, "-tune zerolatency"));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    server_ = std::make_unique<testing::RtspServer>("cam", dir_->path() / "cam.mp4");
    ASSERT_TRUE(server_->Start()) << "rtsp_server.py did not start";
  }

  StreamOptions Options(Transport transport) const {
    StreamOptions options;
    options.url = server_->Url();
    options.transport = transport;
    options.open_timeout = milliseconds(3000);
    options.read_timeout = milliseconds(1000);
    options.backoff_min = milliseconds(100);
    options.backoff_max = milliseconds(400);
    return options;
  }

  // Pulls frames until `count` arrived or `timeout` passed.
  static std::vector<Frame> Pull(CameraStream& stream, std::size_t count,
                                 std::chrono::seconds timeout) {
    std::vector<Frame> frames;
    const auto deadline = steady_clock::now() + timeout;
    while (frames.size() < count && steady_clock::now() < deadline) {
      auto next = stream.NextFrame(milliseconds(200));
      if (next.ok() && next->has_value()) {
        frames.push_back(std::move(**next));
        stream.MarkProcessed();
      }
    }
    return frames;
  }

  void CrashAndReconnect(Transport transport);

  static inline testing::TempDir* dir_ = nullptr;
  std::unique_ptr<testing::RtspServer> server_;
};

TEST_F(RtspStream, TcpDeliversFramesAndHealth) {
  auto stream = CameraStream::Start(Options(Transport::kTcp));
  ASSERT_TRUE(stream.ok());
  const auto frames = Pull(**stream, 25, std::chrono::seconds(15));
  ASSERT_EQ(frames.size(), 25U);
  EXPECT_EQ(frames.back().bgr.cols, 320);
  EXPECT_EQ(frames.back().bgr.rows, 240);
  const StreamHealth health = (*stream)->Health();
  EXPECT_TRUE(health.connected);
  EXPECT_FALSE(health.finished);
  EXPECT_GE(health.frames_in, 25);
  EXPECT_EQ(health.frames_processed, 25);
  EXPECT_GT(health.fps_in, 2.0);
  ASSERT_TRUE(health.last_frame_at.has_value());
  EXPECT_LT(std::chrono::system_clock::now() - *health.last_frame_at, std::chrono::seconds(2));
  // Live frames are stamped near the wall clock.
  const auto lag = std::chrono::system_clock::now() - frames.back().captured_at;
  EXPECT_LT(std::chrono::abs(lag), std::chrono::seconds(2));
}

TEST_F(RtspStream, UdpDeliversFrames) {
  auto stream = CameraStream::Start(Options(Transport::kUdp));
  ASSERT_TRUE(stream.ok());
  const auto frames = Pull(**stream, 25, std::chrono::seconds(15));
  EXPECT_EQ(frames.size(), 25U) << (*stream)->Health().last_error;
}

TEST_F(RtspStream, ServerCrashIsReportedThenReconnected) {
  CrashAndReconnect(Transport::kTcp);
}

// Over UDP nothing closes: only the read timeout sees the camera go.
TEST_F(RtspStream, ServerCrashOverUdpIsReportedThenReconnected) {
  CrashAndReconnect(Transport::kUdp);
}

void RtspStream::CrashAndReconnect(Transport transport) {
  auto stream = CameraStream::Start(Options(transport));
  ASSERT_TRUE(stream.ok());
  const auto before = Pull(**stream, 10, std::chrono::seconds(15));
  ASSERT_EQ(before.size(), 10U);

  server_->Kill();
  auto deadline = steady_clock::now() + std::chrono::seconds(10);
  while ((*stream)->Health().connected && steady_clock::now() < deadline) {
    (void)(*stream)->NextFrame(milliseconds(100));
  }
  StreamHealth health = (*stream)->Health();
  EXPECT_FALSE(health.connected);
  EXPECT_FALSE(health.last_error.empty());

  ASSERT_TRUE(server_->Restart());
  const auto after = Pull(**stream, 10, std::chrono::seconds(20));
  ASSERT_EQ(after.size(), 10U) << (*stream)->Health().last_error;
  health = (*stream)->Health();
  EXPECT_TRUE(health.connected);
  EXPECT_GE(health.reconnects, 1);
  EXPECT_GT(after.front().index, before.back().index);  // numbering continues
  EXPECT_GT(after.front().captured_at, before.back().captured_at);
}

TEST_F(RtspStream, StalledServerIsDetectedThenReconnected) {
  auto stream = CameraStream::Start(Options(Transport::kTcp));
  ASSERT_TRUE(stream.ok());
  ASSERT_EQ(Pull(**stream, 10, std::chrono::seconds(15)).size(), 10U);

  server_->Pause();  // connection open, nothing sent: only the read timeout can tell
  const auto paused_at = steady_clock::now();
  auto deadline = paused_at + std::chrono::seconds(10);
  while ((*stream)->Health().connected && steady_clock::now() < deadline) {
    (void)(*stream)->NextFrame(milliseconds(100));
  }
  const StreamHealth health = (*stream)->Health();
  EXPECT_FALSE(health.connected);
  EXPECT_NE(health.last_error.find("stalled"), std::string::npos) << health.last_error;
  EXPECT_LT(steady_clock::now() - paused_at, std::chrono::seconds(5));  // read_timeout is 1 s

  server_->Resume();
  const auto after = Pull(**stream, 10, std::chrono::seconds(20));
  ASSERT_EQ(after.size(), 10U) << (*stream)->Health().last_error;
  EXPECT_GE((*stream)->Health().reconnects, 1);
}

TEST_F(RtspStream, ClipFromALiveStreamDecodes) {
  auto stream = CameraStream::Start(Options(Transport::kTcp));
  ASSERT_TRUE(stream.ok());
  const auto frames = Pull(**stream, 60, std::chrono::seconds(20));
  ASSERT_EQ(frames.size(), 60U);
  testing::TempDir out;
  const auto clip = out.path() / "live.mp4";
  auto written = (*stream)->WriteClip(frames[30].captured_at, frames[55].captured_at, clip);
  ASSERT_TRUE(written.ok()) << written.error().message;

  auto frames_in_clip = testing::DecodedFrameCount(clip);
  ASSERT_TRUE(frames_in_clip.ok()) << frames_in_clip.error().message;
  const int decoded = *frames_in_clip;
  // Frames 30..55, from the key frame at or before frame 30 (one per second).
  EXPECT_GE(decoded, 26);
  EXPECT_LE(decoded, 26 + 25);
}

}  // namespace
}  // namespace safelane::video
