// The camera node end to end, on a video the test renders itself (tests/camera/
// make_test_video.py: real vehicle photos carrying synthetic Uzbek plates with known text,
// crossing a real background in both directions, two at a time; H.264 1080p25 by ffmpeg),
// with a real store (SQLite + vault) as the receiver and a real RTSP server on loopback.
//
// "The receiver is down for a minute" is shortened to "down for the whole first run":
// retry_s = 0.2 s, and the store only appears after the node has finished; the next start
// of the node must deliver every spooled event.

#include "camera/camera_node.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "camera/camera_key.h"
#include "camera/plate_text_similarity.h"
#include "camera/read_admission.h"
#include "security/master_key.h"
#include "security/sha256.h"
#include "security/test_temp_dir.h"
#include "store/sqlite_store.h"
#include "test_data.h"
#include "video/video_test_support.h"

namespace safelane::camera {
namespace {

using nlohmann::json;

struct Truth {
  std::string text;
  std::string direction;
  int lane;
  double enter_s;
};

class CameraNodeTest : public ::testing::Test {
 protected:
  // The videos are rendered when a test first needs them (ctest runs each test in its own
  // process, so rendering both up front would cost every test both renders).
  static const std::filesystem::path& Rendered(safelane::testing::TempDir*& dir,
                                               const std::string& arguments) {
    if (dir == nullptr) {
      dir = new safelane::testing::TempDir();  // NOLINT: one per suite, freed below
      const std::string command = "/usr/bin/python3 " SAFELANE_CAMERA_TEST_SCRIPTS
                                  "/make_test_video.py " +
                                  arguments + " --data '" + safelane::testing::DataDir().string() +
                                  "' --out '" + dir->path().string() + "' > /dev/null";
      EXPECT_EQ(std::system(command.c_str()), 0) << command;  // NOLINT(cert-env33-c)
    }
    return dir->path();
  }
  // The main test video: 6 vehicles crossing in 1.6 s each, up to two at once.
  static const std::filesystem::path& SixVehicles() { return Rendered(media_, "--vehicles 6"); }
  // The video of the loaded-node and RTSP tests (see kDropVideoCut1).
  static const std::filesystem::path& DropVideo() {
    return Rendered(drop_media_, "--vehicles 4 --cross-s 5 --starts 1.0,3.5,9.0,11.5");
  }
  static void TearDownTestSuite() {
    delete media_;
    media_ = nullptr;
    delete drop_media_;
    drop_media_ = nullptr;
  }

  struct VideoTruth {
    std::vector<Truth> vehicles;  // in order of entry
    int frames = 0;
  };
  static VideoTruth TruthOf(const std::filesystem::path& media) {
    std::ifstream in(media / "truth.json");
    const json truth = json::parse(in);
    VideoTruth out;
    out.frames = truth["frames"];
    for (const auto& v : truth["vehicles"]) {
      out.vehicles.push_back({v["text"], v["direction"], v["lane"], v["enter_s"]});
    }
    return out;
  }

  // Every vehicle read exactly once, in order of entry, with its direction and lane, and a
  // text that is its plate: exact, or the same plate with characters lost or confused
  // (SamePlateSimilarity >= 0.75: at most two of eight characters lost; two different plates
  // of the format score far below), and at least min_exact texts exact. Measured on the drop
  // video (docs/performance.md): 3 of 4 in every run, at every rate from every frame to
  // every 16th; 10O457OA is always misread (13O457OA, 10457OA), by the reader.
  static void ExpectEachVehicleOnce(std::vector<json> reads, const VideoTruth& truth,
                                    const std::string& what, int min_exact) {
    std::sort(reads.begin(), reads.end(), [](const json& a, const json& b) {
      return a["first_seen_ms"].get<std::int64_t>() < b["first_seen_ms"].get<std::int64_t>();
    });
    for (const auto& r : reads) std::printf("%s: %s\n", what.c_str(), r.dump().c_str());
    ASSERT_EQ(reads.size(), truth.vehicles.size()) << what;
    int exact = 0;
    for (std::size_t i = 0; i < reads.size(); ++i) {
      const Truth& t = truth.vehicles[i];
      const auto text = reads[i]["plate"].get<std::string>();
      EXPECT_GE(SamePlateSimilarity(text, t.text), 0.75F)
          << what << ": " << text << " for " << t.text;
      EXPECT_EQ(reads[i]["direction"], t.direction) << what << ": " << t.text;
      EXPECT_EQ(reads[i]["lane"], std::to_string(t.lane)) << what << ": " << t.text;
      exact += text == t.text ? 1 : 0;
    }
    EXPECT_GE(exact, min_exact) << what;
  }

