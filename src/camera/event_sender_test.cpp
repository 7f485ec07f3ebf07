#include "camera/event_sender.h"

#include <gtest/gtest.h>

#include "camera/store_sink.h"
#include "security/ed25519.h"
#include "security/master_key.h"
#include "security/sha256.h"
#include "security/test_temp_dir.h"
#include "store/event_manifest.h"
#include "store/sqlite_store.h"

namespace safelane::camera {
namespace {

// A real store (SQLite + vault) provisioned in a temporary directory, with one camera.
class EventSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = security::SigningKey::Generate();
    ASSERT_TRUE(key.ok());
    key_.emplace(std::move(*key));
  }

  void ProvisionStore() {
    ASSERT_TRUE(security::CreateMasterKeyFile(dir_ / "master.key").ok());
    const store::SystemClock clock;
    auto db = store::SqliteStore::Open(dir_ / "data", clock);
    ASSERT_TRUE(db.ok()) << db.error().message;
    store::Camera cam;
    cam.id = "cam-1";
    cam.name = "test";
    cam.latitude = 41.3;
    cam.longitude = 69.2;
    cam.city = "Tashkent";
    cam.public_key = key_->public_key();
    ASSERT_TRUE((*db)->RegisterCamera(cam).ok());
  }

  store::IncomingEvent Signed(const std::string& id, const std::string& plate) {
    store::ReadEvent e;
    e.event_id = id;
    e.camera_id = "cam-1";
    e.captured_at = store::FromMillis(1'767'225'600'000);
    e.plate = plate;
    e.confidence = 0.9;
    e.vehicle_class = "car";
    store::IncomingEvent in;
    const security::Bytes frame(50, static_cast<std::uint8_t>(plate.size()));
    e.evidence.push_back({"overview", security::Sha256Hex(frame), frame.size()});
    in.manifest = store::ManifestJson(e);
    in.signature_hex = security::ToHex(key_->Sign(security::AsBytes(in.manifest)));
    in.evidence.push_back(frame);
    return in;
  }

  std::optional<store::StoredRead> Stored(const std::string& id) {
    const store::SystemClock clock;
    auto db = store::SqliteStore::Open(dir_ / "data", clock, {.create = false});
    EXPECT_TRUE(db.ok());
    auto read = (*db)->GetRead(id);
    EXPECT_TRUE(read.ok());
    return read.ok() ? *read : std::nullopt;
  }

  testing::TempDir dir_;
  std::optional<security::SigningKey> key_;
};

TEST_F(EventSenderTest, NothingIsLostWhileTheStoreIsDownAndResendsAreHarmless) {
  auto spool = EventSpool::Open({.dir = dir_ / "spool"});
  ASSERT_TRUE(spool.ok());
  StoreSink sink(dir_ / "data", dir_ / "master.key");
  EventSender sender(**spool, sink, {});
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        (*spool)->Push(Signed("e" + std::to_string(i), "01A12" + std::to_string(i) + "BC")).ok());
  }
  // The store is not there: nothing leaves the spool, the failure is a typed error.
  auto down = sender.DrainOnce();
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, ErrorCode::kIo);
  EXPECT_NE(down.error().message.find("unreachable"), std::string::npos);
  EXPECT_EQ((*spool)->size(), 5U);

  ProvisionStore();
  // The camera "crashed" and restarts: a new spool object on the same directory.
  spool->reset();
  auto reopened = EventSpool::Open({.dir = dir_ / "spool"});
  ASSERT_TRUE(reopened.ok());
  EventSender again(**reopened, sink, {.batch = 2});
  auto sent = again.DrainOnce();
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  EXPECT_EQ(*sent, 5U);
  EXPECT_EQ((*reopened)->size(), 0U);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(Stored("e" + std::to_string(i)).has_value());

  // The same event sent again (its acknowledgement was lost): a duplicate, not a new read.
  ASSERT_TRUE((*reopened)->Push(Signed("e0", "01A120BC")).ok());
  ASSERT_TRUE(again.DrainOnce().ok());
  EXPECT_EQ(again.counters().duplicates, 1);
  EXPECT_EQ(again.counters().accepted, 5);
}

TEST_F(EventSenderTest, RefusedEventIsSetAsideWithItsReason) {
  ProvisionStore();
  auto spool = EventSpool::Open({.dir = dir_ / "spool"});
  ASSERT_TRUE(spool.ok());
  StoreSink sink(dir_ / "data", dir_ / "master.key");
  EventSender sender(**spool, sink, {});
  auto forged = Signed("e1", "01A123BC");
  forged.signature_hex[0] = forged.signature_hex[0] == 'a' ? 'b' : 'a';
  ASSERT_TRUE((*spool)->Push(forged).ok());
  ASSERT_TRUE((*spool)->Push(Signed("e2", "01A124BC")).ok());
  ASSERT_TRUE(sender.DrainOnce().ok());
  EXPECT_EQ((*spool)->size(), 0U);
  EXPECT_EQ(sender.counters().refused, 1);
  EXPECT_EQ(sender.counters().accepted, 1);
  EXPECT_FALSE(Stored("e1").has_value());
  EXPECT_TRUE(Stored("e2").has_value());
  std::size_t refused_files = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir_ / "spool" / "refused")) {
    refused_files += f.path().extension() == ".reason" ? 1 : 0;
  }
  EXPECT_EQ(refused_files, 1U);
}

TEST_F(EventSenderTest, BackgroundThreadDeliversAfterWake) {
  ProvisionStore();
  auto spool = EventSpool::Open({.dir = dir_ / "spool"});
  ASSERT_TRUE(spool.ok());
  StoreSink sink(dir_ / "data", dir_ / "master.key");
  EventSender sender(**spool, sink, {.retry_interval = std::chrono::milliseconds(50)});
  sender.Start();
  ASSERT_TRUE((*spool)->Push(Signed("e1", "01A123BC")).ok());
  sender.Wake();
  for (int i = 0; i < 200 && (*spool)->size() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  sender.Stop();
  EXPECT_EQ((*spool)->size(), 0U);
  EXPECT_TRUE(Stored("e1").has_value());
}

}  // namespace
}  // namespace safelane::camera
