#include "store/sqlite_store.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "store/sqlite_migrations.h"
#include "store/store_test_fixture.h"

namespace safelane::store {
namespace {

using testing::kT0;
using testing::StoreTest;

std::vector<std::string> Ids(const std::vector<StoredRead>& reads) {
  std::vector<std::string> ids;
  for (const auto& r : reads) ids.push_back(r.event.event_id);
  return ids;
}

PlatePattern Pattern(const char* text) {
  return *PlatePattern::Parse(text);
}

TEST_F(StoreTest, MigratesAtOpenAndRefusesANewerSchema) {
  EXPECT_EQ(store_->SchemaVersion(), sqlite::LatestSchemaVersion());
  store_.reset();
  auto again = SqliteStore::Open(dir_ / "data", clock_);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ((*again)->SchemaVersion(), sqlite::LatestSchemaVersion());
  again->reset();

  auto raw = sqlite::Database::Open(dir_ / "data" / SqliteStore::kDatabaseFile, false);
  ASSERT_TRUE(raw.ok());
  {
    auto mode = raw->Prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode.ok() && *mode->Step());
    EXPECT_EQ(mode->Text(0), "wal");
  }  // finalised: a pending statement would hold the next write uncommitted
  ASSERT_TRUE(raw->Exec("PRAGMA user_version = 999").ok());
  auto newer = SqliteStore::Open(dir_ / "data", clock_);
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.error().code, ErrorCode::kBadConfig);
  EXPECT_NE(newer.error().message.find("newer"), std::string::npos);
}

TEST_F(StoreTest, MissingDirectoryWithoutCreateIsRefused) {
  auto s = SqliteStore::Open(dir_ / "nowhere", clock_, SqliteOptions{.create = false});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kBadConfig);
}

TEST_F(StoreTest, OptionsOutsideTheirBoundsAreRefused) {
  for (const SqliteOptions& o :
       {SqliteOptions{.busy_timeout_ms = -1}, SqliteOptions{.busy_timeout_ms = 600'001},
        SqliteOptions{.cache_mib = 1}, SqliteOptions{.cache_mib = 4097},
        SqliteOptions{.wal_checkpoint_mib = 0}, SqliteOptions{.wal_checkpoint_mib = 1025}}) {
    auto s = SqliteStore::Open(dir_ / "other", clock_, o);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kBadConfig);
  }
  EXPECT_TRUE(SqliteStore::Open(dir_ / "other", clock_, SqliteOptions{.cache_mib = 2}).ok());
}

class SearchTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    AddCamera("tash-1", 41.3111, 69.2797, "Tashkent");
    AddCamera("tash-2", 41.3200, 69.2500, "Tashkent");
    AddCamera("sam-1", 39.6542, 66.9597, "Samarkand");
    auto ev = [&](const char* id, const char* cam, const char* plate, int minute, const char* cls,
                  const char* colour) {
      ReadEvent e = MakeEvent(id, cam, plate, kT0 + std::chrono::minutes(minute));
      e.vehicle_class = cls;
      e.colour = colour;
      return Signed(e);
    };
    IngestAll({ev("a", "tash-1", "01A123BC", 0, "car", "white"),
               ev("b", "tash-2", "01A123BC", 10, "car", "white"),
               ev("c", "sam-1", "01A123BC", 90, "car", "white"),
               ev("d", "tash-1", "01A777BC", 5, "truck", "red"),
               ev("e", "tash-1", "01B123BC", 6, "car", "black"),
               ev("f", "sam-1", "30X001AA", 7, "bus", "yellow"),
               ev("g", "tash-2", "01AB", 8, "van", "white")});
  }

  std::vector<std::string> Search(ReadQuery q) {
    auto r = store_->SearchReads(q);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? Ids(*r) : std::vector<std::string>{};
  }
};

TEST_F(SearchTest, ExactPlateInTimeOrderWithEvidence) {
  auto reads = store_->SearchReads({.plate = Pattern("01A123BC")});
  ASSERT_TRUE(reads.ok());
  EXPECT_EQ(Ids(*reads), (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ((*reads)[0].event.evidence.size(), 1U);
  EXPECT_EQ((*reads)[0].event.evidence[0].role, "overview");
  EXPECT_TRUE(vault_->Contains((*reads)[0].event.evidence[0].sha256));
  EXPECT_EQ((*reads)[0].received_at, kT0);
}

TEST_F(SearchTest, Wildcards) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Search({.plate = Pattern("01A*BC")}), (V{"a", "d", "b", "c"}));
  EXPECT_EQ(Search({.plate = Pattern("01A?23BC")}), (V{"a", "b", "c"}));
  EXPECT_EQ(Search({.plate = Pattern("01A*")}), (V{"a", "d", "g", "b", "c"}));
  EXPECT_EQ(Search({.plate = Pattern("*123BC")}), (V{"a", "e", "b", "c"}));  // no prefix
  EXPECT_EQ(Search({.plate = Pattern("01AB")}), (V{"g"}));
  EXPECT_EQ(Search({.plate = Pattern("01A*BD")}), V{});
}