  void SetUp() override {
    auto key = CreateCameraKeyFile(dir_ / "cam.key");
    ASSERT_TRUE(key.ok()) << key.error().message;
    public_key_ = key->public_key();
  }

  CameraConfig Config(const std::string& url, const std::string& replay) {
    std::ostringstream toml;
    toml << "[camera]\nid = \"cam-1\"\nname = \"Test street\"\nlatitude = 41.311\n"
         << "longitude = 69.279\nheading_deg = 0\ncity = \"Tashkent\"\n"
         << "signing_key_file = \"cam.key\"\n"
         << "[stream]\nurl = \"" << url << "\"\nreplay = \"" << replay << "\"\n"
         << "[evidence]\ndir = \"evidence\"\n"
         << "[sink]\nstore_dir = \"store\"\nmaster_key_file = \"master.key\"\n"
         << "spool_dir = \"spool\"\nretry_s = 0.2\n"
         << "[health]\nlog_every_s = 2\n"
         // The video's two lanes (make_test_video.py): plates of lane 0 sit above 0.55 of
         // the height, those of lane 1 below.
         << "[[lane]]\nid = \"0\"\npolygon = [[0, 0], [1, 0], [1, 0.55], [0, 0.55]]\n"
         << "direction = \"left_to_right\"\n"
         << "[[lane]]\nid = \"1\"\npolygon = [[0, 0.55], [1, 0.55], [1, 1], [0, 1]]\n"
         << "direction = \"right_to_left\"\n";
    auto config = ParseCameraConfig(toml.str(), dir_.path());
    EXPECT_TRUE(config.ok()) << config.error().message;
    return *config;
  }

  void ProvisionStore() {
    ASSERT_TRUE(security::CreateMasterKeyFile(dir_ / "master.key").ok());
    const store::SystemClock clock;
    auto db = store::SqliteStore::Open(dir_ / "store", clock);
    ASSERT_TRUE(db.ok()) << db.error().message;
    store::Camera cam;
    cam.id = "cam-1";
    cam.name = "Test street";
    cam.latitude = 41.311;
    cam.longitude = 69.279;
    cam.city = "Tashkent";
    cam.public_key = public_key_;
    ASSERT_TRUE((*db)->RegisterCamera(cam).ok());
  }

  std::vector<json> Run(CameraConfig config, NodeSummary* summary, const std::atomic<bool>& stop) {
    std::ostringstream out;
    auto node = CameraNode::Create(std::move(config), &out);
    EXPECT_TRUE(node.ok()) << node.error().message;
    if (!node.ok()) return {};
    auto result = (*node)->Run(stop);
    EXPECT_TRUE(result.ok()) << result.error().message;
    if (result.ok()) *summary = *result;
    std::vector<json> reads;
    std::istringstream lines(out.str());
    for (std::string line; std::getline(lines, line);) reads.push_back(json::parse(line));
    return reads;
  }

  // Prints every read against the truth and returns how many texts are exactly right.
  int CountExact(const std::vector<json>& reads) const {
    std::set<std::string> truth_texts;
    for (const auto& t : truth_) truth_texts.insert(t.text);
    int exact = 0;
    for (const auto& r : reads) {
      const bool ok = truth_texts.count(r["plate"].get<std::string>()) > 0;
      exact += ok ? 1 : 0;
      std::printf(
          "read %-10s %s conf %.2f agreed %d/%d %s %s %s\n", r["plate"].get<std::string>().c_str(),
          ok ? "ok   " : "WRONG", r["confidence"].get<double>(), r["frames_agreed"].get<int>(),
          r["frames_read"].get<int>(), r["direction"].get<std::string>().c_str(),
          r["vehicle_class"].get<std::string>().c_str(), r["colour"].get<std::string>().c_str());
    }
    std::printf("exact text: %d of %zu vehicles\n", exact, truth_.size());
    return exact;
  }

