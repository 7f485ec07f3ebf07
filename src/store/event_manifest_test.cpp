#include "store/event_manifest.h"

#include <gtest/gtest.h>

#include "security/sha256.h"

namespace safelane::store {
namespace {

ReadEvent Sample() {
  return ReadEvent{
      "e-1",      "cam-7", FromMillis(1'767'225'600'123),
      "01A123BC", 0.97,    "uz",
      "car",      "white", {{"overview", security::Sha256Hex(security::AsBytes("x")), 1}}};
}

TEST(EventManifest, CanonicalRoundTrip) {
  const std::string json = ManifestJson(Sample());
  EXPECT_EQ(json.find(' '), std::string::npos);
  EXPECT_EQ(json.rfind("{\"camera_id\":\"cam-7\",\"captured_at_ms\":1767225600123,", 0), 0U);
  auto parsed = ParseManifest(json);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, Sample());
  EXPECT_EQ(ManifestJson(*parsed), json);
}

TEST(EventManifest, RefusesMalformedManifestsWithTheReason) {
  const std::string good = ManifestJson(Sample());
  auto reason = [](const std::string& text) {
    auto r = ParseManifest(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? std::string() : r.error().message;
  };
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  EXPECT_NE(reason("not json").find("not valid JSON"), std::string::npos);
  EXPECT_NE(reason("[1]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(reason(replace("\"colour\"", "\"color\"")).find("unknown key 'color'"),
            std::string::npos);
  EXPECT_NE(reason(replace("01A123BC", "01a 123")).find("plate"), std::string::npos);
  EXPECT_NE(reason(replace("0.97", "1.5")).find("confidence"), std::string::npos);
  EXPECT_NE(reason(replace("\"car\"", "\"tank\"")).find("vehicle_class"), std::string::npos);
  EXPECT_NE(reason(replace("\"version\":1", "\"version\":2")).find("version"), std::string::npos);
  EXPECT_NE(reason(replace("1767225600123", "\"yesterday\"")).find("captured_at_ms"),
            std::string::npos);
  EXPECT_NE(reason(replace("{\"camera_id\"", "{ \"camera_id\"")).find("canonical"),
            std::string::npos);
  EXPECT_NE(reason(replace("\"size\":1", "\"size\":-1")).find("evidence entry"), std::string::npos);
  EXPECT_NE(reason(std::string(kMaxManifestBytes + 1, ' ')).find("16 KiB"), std::string::npos);
}

TEST(EventManifest, ATrackIsOptionalAndSigned) {
  ReadEvent tracked = Sample();
  tracked.track = Track{
      "t-81", FromMillis(1'767'225'599'000), FromMillis(1'767'225'600'400), 12, 9, "approaching"};
  const std::string json = ManifestJson(tracked);
  EXPECT_NE(json.find("\"track\":{\"direction\":\"approaching\",\"first_seen_ms\":"),
            std::string::npos);
  auto parsed = ParseManifest(json);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, tracked);
  // An event without a track has no track key at all: old signatures stay valid.
  EXPECT_EQ(ManifestJson(Sample()).find("track"), std::string::npos);

  auto reason = [&](const std::string& from, const std::string& to) {
    std::string s = json;
    s.replace(s.find(from), from.size(), to);
    auto r = ParseManifest(s);
    EXPECT_FALSE(r.ok()) << s;
    return r.ok() ? std::string() : r.error().message;
  };
  EXPECT_NE(reason("\"frames\":12", "\"frames\":0").find("frames"), std::string::npos);
  EXPECT_NE(reason("\"frames_agreed\":9", "\"frames_agreed\":13").find("frames_agreed"),
            std::string::npos);
  EXPECT_NE(reason("\"approaching\"", "\"sideways\"").find("direction"), std::string::npos);
  EXPECT_NE(reason("\"approaching\"", "\"360\"").find("direction"), std::string::npos);
  EXPECT_NE(reason("\"id\":\"t-81\"", "\"id\":7").find("track must be"), std::string::npos);
  EXPECT_NE(reason("1767225599000", "1767225700000").find("before first_seen"), std::string::npos);
  tracked.track->direction = "275";
  EXPECT_TRUE(ParseManifest(ManifestJson(tracked)).ok());
}

TEST(EventManifest, ALaneIsOptionalAndSigned) {
  ReadEvent laned = Sample();
  laned.lane = "north-2";
  const std::string json = ManifestJson(laned);
  EXPECT_NE(json.find("\"lane\":\"north-2\""), std::string::npos);
  auto parsed = ParseManifest(json);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, laned);
  // Unknown lane: no key at all, so manifests signed before lanes existed keep their bytes.
  EXPECT_EQ(ManifestJson(Sample()).find("lane"), std::string::npos);
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"\"north-2\"", "\"\""},
                                 {"\"north-2\"", "7"},
                                 {"\"north-2\"", "\"north 2\""},
                                 {"\"north-2\"", "\"" + std::string(33, 'a') + "\""}}) {
    std::string s = json;
    s.replace(s.find(from), from.size(), to);
    auto r = ParseManifest(s);
    ASSERT_FALSE(r.ok()) << s;
    EXPECT_NE(r.error().message.find("lane"), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace safelane::store
