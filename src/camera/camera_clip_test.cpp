// The clip, end to end: a camera node with `[evidence] clip = true` replays the rendered
// street video (tests/camera/make_test_video.py, H.264 with a key frame every second) and
// delivers over HTTPS (`[sink] kind = "https"`, the server's certificate pinned) to a real
// server (server/server_test_fixture.h). Each read must arrive with an MP4 clip whose
// SHA-256 is the one the camera signed, that decodes (libav), starts at a key frame, and
// shows the source video from about clip_before_s before the vehicle was first seen to
// about clip_after_s after it was last seen: the clip's decoded frames are found, in order,
// among the source video's decoded frames (remuxing without re-encoding keeps them
// bit-identical), which gives the clip's place on the source timeline.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "camera/camera_key.h"
#include "camera/camera_node.h"
#include "security/sha256.h"
#include "server/server_test_fixture.h"
#include "test_data.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace safelane::camera {
namespace {

using nlohmann::json;

struct DecodedFrame {
  double t_s = 0;    // presentation time in the file
  bool key = false;  // a key frame
  std::string sha256;
};

struct DecodedVideo {
  bool opened = false;
  bool first_packet_is_key = false;
  int errors = 0;
  std::vector<DecodedFrame> frames;
};

// Every frame of the file's video stream, decoded with libav; each frame's luma plane hashed.
DecodedVideo Decode(const std::filesystem::path& path) {
  DecodedVideo out;
  AVFormatContext* format = nullptr;
  if (avformat_open_input(&format, path.c_str(), nullptr, nullptr) < 0) return out;
  const int index = avformat_find_stream_info(format, nullptr) < 0
                        ? -1
                        : av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  const AVCodec* codec =
      index < 0 ? nullptr : avcodec_find_decoder(format->streams[index]->codecpar->codec_id);
  AVCodecContext* decoder = codec == nullptr ? nullptr : avcodec_alloc_context3(codec);
  if (decoder == nullptr ||
      avcodec_parameters_to_context(decoder, format->streams[index]->codecpar) < 0 ||
      avcodec_open2(decoder, codec, nullptr) < 0) {
    avcodec_free_context(&decoder);
    avformat_close_input(&format);
    return out;
  }
  out.opened = true;
  const double time_base = av_q2d(format->streams[index]->time_base);
  AVPacket* packet = av_packet_alloc();
  AVFrame* frame = av_frame_alloc();
  std::string luma;
  const auto receive = [&] {
    while (true) {
      const int got = avcodec_receive_frame(decoder, frame);
      if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return;
      if (got < 0 || frame->decode_error_flags != 0) {
        ++out.errors;
        if (got < 0) return;
      }
      luma.clear();
      for (int y = 0; y < frame->height; ++y) {
        luma.append(reinterpret_cast<const char*>(frame->data[0] + y * frame->linesize[0]),
                    static_cast<std::size_t>(frame->width));
      }
      out.frames.push_back({static_cast<double>(frame->best_effort_timestamp) * time_base,
                            frame->key_frame != 0, security::Sha256Hex(security::AsBytes(luma))});
      av_frame_unref(frame);
    }
  };
  bool first = true;
  while (av_read_frame(format, packet) >= 0) {
    if (packet->stream_index == index) {
      if (first) out.first_packet_is_key = (packet->flags & AV_PKT_FLAG_KEY) != 0;
      first = false;
      if (avcodec_send_packet(decoder, packet) < 0) ++out.errors;
      receive();
    }
    av_packet_unref(packet);
  }
  avcodec_send_packet(decoder, nullptr);
  receive();
  av_frame_free(&frame);
  av_packet_free(&packet);
  avcodec_free_context(&decoder);
  avformat_close_input(&format);
  return out;
}

class CameraClipTest : public server::ServerTest {
 protected:
  static void SetUpTestSuite() {
    media_ = new safelane::testing::TempDir();  // NOLINT: one per suite, freed below
    const std::string command = "/usr/bin/python3 " SAFELANE_CAMERA_TEST_SCRIPTS
                                "/make_test_video.py --vehicles 3 --data '" +
                                safelane::testing::DataDir().string() + "' --out '" +
                                media_->path().string() + "' > /dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;  // NOLINT(cert-env33-c)
  }
  static void TearDownTestSuite() {
    delete media_;
    media_ = nullptr;
  }

  void SetUp() override {
    ServerTest::SetUp();
    // The node stamps reads and requests with the wall clock; so does this server now.
    clock_.Set(store::SystemClock().Now());
    const auto admin = SignIn("adm.clip", MakeUser("adm.clip", security::Role::kAdministrator));
    ASSERT_FALSE(admin.cookie.empty());
    auto key = CreateCameraKeyFile(dir_ / "cam.key");
    ASSERT_TRUE(key.ok()) << key.error().message;
    const json body = {{"camera_id", "cam-clip"},
                       {"name", "Clip street"},
                       {"latitude", 41.311},
                       {"longitude", 69.279},
                       {"heading_deg", 0.0},
                       {"city", "Tashkent"},
                       {"public_key", security::ToHex(key->public_key())}};
    auto res = Send("POST", "/api/v1/cameras", body.dump(), &admin);
    ASSERT_TRUE(res && res->status == 201) << (res ? res->body : "no answer");
  }

