// CameraStream against a real HTTP MJPEG camera on loopback (tests/video/mjpeg_server.py).
#include <gtest/gtest.h>

#include "video/camera_stream.h"
#include "video/video_test_support.h"

namespace safelane::video {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

TEST(MjpegStream, FramesArriveAndAClipIsCut) {
  testing::TempDir dir;
  const auto frames_dir = dir.path() / "frames";
  std::filesystem::create_directories(frames_dir);
  ASSERT_TRUE(testing::RunFfmpeg("-f lavfi -i testsrc2=size=320x240:rate=25 -frames:v 25 -q:v 5 '" +
                                 (frames_dir / "%03d.jpg").string() + "'"));
  testing::MjpegServer server(frames_dir);
  ASSERT_TRUE(server.Start()) << "mjpeg_server.py did not start";

  StreamOptions options;
  options.url = server.Url();
  options.read_timeout = milliseconds(1000);
  auto stream = CameraStream::Start(options);
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  std::vector<Frame> frames;
  const auto deadline = steady_clock::now() + std::chrono::seconds(15);
  while (frames.size() < 30 && steady_clock::now() < deadline) {
    auto next = (*stream)->NextFrame(milliseconds(200));
    ASSERT_TRUE(next.ok());
    if (next->has_value()) frames.push_back(std::move(**next));
  }
  ASSERT_EQ(frames.size(), 30U) << (*stream)->Health().last_error;
  EXPECT_EQ(frames.back().bgr.cols, 320);
  EXPECT_EQ(frames.back().bgr.rows, 240);
  EXPECT_TRUE((*stream)->Health().connected);
  for (std::size_t i = 1; i < frames.size(); ++i) {
    EXPECT_GE(frames[i].captured_at, frames[i - 1].captured_at);
  }
  // Every MJPEG frame is a key frame: a clip of any range decodes.
  const auto clip = dir.path() / "mjpeg.mp4";
  auto written = (*stream)->WriteClip(frames[10].captured_at, frames[20].captured_at, clip);
  ASSERT_TRUE(written.ok()) << written.error().message;
  auto frames_in_clip = testing::DecodedFrameCount(clip);
  ASSERT_TRUE(frames_in_clip.ok()) << frames_in_clip.error().message;
  const int decoded = *frames_in_clip;
  EXPECT_GE(decoded, 10);
  EXPECT_LE(decoded, 12);
}

}  // namespace
}  // namespace safelane::video
