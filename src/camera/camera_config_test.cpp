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
  EXPECT_EQ(c->pipeline.threads, 1);
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
      {"[sink]", "[pipeline].threads must be in [1, 2]"},
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
      "[pipeline]\nthreads = 3\n[sink]",
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

// [sink] kind = "https": the server's URL, its certificate pinned (or a CA file), timeouts.
const std::string kHttpsSink = R"(
[sink]
kind = "https"
url = "https://10.0.0.5:8443"
server_fingerprint = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
connect_timeout_s = 2
timeout_s = 15
spool_dir = "spool"
)";

std::string WithSink(const std::string& sink) {
  return kMinimal.substr(0, kMinimal.find("[sink]")) + sink;
}

TEST(CameraConfig, HttpsSinkTakesUrlPinAndTimeouts) {
  auto c = ParseCameraConfig(WithSink(kHttpsSink), "/etc/cams");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->sink, SinkKind::kHttps);
  EXPECT_EQ(c->https.url, "https://10.0.0.5:8443");
  EXPECT_EQ(c->https.server_fingerprint.size(), 95U);
  EXPECT_TRUE(c->https.ca_file.empty());
  EXPECT_EQ(c->https.connect_timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(c->https.io_timeout, std::chrono::milliseconds(15000));
  EXPECT_EQ(c->spool.dir, "/etc/cams/spool");
  EXPECT_TRUE(c->store_dir.empty());

  // A CA file instead of the pin, relative to the config's folder; default timeouts.
  auto ca = ParseCameraConfig(WithSink("[sink]\nkind = \"https\"\nurl = \"https://central\"\n"
                                       "ca_file = \"ca.pem\"\nspool_dir = \"spool\"\n"),
                              "/etc/cams");
  ASSERT_TRUE(ca.ok()) << ca.error().message;
  EXPECT_EQ(ca->https.ca_file, "/etc/cams/ca.pem");
  EXPECT_TRUE(ca->https.server_fingerprint.empty());
  EXPECT_EQ(ca->https.connect_timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(ca->https.io_timeout, std::chrono::milliseconds(30000));

  // The default kind is still the in-process store.
  auto store = ParseCameraConfig(kMinimal, "/etc/cams");
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(store->sink, SinkKind::kStore);
}

TEST(CameraConfig, HttpsSinkMistakesAreRefusedWithTheirKey) {
  const std::string pin =
      "server_fingerprint = \"AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
      "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89\"";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"url = \"https://10.0.0.5:8443\"", "[sink].url is required"},
      {"url = \"https://10.0.0.5:8443\"", "[sink].url must be https://host[:port] (HTTPS only)"},
      {"url = \"https://10.0.0.5:8443\"", "[sink].url must be https://host[:port] (no path"},
      {pin, "[sink].server_fingerprint or ca_file is required"},
      {pin, "[sink].server_fingerprint or ca_file is required (exactly one"},
      {pin, "[sink].server_fingerprint must be the 64 hex digits"},
      {"timeout_s = 15", "[sink].timeout_s must be in [0.1, 600] seconds"},
      {"connect_timeout_s = 2", "[sink].connect_timeout_s must be in [0.1, 60] seconds"},
      {"spool_dir = \"spool\"", "[sink].store_dir is only for kind = \"store\""},
      {"spool_dir = \"spool\"", "[sink].verify is not a known key"},
      {"kind = \"https\"", "[sink].kind must be one of: https, store"},
  };
  const std::vector<std::string> replacements = {
      "",
      "url = \"http://10.0.0.5:8443\"",
      "url = \"https://10.0.0.5:8443/api/v1/ingest\"",
      "",
      pin + "\nca_file = \"ca.pem\"",
      "server_fingerprint = \"AB:CD\"",
      "timeout_s = 0",
      "connect_timeout_s = 120",
      "spool_dir = \"spool\"\nstore_dir = \"/var/lib/safelane\"",
      "spool_dir = \"spool\"\nverify = false",
      "kind = \"nats\"",
  };
  ASSERT_EQ(cases.size(), replacements.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    std::string text = WithSink(kHttpsSink);
    const auto at = text.find(cases[i].first);
    ASSERT_NE(at, std::string::npos) << cases[i].first;
    text.replace(at, cases[i].first.size(), replacements[i]);
    auto c = ParseCameraConfig(text, "/etc/cams");
    ASSERT_FALSE(c.ok()) << "case " << i;
    EXPECT_EQ(c.error().code, ErrorCode::kBadConfig);
    EXPECT_NE(c.error().message.find(cases[i].second), std::string::npos)
        << "case " << i << ": " << c.error().message;
  }
  // And the store's keys are not taken with kind = "https", nor the server's with "store".
  std::string store_with_url = kMinimal + "url = \"https://10.0.0.5\"\n";
  auto c = ParseCameraConfig(store_with_url, "/etc/cams");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("[sink].url is only for kind = \"https\""), std::string::npos)
      << c.error().message;
}

// [sink] kind = "store" names its backend as every command does (store/store_opener.h):
// SQLite in store_dir by default, or PostgreSQL with its connection string.
TEST(CameraConfig, StoreSinkBackendIsSqliteOrPostgresWithItsConnectionString) {
  auto lite = ParseCameraConfig(kMinimal, "/etc/cams");
  ASSERT_TRUE(lite.ok()) << lite.error().message;
  EXPECT_EQ(lite->store_backend, store::BackendKind::kSqlite);
  EXPECT_TRUE(lite->store_postgres.empty());
  const std::string last = "retry_s = 0.5";
  auto with = [&](const std::string& extra) {
    std::string text = kMinimal;
    text.replace(text.find(last), last.size(), last + "\n" + extra);
    return ParseCameraConfig(text, "/etc/cams");
  };
  auto pg = with("store_backend = \"postgres\"\nstore_postgres = \"host=10.0.0.2 dbname=sl\"");
  ASSERT_TRUE(pg.ok()) << pg.error().message;
  EXPECT_EQ(pg->store_backend, store::BackendKind::kPostgres);
  EXPECT_EQ(pg->store_postgres, "host=10.0.0.2 dbname=sl");
  const std::pair<std::string, std::string> mistakes[] = {
      {"store_backend = \"mysql\"",
       "[sink].store_backend must be one of: postgres, sqlite; got \"mysql\""},
      {"store_backend = \"postgres\"",
       "[sink].store_postgres is required with store_backend = \"postgres\""},
      {"store_postgres = \"host=10.0.0.2\"", "and only with it"},
  };
  for (const auto& [extra, message] : mistakes) {
    auto c = with(extra);
    ASSERT_FALSE(c.ok()) << extra;
    EXPECT_EQ(c.error().code, ErrorCode::kBadConfig);
    EXPECT_NE(c.error().message.find(message), std::string::npos) << c.error().message;
  }
}

TEST(CameraConfig, MissingFileIsBadConfig) {
  auto c = LoadCameraConfig("/nonexistent/CAMERA.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kBadConfig);
}

}  // namespace
}  // namespace safelane::camera