  std::optional<store::StoredRead> Stored(const std::string& id) {
    const store::SystemClock clock;
    auto db = store::SqliteStore::Open(dir_ / "store", clock, {.create = false});
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return std::nullopt;
    auto read = (*db)->GetRead(id);
    EXPECT_TRUE(read.ok());
    return read.ok() ? *read : std::nullopt;
  }

  static safelane::testing::TempDir* media_;
  static safelane::testing::TempDir* drop_media_;  // the video of the drop and loaded tests
  safelane::testing::TempDir dir_;
  security::PublicKey public_key_{};
  std::vector<Truth> truth_;
};

safelane::testing::TempDir* CameraNodeTest::media_ = nullptr;
safelane::testing::TempDir* CameraNodeTest::drop_media_ = nullptr;

// Exact text accuracy measured on this video (6 vehicles, seed 3) on 2026-11-22: see
// docs/performance.md. The floor is below it so a regression fails, not a reshuffle.
constexpr int kMinExactOfSix = 3;

TEST_F(CameraNodeTest, FileReplayReadsEveryVehicleOnceAndNothingIsLostWhileTheStoreIsDown) {
  const std::atomic<bool> stop{false};
  NodeSummary summary;
  truth_ = TruthOf(SixVehicles()).vehicles;
  ASSERT_TRUE(video::testing::RunFfmpeg(
      "-f lavfi -i color=c=gray:s=320x240:r=25 -t 1 -c:v libx264 -pix_fmt yuv420p '" +
      (dir_ / "empty.mp4").string() + "'"));
  const auto reads = Run(Config((SixVehicles() / "test.mp4").string(), "fast"), &summary, stop);

  // One read per vehicle, in the order they entered, each with its direction.
  for (const auto& r : reads) std::printf("%s\n", r.dump().c_str());
  ASSERT_EQ(reads.size(), truth_.size());
  auto by_time = reads;
  std::sort(by_time.begin(), by_time.end(), [](const json& a, const json& b) {
    return a["first_seen_ms"].get<std::int64_t>() < b["first_seen_ms"].get<std::int64_t>();
  });
  for (std::size_t i = 0; i < truth_.size(); ++i) {
    EXPECT_EQ(by_time[i]["direction"], truth_[i].direction) << "vehicle " << i;
    EXPECT_EQ(by_time[i]["lane"], std::to_string(truth_[i].lane)) << "vehicle " << i;
    EXPECT_GE(by_time[i]["frames_agreed"].get<int>(), 2);
  }
  EXPECT_GE(CountExact(reads), kMinExactOfSix);
  EXPECT_EQ(summary.stream.frames_dropped, 0);  // a file at fast replay waits for the node
  EXPECT_EQ(summary.frame_errors, 0);

  // The store was not there: every event is still in the spool, none lost or refused.
  EXPECT_EQ(summary.events_spooled, static_cast<std::int64_t>(reads.size()));
  EXPECT_EQ(summary.events_pending, static_cast<std::int64_t>(reads.size()));
  EXPECT_GE(summary.sender.failed_sends, 1);
  EXPECT_EQ(summary.sender.accepted, 0);
  // Local evidence copies: frame, plate, vehicle and the overlay copy.
  for (const auto& r : reads) {
    for (const char* role : {"overview", "plate", "vehicle", "overlay"}) {
      EXPECT_TRUE(std::filesystem::exists(dir_ / "evidence" /
                                          (r["event_id"].get<std::string>() + "/" + role + ".jpg")))
          << role;
    }
  }

  // The store comes up; the node's next start delivers the spool, oldest first.
  ProvisionStore();
  NodeSummary second;
  const auto none = Run(Config((dir_ / "empty.mp4").string(), "fast"), &second, stop);
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(second.events_pending, 0);
  EXPECT_EQ(second.sender.accepted, static_cast<std::int64_t>(reads.size()));
  for (const auto& r : reads) {
    const auto stored = Stored(r["event_id"]);
    ASSERT_TRUE(stored.has_value()) << r["event_id"];
    EXPECT_EQ(stored->event.plate, r["plate"]);
    EXPECT_EQ(stored->event.lane, r["lane"]);  // in the signed manifest and the store
    ASSERT_EQ(stored->event.evidence.size(), 4U);
    const auto overview = safelane::testing::ReadBytes(
        dir_ / "evidence" / (r["event_id"].get<std::string>() + "/overview.jpg"));
    EXPECT_EQ(stored->event.evidence[0].sha256, security::Sha256Hex(overview));
  }
}

// The video for the loaded-node and RTSP tests: four vehicles crossing in 5 s (a plate in view
// about 4.3 s, so a node processing only 1.5-4 of 25 frames/s on a loaded machine, as under
// ASan beside other tests, still sees each one 6-17 times), the first entering after 1.1 s
// (a node's first frames are its slowest), two at once, then 1.2 s with no plate in view
// (8.3-9.4 s) before the next two.
constexpr double kDropVideoCut1 = 5.0;  // key frames every second: during two vehicles
constexpr double kDropVideoCut2 = 9.0;  // between vehicles

// What a loaded node reads: the camera's own pipeline handed only every 8th frame of the
// stream (3 of 25 frames/s: what the stream's bounded queue leaves a node that needs 300 ms
// a frame), from two different first frames. Deterministic, so it runs in every CI job
// whatever the machine's load; the RTSP test below runs the same video at real speed.
TEST_F(CameraNodeTest, ANodeProcessingEveryEighthFrameReadsEveryVehicleOnce) {
  const auto truth = TruthOf(DropVideo());
  const CameraConfig config = Config("unused.mp4", "fast");
  for (const int offset : {0, 4}) {
    auto pipeline = CameraPipeline::Create(config.pipeline);
    ASSERT_TRUE(pipeline.ok()) << pipeline.error().message;
    video::StreamOptions options;
    options.url = (DropVideo() / "test.mp4").string();
    options.replay = video::Replay::kFast;
    auto stream = video::CameraStream::Start(options);
    ASSERT_TRUE(stream.ok()) << stream.error().message;
    std::vector<VehiclePass> passes;
    while (true) {
      auto next = (*stream)->NextFrame(std::chrono::milliseconds(5000));
      ASSERT_TRUE(next.ok()) << next.error().message;
      if (!next->has_value()) break;
      const video::Frame& f = **next;
      if ((f.index - offset) % 8 != 0) continue;
      auto out = pipeline->Process(f.bgr, f.index, f.pts_us, f.captured_at);
      ASSERT_TRUE(out.ok()) << out.error().message;
      for (auto& p : *out) passes.push_back(std::move(p));
    }
    for (auto& p : pipeline->Flush()) passes.push_back(std::move(p));
    std::vector<json> reads;
    for (const auto& p : passes) {
      const std::string why = WhyNotARead(p.vote, config.admission);
      std::printf("offset %d: pass %-10s %s agreed %d/%d %s\n", offset, p.vote.text.c_str(),
                  p.direction.c_str(), p.vote.frames_agreed, p.vote.frames_read,
                  why.empty() ? "" : ("(not a read: " + why + ")").c_str());
      if (!why.empty()) continue;
      reads.push_back({{"plate", p.vote.text},
                       {"direction", p.direction},
                       {"lane", p.lane},
                       {"first_seen_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                             p.first_seen.time_since_epoch())
                                             .count()}});
    }
    ExpectEachVehicleOnce(reads, truth, "every 8th frame from " + std::to_string(offset), 3);
  }
}

// PipelineOptions::threads = 2 (plates of the next frame detected on a worker thread while
// this one is read and tracked) must change when results come, never what they are: both
// pipelines are handed the same decoded frames of the main video (every 2nd frame, to keep
// the test short under ASan), the threaded one while the other is still working on the
// same frame, and every pass must match field for field, in the same order, also across a
// flush in the middle (a reconnect).
TEST_F(CameraNodeTest, TwoPipelineThreadsGiveExactlyTheReadsOfOne) {
  const auto truth = TruthOf(SixVehicles());
  CameraConfig config = Config("unused.mp4", "fast");
  config.pipeline.threads = 1;
  auto one = CameraPipeline::Create(config.pipeline);
  ASSERT_TRUE(one.ok()) << one.error().message;
  config.pipeline.threads = 2;
  auto two = CameraPipeline::Create(config.pipeline);
  ASSERT_TRUE(two.ok()) << two.error().message;
  ASSERT_TRUE(two->WarmUp(cv::Size(640, 360)).ok());

  video::StreamOptions options;
  options.url = (SixVehicles() / "test.mp4").string();
  options.replay = video::Replay::kFast;
  auto stream = video::CameraStream::Start(options);
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  std::vector<VehiclePass> passes_one;
  std::vector<VehiclePass> passes_two;
  FrameTiming sum_one;
  FrameTiming sum_two;
  const auto add = [](FrameTiming& sum, const FrameTiming& t) {
    sum.plates_found += t.plates_found;
    sum.plates_read += t.plates_read;
  };
  // Ends every track of both pipelines (the threaded one first completes the frame in
  // flight); returns the threaded one's failure, if any.
  const auto flush_both = [&]() -> std::optional<Error> {
    for (auto& p : one->Flush()) passes_one.push_back(std::move(p));
    FrameTiming flushed;
    std::optional<Error> failed;
    for (auto& p : two->Flush(&flushed, &failed)) passes_two.push_back(std::move(p));
    add(sum_two, flushed);
    return failed;
  };
  int frames = 0;
  while (true) {
    auto next = (*stream)->NextFrame(std::chrono::milliseconds(5000));
    ASSERT_TRUE(next.ok()) << next.error().message;
    if (!next->has_value()) break;
    const video::Frame& f = **next;
    if (f.index % 2 != 0) continue;
    ++frames;
    if (f.index == 100) {
      // As the node at a reconnect: every track ends, then both go on with the next frames.
      const auto failed = flush_both();
      ASSERT_FALSE(failed.has_value()) << failed->message;
    }
    FrameTiming t2;
    // The worker starts on this frame inside Process and runs on while `one` reads it.
    auto out2 = two->Process(f.bgr, f.index, f.pts_us, f.captured_at, &t2);
    FrameTiming t1;
    auto out1 = one->Process(f.bgr, f.index, f.pts_us, f.captured_at, &t1);
    ASSERT_TRUE(out1.ok()) << out1.error().message;
    ASSERT_TRUE(out2.ok()) << out2.error().message;
    add(sum_one, t1);
    add(sum_two, t2);
    for (auto& p : *out1) passes_one.push_back(std::move(p));
    for (auto& p : *out2) passes_two.push_back(std::move(p));
  }
  const auto failed = flush_both();
  ASSERT_FALSE(failed.has_value()) << failed->message;

  std::printf("%d frames, %zu passes, boxes found %d / %d, read %d / %d\n", frames,
              passes_one.size(), sum_one.plates_found, sum_two.plates_found, sum_one.plates_read,
              sum_two.plates_read);
  EXPECT_GT(frames, 100);
  EXPECT_EQ(sum_one.plates_found, sum_two.plates_found);
  EXPECT_EQ(sum_one.plates_read, sum_two.plates_read);
  EXPECT_EQ(one->suppressed_tracks(), two->suppressed_tracks());
  // Not vacuous: the vehicles were seen and read (the file replay test holds the accuracy).
  ASSERT_GE(passes_one.size(), truth.vehicles.size());
  ASSERT_EQ(passes_one.size(), passes_two.size());
  for (std::size_t i = 0; i < passes_one.size(); ++i) {
    const VehiclePass& a = passes_one[i];
    const VehiclePass& b = passes_two[i];
    SCOPED_TRACE("pass " + std::to_string(i) + " " + a.vote.text);
    EXPECT_EQ(a.track_id, b.track_id);
    EXPECT_EQ(a.vote.text, b.vote.text);
    EXPECT_EQ(a.vote.confidence, b.vote.confidence);
    EXPECT_EQ(a.vote.frames_agreed, b.vote.frames_agreed);
    EXPECT_EQ(a.vote.frames_read, b.vote.frames_read);
    EXPECT_EQ(a.direction, b.direction);
    EXPECT_EQ(a.vehicle_class, b.vehicle_class);
    EXPECT_EQ(a.colour, b.colour);
    EXPECT_EQ(a.lane, b.lane);
    EXPECT_EQ(a.frame_index, b.frame_index);
    EXPECT_EQ(a.pts_us, b.pts_us);
    EXPECT_EQ(a.first_seen, b.first_seen);
    EXPECT_EQ(a.last_seen, b.last_seen);
    EXPECT_EQ(a.plate.box, b.plate.box);
    EXPECT_EQ(a.vehicle_box, b.vehicle_box);
    EXPECT_EQ(a.first_centre, b.first_centre);
    EXPECT_EQ(a.last_centre, b.last_centre);
    // The evidence frame is the same decoded buffer.
    EXPECT_EQ(a.frame.data, b.frame.data);
  }
}

// Over real RTSP at real speed, the camera server crashes twice: once while two vehicles are
// in view (cut 1) and once between vehicles (cut 2); each time it comes back on the same port
// serving the video from where it was cut (parts cut at key frames, with ffmpeg -c copy). A
// vehicle in view across a drop is one read; none is read twice; all are delivered.
TEST_F(CameraNodeTest, RtspStreamDropsAndReconnectsGiveEveryVehicleOnce) {
  const auto truth = TruthOf(DropVideo());
  const std::string src = (DropVideo() / "test.mp4").string();
  const std::vector<std::pair<std::filesystem::path, double>> parts = {
      {dir_ / "a.mp4", kDropVideoCut1},
      {dir_ / "b.mp4", kDropVideoCut2 - kDropVideoCut1},
      {dir_ / "c.mp4", truth.frames / 25.0 - kDropVideoCut2}};
  ASSERT_TRUE(video::testing::RunFfmpeg("-i '" + src + "' -t " + std::to_string(kDropVideoCut1) +
                                        " -c copy '" + parts[0].first.string() + "'"));
  ASSERT_TRUE(video::testing::RunFfmpeg("-ss " + std::to_string(kDropVideoCut1) + " -i '" + src +
                                        "' -t " + std::to_string(kDropVideoCut2 - kDropVideoCut1) +
                                        " -c copy '" + parts[1].first.string() + "'"));
  ASSERT_TRUE(video::testing::RunFfmpeg("-ss " + std::to_string(kDropVideoCut2) + " -i '" + src +
                                        "' -c copy '" + parts[2].first.string() + "'"));
  ProvisionStore();
  const std::string script = std::string(SAFELANE_VIDEO_TEST_SCRIPTS) + "/rtsp_server.py";
  const auto playing = dir_ / "playing";
  int port = 0;
  std::atomic<bool> stop{false};
  NodeSummary summary;
  std::vector<json> reads;
  std::thread node;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::filesystem::remove(playing);
    video::testing::TestServer server(
        script, {"--media", "cam=" + parts[i].first.string(), "--playing-file", playing.string()});
    bool started = false;
    for (int attempt = 0; attempt < 20 && !started; ++attempt) {
      started = server.Start(port);  // the same port after the first start
      if (!started) std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    ASSERT_TRUE(started);
    if (i == 0) {
      port = server.port();
      node = std::thread([&] {
        reads = Run(Config("rtsp://127.0.0.1:" + std::to_string(port) + "/cam", "realtime"),
                    &summary, stop);
      });
    }
    // The part plays from the node's PLAY request (after its reconnect backoff); the server
    // "crashes" 0.2 s before the part's end, which loses no plate: cut 1 lies inside two
    // crossings (their tracks must survive the drop), cut 2 and the video's end between
    // vehicles. After the last part no server comes back, so nothing is played twice.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!std::filesystem::exists(playing) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(std::filesystem::exists(playing)) << "the node never played part " << i;
    std::this_thread::sleep_for(
        std::chrono::milliseconds(static_cast<int>((parts[i].second - 0.2) * 1000)));
    server.Kill();
  }
  stop.store(true);
  node.join();

  std::printf(
      "reconnects %lld, rejected %lld, merged %lld, suppressed %lld, frames processed "
      "%lld of %lld\n",
      static_cast<long long>(summary.stream.reconnects),
      static_cast<long long>(summary.rejected_reads),
      static_cast<long long>(summary.merged_duplicates),
      static_cast<long long>(summary.suppressed_tracks),
      static_cast<long long>(summary.stream.frames_processed),
      static_cast<long long>(summary.stream.frames_in));
  EXPECT_EQ(summary.stream.reconnects, 2);  // both drops were seen and recovered from
  // One exact text fewer than measured: the processed frames depend on the machine's load.
  ExpectEachVehicleOnce(reads, truth, "over RTSP", 2);
  // Delivered straight to the store.
  EXPECT_EQ(summary.events_pending, 0);
  for (const auto& r : reads) EXPECT_TRUE(Stored(r["event_id"]).has_value());
}

}  // namespace
}  // namespace safelane::camera