TEST_F(SearchTest, EveryFilterAndTheirCombination) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Search({.from = kT0 + std::chrono::minutes(5), .to = kT0 + std::chrono::minutes(8)}),
            (V{"d", "e", "f"}));  // [from, to)
  EXPECT_EQ(Search({.camera_id = "tash-2"}), (V{"g", "b"}));
  EXPECT_EQ(Search({.city = "Samarkand"}), (V{"f", "c"}));
  EXPECT_EQ(Search({.vehicle_class = "truck"}), (V{"d"}));
  EXPECT_EQ(Search({.colour = "white"}), (V{"a", "g", "b", "c"}));
  EXPECT_EQ(Search({.plate = Pattern("01A*"), .city = "Tashkent", .colour = "white"}),
            (V{"a", "g", "b"}));
  EXPECT_EQ(Search({.limit = 2}), (V{"a", "d"}));
  EXPECT_FALSE(store_->SearchReads({.limit = 0}).ok());
  EXPECT_FALSE(store_->SearchReads({.limit = kMaxQueryLimit + 1}).ok());
}

TEST_F(SearchTest, PrefixWildcardAndExactPlateUseThePlateIndex) {
  auto wildcard = store_->ExplainSearch({.plate = Pattern("01A*BC"), .city = "Tashkent"});
  ASSERT_TRUE(wildcard.ok()) << wildcard.error().message;
  EXPECT_NE(wildcard->find("USING INDEX reads_plate_time (plate>? AND plate<?)"), std::string::npos)
      << *wildcard;
  auto exact = store_->ExplainSearch({.plate = Pattern("01A123BC")});
  ASSERT_TRUE(exact.ok());
  EXPECT_NE(exact->find("USING INDEX reads_plate_time (plate=?"), std::string::npos) << *exact;
}

TEST_F(SearchTest, JourneyIsTimeOrderedWithCameraPositions) {
  auto stops = store_->Journey("01A123BC", kT0, kT0 + std::chrono::minutes(90), 100);
  ASSERT_TRUE(stops.ok()) << stops.error().message;
  ASSERT_EQ(stops->size(), 2U);  // "c" at minute 90 is outside [from, to)
  EXPECT_EQ((*stops)[0].event_id, "a");
  EXPECT_EQ((*stops)[0].camera_id, "tash-1");
  EXPECT_DOUBLE_EQ((*stops)[0].latitude, 41.3111);
  EXPECT_DOUBLE_EQ((*stops)[1].longitude, 69.2500);
  EXPECT_EQ((*stops)[1].camera_name, "Camera tash-2");
  EXPECT_FALSE(store_->Journey("01a 123", kT0, kT0, 10).ok());
}

TEST_F(SearchTest, CamerasNearAPoint) {
  // tash-1 is ~0 m from the point, tash-2 ~2.6 km, sam-1 ~270 km.
  auto near = store_->CamerasNear(41.3111, 69.2797, 5000, 10);
  ASSERT_TRUE(near.ok()) << near.error().message;
  ASSERT_EQ(near->size(), 2U);
  EXPECT_EQ((*near)[0].camera.id, "tash-1");
  EXPECT_LT((*near)[0].distance_m, 1.0);
  EXPECT_EQ((*near)[1].camera.id, "tash-2");
  EXPECT_NEAR((*near)[1].distance_m, 2620, 100);
  auto wide = store_->CamerasNear(41.3111, 69.2797, 300'000, 10);
  ASSERT_TRUE(wide.ok());
  EXPECT_EQ(wide->size(), 3U);
  EXPECT_FALSE(store_->CamerasNear(91, 0, 100, 10).ok());
  EXPECT_FALSE(store_->CamerasNear(0, 0, -1, 10).ok());
}

TEST_F(StoreTest, ViolationReviewHistoryAndNoticeNumbering) {
  AddCamera("cam", 41.3, 69.2, "Tashkent");
  IngestAll({Signed(MakeEvent("e1", "cam", "01A123BC", kT0)),
             Signed(MakeEvent("e2", "cam", "01A124BC", kT0))});
  EXPECT_FALSE(store_->CreateViolation("nope", "red_light", kT0).ok());
  auto v = store_->CreateViolation("e1", "red_light", kT0);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->status, ViolationStatus::kOpen);

  auto unconfirmed = store_->IssueNotice(v->id, 50'000'00, "UZS", kT0);
  ASSERT_FALSE(unconfirmed.ok());
  EXPECT_NE(unconfirmed.error().message.find("not confirmed"), std::string::npos);

  auto reviewed =
      store_->RecordReview(v->id, {kT0 + hours(1), "officer.k", ViolationStatus::kConfirmed, "ok"});
  ASSERT_TRUE(reviewed.ok()) << reviewed.error().message;
  EXPECT_EQ(reviewed->status, ViolationStatus::kConfirmed);
  ASSERT_EQ(reviewed->reviews.size(), 1U);
  EXPECT_EQ(reviewed->reviews[0].reviewer, "officer.k");

  auto n1 = store_->IssueNotice(v->id, 375'000'00, "UZS", kT0 + hours(2));
  auto n2 = store_->IssueNotice(v->id, 375'000'00, "UZS", kT0 + hours(3));
  ASSERT_TRUE(n1.ok() && n2.ok());
  EXPECT_EQ(n1->number, "SL-2026-000001");
  EXPECT_EQ(n2->number, "SL-2026-000002");
  auto next_year = store_->IssueNotice(v->id, 1, "UZS", kT0 + hours(24 * 366));
  ASSERT_TRUE(next_year.ok());
  EXPECT_EQ(next_year->number, "SL-2027-000001");
  EXPECT_FALSE(store_->IssueNotice(v->id, 0, "UZS", kT0).ok());
  EXPECT_FALSE(store_->IssueNotice(v->id, 1, "uzs", kT0).ok());
  auto notices = store_->NoticesFor(v->id);
  ASSERT_TRUE(notices.ok());
  EXPECT_EQ(notices->size(), 3U);

  auto closed =
      store_->RecordReview(v->id, {kT0 + hours(5), "officer.k", ViolationStatus::kClosed, "paid"});
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->closed_at, kT0 + hours(5));
  EXPECT_EQ(closed->reviews.size(), 2U);
  auto after = store_->RecordReview(v->id, {kT0 + hours(6), "x", ViolationStatus::kOpen, ""});
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.error().message.find("closed case"), std::string::npos);
}

