#include "camera/event_spool.h"

#include <gtest/gtest.h>

#include <fstream>

#include "security/test_temp_dir.h"

namespace safelane::camera {
namespace {

store::IncomingEvent Event(const std::string& id, std::size_t evidence_bytes = 100) {
  store::IncomingEvent e;
  e.manifest = R"({"event_id":")" + id + R"("})";
  e.signature_hex = std::string(128, 'a');
  e.evidence.emplace_back(evidence_bytes, 7);
  e.evidence.emplace_back(3, 9);
  return e;
}

TEST(EventSpool, EncodingRoundTripsAndDetectsAnyChangedByte) {
  const auto e = Event("e1");
  const auto bytes = EncodeSpoolFile(e);
  auto back = DecodeSpoolFile(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->manifest, e.manifest);
  EXPECT_EQ(back->signature_hex, e.signature_hex);
  EXPECT_EQ(back->evidence, e.evidence);
  for (std::size_t i = 0; i < bytes.size(); i += 7) {
    auto changed = bytes;
    changed[i] ^= 0x01;
    EXPECT_FALSE(DecodeSpoolFile(changed).ok()) << "byte " << i;
  }
  for (const std::size_t cut :
       {std::size_t{0}, std::size_t{5}, bytes.size() / 2, bytes.size() - 1}) {
    EXPECT_FALSE(DecodeSpoolFile(std::span(bytes).first(cut)).ok()) << "cut at " << cut;
  }
}

TEST(EventSpool, SurvivesARestartInOrderAndDropsUnfinishedTempFiles) {
  const testing::TempDir dir;
  const SpoolOptions options{.dir = dir / "spool"};
  {
    auto spool = EventSpool::Open(options);
    ASSERT_TRUE(spool.ok()) << spool.error().message;
    for (const char* id : {"e1", "e2", "e3"}) ASSERT_TRUE((*spool)->Push(Event(id)).ok());
    ASSERT_TRUE((*spool)->Remove((*(*spool)->Oldest(1))[0].seq).ok());
  }
  // A push that crashed between write and rename.
  std::ofstream(dir / "spool" / "tmp-99") << "half";
  auto spool = EventSpool::Open(options);
  ASSERT_TRUE(spool.ok()) << spool.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir / "spool" / "tmp-99"));
  EXPECT_EQ((*spool)->size(), 2U);
  auto oldest = (*spool)->Oldest(10);
  ASSERT_TRUE(oldest.ok());
  ASSERT_EQ(oldest->size(), 2U);
  EXPECT_EQ((*oldest)[0].event.manifest, Event("e2").manifest);
  EXPECT_EQ((*oldest)[1].event.manifest, Event("e3").manifest);
  // New events go after the replayed ones.
  ASSERT_TRUE((*spool)->Push(Event("e4")).ok());
  EXPECT_GT((*(*spool)->Oldest(3))[2].seq, (*oldest)[1].seq);
}

TEST(EventSpool, CorruptFileIsMovedAsideNotSentNorLost) {
  const testing::TempDir dir;
  auto spool = EventSpool::Open({.dir = dir / "spool"});
  ASSERT_TRUE(spool.ok());
  ASSERT_TRUE((*spool)->Push(Event("e1")).ok());
  ASSERT_TRUE((*spool)->Push(Event("e2")).ok());
  const auto first = (*(*spool)->Oldest(1))[0].seq;
  char name[40];
  std::snprintf(name, sizeof name, "%020lu.event", static_cast<unsigned long>(first));
  std::filesystem::resize_file(dir / "spool" / name, 20);  // torn
  auto oldest = (*spool)->Oldest(10);
  ASSERT_TRUE(oldest.ok());
  ASSERT_EQ(oldest->size(), 1U);
  EXPECT_EQ((*oldest)[0].event.manifest, Event("e2").manifest);
  EXPECT_EQ((*spool)->corrupt_files(), 1U);
  EXPECT_TRUE(std::filesystem::exists(dir / "spool" / "corrupt" / name));
}

TEST(EventSpool, FullSpoolRefusesNewEvents) {
  const testing::TempDir dir;
  auto spool = EventSpool::Open({.dir = dir / "spool", .max_events = 2});
  ASSERT_TRUE(spool.ok());
  ASSERT_TRUE((*spool)->Push(Event("e1")).ok());
  ASSERT_TRUE((*spool)->Push(Event("e2")).ok());
  auto full = (*spool)->Push(Event("e3"));
  ASSERT_FALSE(full.ok());
  EXPECT_NE(full.error().message.find("spool full"), std::string::npos);

  auto small = EventSpool::Open({.dir = dir / "small", .max_bytes = 1000});
  ASSERT_TRUE(small.ok());
  EXPECT_FALSE((*small)->Push(Event("big", 2000)).ok());
  EXPECT_EQ((*small)->size(), 0U);
}

}  // namespace
}  // namespace safelane::camera