  static safelane::testing::TempDir* media_;
};

safelane::testing::TempDir* CameraClipTest::media_ = nullptr;

constexpr double kBeforeS = 1.0;
constexpr double kAfterS = 0.8;
constexpr double kFrameS = 1.0 / 25;

TEST_F(CameraClipTest, EachReadArrivesOverHttpsWithADecodableClipAroundIt) {
  std::ostringstream toml;
  toml << "[camera]\nid = \"cam-clip\"\nlatitude = 41.311\nlongitude = 69.279\n"
       << "signing_key_file = \"cam.key\"\n"
       << "[stream]\nurl = \"" << (media_->path() / "test.mp4").string()
       << "\"\nreplay = \"fast\"\n"
       << "[evidence]\ndir = \"evidence\"\nclip = true\nclip_before_s = " << kBeforeS
       << "\nclip_after_s = " << kAfterS << "\n"
       << "[sink]\nkind = \"https\"\nurl = \"https://127.0.0.1:" << port_ << "\"\n"
       << "server_fingerprint = \"" << tls_.sha256_fingerprint << "\"\n"
       << "spool_dir = \"spool\"\nretry_s = 0.2\n";
  auto config = ParseCameraConfig(toml.str(), dir_.path());
  ASSERT_TRUE(config.ok()) << config.error().message;
  std::ostringstream out;
  auto node = CameraNode::Create(std::move(*config), &out);
  ASSERT_TRUE(node.ok()) << node.error().message;
  const std::atomic<bool> stop{false};
  auto summary = (*node)->Run(stop);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  std::vector<json> reads;
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) reads.push_back(json::parse(line));

  // Three vehicles pass; every read was delivered, none is left in the spool.
  ASSERT_GE(reads.size(), 2U);
  EXPECT_EQ(summary->events_pending, 0);
  EXPECT_EQ(summary->sender.accepted, static_cast<std::int64_t>(reads.size()));

  const DecodedVideo source = Decode(media_->path() / "test.mp4");
  ASSERT_TRUE(source.opened);
  ASSERT_EQ(source.errors, 0);
  ASSERT_GT(source.frames.size(), 50U);
  const double source_end = source.frames.back().t_s;

  for (const auto& r : reads) {
    const std::string id = r["event_id"];
    SCOPED_TRACE(id);
    auto stored = ctx_->WithStore([&](store::Store& s) { return s.GetRead(id); });
    ASSERT_TRUE(stored.ok() && stored->has_value());
    const store::ReadEvent& event = (**stored).event;
    const auto clip_ref = std::find_if(event.evidence.begin(), event.evidence.end(),
                                       [](const auto& e) { return e.role == "clip"; });
    ASSERT_NE(clip_ref, event.evidence.end()) << "no clip in the signed event";

    // The bytes the server keeps are the camera's local copy, with the signed SHA-256.
    const auto local = dir_ / "evidence" / id / "clip.mp4";
    const auto local_bytes = safelane::testing::ReadBytes(local);
    EXPECT_EQ(security::Sha256Hex(local_bytes), clip_ref->sha256);
    auto kept = vault_->Get(clip_ref->sha256);
    ASSERT_TRUE(kept.ok()) << kept.error().message;
    EXPECT_EQ(*kept, local_bytes);

    const DecodedVideo clip = Decode(local);
    ASSERT_TRUE(clip.opened);
    EXPECT_EQ(clip.errors, 0);
    EXPECT_TRUE(clip.first_packet_is_key);
    ASSERT_GE(clip.frames.size(), 2U);

    // Where the clip sits in the source: its frames, in order, as a run of source frames.
    std::size_t start = source.frames.size();
    for (std::size_t i = 0; i + clip.frames.size() <= source.frames.size(); ++i) {
      bool same = true;
      for (std::size_t k = 0; k < clip.frames.size() && same; ++k) {
        same = source.frames[i + k].sha256 == clip.frames[k].sha256;
      }
      if (same) {
        start = i;
        break;
      }
    }
    ASSERT_LT(start, source.frames.size()) << "the clip's frames are not a run of the source's";
    const DecodedFrame& first = source.frames[start];
    const DecodedFrame& last = source.frames[start + clip.frames.size() - 1];

    // The read's times on the source timeline: the best frame's capture time and its
    // timestamp in the file give the offset (a file's timeline starts at its open).
    const double captured_s = static_cast<double>(store::ToMillis(event.captured_at)) / 1000.0;
    const double offset_s = captured_s - r["pts_us"].get<double>() / 1e6;
    const double first_seen = r["first_seen_ms"].get<double>() / 1000.0 - offset_s;
    const double last_seen = r["last_seen_ms"].get<double>() / 1000.0 - offset_s;
    const double from = std::max(first_seen - kBeforeS, source.frames.front().t_s);
    const double to = std::min(last_seen + kAfterS, source_end);
    std::printf("%s: seen %.2f..%.2f s, clip %.2f..%.2f s (%zu frames), asked %.2f..%.2f s\n",
                id.c_str(), first_seen, last_seen, first.t_s, last.t_s, clip.frames.size(), from,
                to);

    // Starts at the key frame at or before `from`: a key frame, not after it, and no
    // other key frame between them.
    EXPECT_TRUE(first.key);
    EXPECT_LE(first.t_s, from + kFrameS);
    for (std::size_t i = start + 1; i < source.frames.size() && source.frames[i].t_s <= from; ++i) {
      EXPECT_FALSE(source.frames[i].key) << "a later key frame at " << source.frames[i].t_s;
    }
    // Ends at `to` (B-frames may add the few frames they refer to).
    EXPECT_GE(last.t_s, to - 2 * kFrameS);
    EXPECT_LE(last.t_s, to + 0.25);
  }
}

}  // namespace
}  // namespace safelane::camera