TEST_F(StoreTest, HotlistHitIsMarkedOnArrival) {
  AddCamera("cam", 41.3, 69.2, "Tashkent");
  ASSERT_TRUE(store_->AddHotlistEntry({"01A123BC", "stolen", kT0 - hours(1), std::nullopt}).ok());
  ASSERT_TRUE(
      store_->AddHotlistEntry({"01A999BC", "expired", kT0 - hours(9), kT0 - hours(1)}).ok());
  EXPECT_FALSE(store_->AddHotlistEntry({"01A", "", kT0, std::nullopt}).ok());
  IngestAll({Signed(MakeEvent("hit", "cam", "01A123BC", kT0)),
             Signed(MakeEvent("old", "cam", "01A999BC", kT0)),
             Signed(MakeEvent("miss", "cam", "01A124BC", kT0))});
  EXPECT_TRUE((*store_->GetRead("hit"))->hotlist_hit);
  EXPECT_FALSE((*store_->GetRead("old"))->hotlist_hit);
  EXPECT_FALSE((*store_->GetRead("miss"))->hotlist_hit);
}

TEST_F(StoreTest, VehicleRegistry) {
  ASSERT_TRUE(store_->UpsertVehicle({"01A123BC", "Chevrolet", "Cobalt", "white", "reg:77"}).ok());
  ASSERT_TRUE(store_->UpsertVehicle({"01A123BC", "Chevrolet", "Cobalt", "black", "reg:77"}).ok());
  auto v = store_->GetVehicle("01A123BC");
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ((*v)->colour, "black");
  EXPECT_FALSE(store_->GetVehicle("01A000BC")->has_value());
  EXPECT_FALSE(store_->UpsertVehicle({"bad plate", "", "", "", ""}).ok());
}

TEST_F(StoreTest, AuditLogIsAppendOnlyAndHashChained) {
  for (int i = 0; i < 3; ++i) {
    auto e = store_->AppendAudit("officer.k", "violation.view", "violation:1", "", kT0 + hours(i));
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(e->id, i + 1);
  }
  EXPECT_FALSE(store_->AppendAudit("", "x", "s", "", kT0).ok());
  EXPECT_FALSE(store_->AppendAudit("a", "Bad Action", "s", "", kT0).ok());
  EXPECT_TRUE(store_->VerifyAuditChain().ok());
  EXPECT_EQ(store_->AuditFor("violation:1")->size(), 3U);

  auto raw = sqlite::Database::Open(dir_ / "data" / SqliteStore::kDatabaseFile, false);
  ASSERT_TRUE(raw.ok());
  auto edit = raw->Exec("UPDATE audit_log SET actor = 'someone.else' WHERE id = 2");
  ASSERT_FALSE(edit.ok());
  EXPECT_NE(edit.error().message.find("append-only"), std::string::npos);
  EXPECT_FALSE(raw->Exec("DELETE FROM audit_log WHERE id = 2").ok());
  // Someone with write access to the file can drop the trigger; the chain still shows it.
  ASSERT_TRUE(raw->Exec("DROP TRIGGER audit_log_no_update").ok());
  ASSERT_TRUE(raw->Exec("UPDATE audit_log SET actor = 'someone.else' WHERE id = 2").ok());
  auto verified = store_->VerifyAuditChain();
  ASSERT_FALSE(verified.ok());
  EXPECT_NE(verified.error().message.find("entry 2"), std::string::npos);
}

}  // namespace
}  // namespace safelane::store
