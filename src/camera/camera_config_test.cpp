#include "camera/camera_config.h"

#include <gtest/gtest.h>

namespace safelane::camera {
namespace {

const std::string kMinimal = R"(
[camera]
id = "cam-7"
latitude = 41.311
longitude = 69.279
heading_deg = 90
signing_key_file = "keys/cam-7.key"
zone = [[0.0, 0.3], [1.0, 0.3], [1.0, 1.0], [0.0, 1.0]]

[stream]
url = "video.mp4"
replay = "fast"

[sink]
store_dir = "/var/lib/safelane"
master_key_file = "/etc/safelane/master.key"
spool_dir = "spool"
retry_s = 0.5
)";

TEST(CameraConfig, MinimalFileGetsDefaultsAndResolvesRelativePaths) {
  auto c = ParseCameraConfig(kMinimal, "/etc/cams");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->camera.id, "cam-7");
  EXPECT_EQ(c->camera.name, "cam-7");
  EXPECT_DOUBLE_EQ(c->camera.heading_deg, 90);
  EXPECT_EQ(c->signing_key_file, "/etc/cams/keys/cam-7.key");
  EXPECT_EQ(c->stream.url, "/etc/cams/video.mp4");
  EXPECT_EQ(c->stream.replay, video::Replay::kFast);
  EXPECT_EQ(c->stream.transport, video::Transport::kTcp);
  EXPECT_EQ(c->spool.dir, "/etc/cams/spool");
  EXPECT_EQ(c->store_dir, "/var/lib/safelane");
  EXPECT_EQ(c->sender.retry_interval, std::chrono::milliseconds(500));
  ASSERT_EQ(c->pipeline.zone.size(), 4U);
  EXPECT_EQ(c->pipeline.countries, std::vector<std::string>{"uz"});
  EXPECT_EQ(c->pipeline.recognizer.country, "uz");
  ASSERT_TRUE(c->pipeline.vehicles.has_value());
  EXPECT_EQ(c->pipeline.vehicle_every_n_frames, 4);
  EXPECT_FALSE(c->evidence.clip);
}

TEST(CameraConfig, RtspUrlIsKeptAsIs) {
  std::string text = kMinimal;
  text.replace(text.find("video.mp4"), 9, "rtsp://127.0.0.1:8554/cam");
  auto c = ParseCameraConfig(text, "/etc/cams");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->stream.url, "rtsp://127.0.0.1:8554/cam");
}

TEST(CameraConfig, EveryMistakeIsRefusedWithItsKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[camera]\nid = \"cam-7\"", "[camera].colour is not a known key"},
      {"[stream]\nurl = \"video.mp4\"", "[stream].transport must be one of"},
      {"latitude = 41.311", "[camera].latitude must be in [-90, 90] degrees"},
      {"retry_s = 0.5", "[sink].retry_s must be a number"},
      {"zone = [[0.0, 0.3], [1.0, 0.3], [1.0, 1.0], [0.0, 1.0]]", "[camera].zone must be"},
      {"[sink]", "[alarm] is not a known section"},
      {"id = \"cam-7\"", "[camera].id must match"},
      {"signing_key_file = \"keys/cam-7.key\"", "[camera].signing_key_file is required"},
      {"heading_deg = 90", "not valid TOML"},
  };
  const std::vector<std::string> replacements = {
      "[camera]\nid = \"cam-7\"\ncolour = \"red\"",
      "[stream]\nurl = \"video.mp4\"\ntransport = \"sctp\"",
      "latitude = 91.0",
      "retry_s = \"soon\"",
      "zone = [[0.0, 0.3], [1.5, 0.3], [1.0, 1.0]]",
      "[alarm]\nx = 1\n[sink]",
      "id = \"cam 7\"",
      "",
      "heading_deg = = 90",
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    std::string text = kMinimal;
    const auto at = text.find(cases[i].first);
    ASSERT_NE(at, std::string::npos) << cases[i].first;
    text.replace(at, cases[i].first.size(), replacements[i]);
    auto c = ParseCameraConfig(text, "/etc/cams");
    ASSERT_FALSE(c.ok()) << "case " << i;
    EXPECT_EQ(c.error().code, ErrorCode::kBadConfig);
    EXPECT_NE(c.error().message.find(cases[i].second), std::string::npos)
        << "case " << i << ": " << c.error().message;
  }
}

TEST(CameraConfig, MissingFileIsBadConfig) {
  auto c = LoadCameraConfig("/nonexistent/CAMERA.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kBadConfig);
}

}  // namespace
}  // namespace safelane::camera
