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

TEST_P(SearchTest, ExactPlateInTimeOrderWithEvidence) {
  auto reads = store_->SearchReads({.plate = Pattern("01A123BC")});
  ASSERT_TRUE(reads.ok());
  EXPECT_EQ(Ids(*reads), (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ((*reads)[0].event.evidence.size(), 1U);
  EXPECT_EQ((*reads)[0].event.evidence[0].role, "overview");
  EXPECT_TRUE(vault_->Contains((*reads)[0].event.evidence[0].sha256));
  EXPECT_EQ((*reads)[0].received_at, kT0);
}

TEST_P(SearchTest, Wildcards) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Search({.plate = Pattern("01A*BC")}), (V{"a", "d", "b", "c"}));
  EXPECT_EQ(Search({.plate = Pattern("01A?23BC")}), (V{"a", "b", "c"}));
  EXPECT_EQ(Search({.plate = Pattern("01A*")}), (V{"a", "d", "g", "b", "c"}));
  EXPECT_EQ(Search({.plate = Pattern("*123BC")}), (V{"a", "e", "b", "c"}));  // no prefix
  EXPECT_EQ(Search({.plate = Pattern("01AB")}), (V{"g"}));
  EXPECT_EQ(Search({.plate = Pattern("01A*BD")}), V{});
}

TEST_P(SearchTest, EveryFilterAndTheirCombination) {
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
  auto wildcard = sqlite_store().ExplainSearch({.plate = Pattern("01A*BC"), .city = "Tashkent"});
  ASSERT_TRUE(wildcard.ok()) << wildcard.error().message;
  EXPECT_NE(wildcard->find("USING INDEX reads_hour_plate (<expr>=? AND plate>? AND plate<?)"),
            std::string::npos)
      << *wildcard;
  auto exact = sqlite_store().ExplainSearch({.plate = Pattern("01A123BC")});
  ASSERT_TRUE(exact.ok());
  EXPECT_NE(exact->find("USING INDEX reads_hour_plate (<expr>=? AND plate=?"), std::string::npos)
      << *exact;
}

// The SQLite index is keyed by UTC hour first (sqlite_read_hours.h): a window that starts
// or ends on the hour, spans hours and days or lies outside the stored reads must still
// give exactly the reads inside it, as PostgreSQL's day partitions do.
TEST_P(SearchTest, PlateLookUpsAcrossHourAndDayBoundaries) {
  using V = std::vector<std::string>;
  using std::chrono::milliseconds;
  const auto day = hours(24);
  auto at = [&](const char* id, TimePoint t) {
    return Signed(MakeEvent(id, "tash-1", "77Z555ZZ", t));
  };
  IngestAll({at("p0", kT0 - milliseconds(1)), at("p1", kT0), at("p2", kT0 + day - milliseconds(1)),
             at("p3", kT0 + day), at("p4", kT0 + 3 * day + hours(5))});
  auto journey = [&](TimePoint from, TimePoint to) {
    auto stops = store_->Journey("77Z555ZZ", from, to, 100);
    EXPECT_TRUE(stops.ok()) << stops.error().message;
    V ids;
    for (const auto& s : stops.ok() ? *stops : std::vector<JourneyStop>{})
      ids.push_back(s.event_id);
    return ids;
  };
  EXPECT_EQ(journey(kT0, kT0 + day), (V{"p1", "p2"}));
  EXPECT_EQ(journey(kT0 - milliseconds(1), kT0 + day + milliseconds(1)),
            (V{"p0", "p1", "p2", "p3"}));
  EXPECT_EQ(journey(kT0 - 30 * day, kT0 + 30 * day), (V{"p0", "p1", "p2", "p3", "p4"}));
  EXPECT_EQ(journey(kT0 + day + milliseconds(1), kT0 + 3 * day), V{});  // a gap between reads
  EXPECT_EQ(journey(kT0 + 40 * day, kT0 + 41 * day), V{});              // after every read
  EXPECT_EQ(journey(kT0 - 41 * day, kT0 - 40 * day), V{});              // before every read
  const TimePoint p4 = kT0 + 3 * day + hours(5);                        // on the hour
  EXPECT_EQ(journey(p4 - hours(1), p4), V{});
  EXPECT_EQ(journey(p4, p4 + milliseconds(1)), (V{"p4"}));
  EXPECT_EQ(journey(p4 - milliseconds(1), p4 + hours(2)), (V{"p4"}));
  EXPECT_EQ(Search({.plate = Pattern("77Z555ZZ")}), (V{"p0", "p1", "p2", "p3", "p4"}));
  EXPECT_EQ(Search({.plate = Pattern("77Z555ZZ"), .from = kT0 + day}), (V{"p3", "p4"}));
  EXPECT_EQ(Search({.plate = Pattern("77Z555ZZ"), .to = kT0}), (V{"p0"}));
  EXPECT_EQ(Search({.plate = Pattern("77Z*"), .from = kT0, .to = kT0 + 4 * day, .limit = 3}),
            (V{"p1", "p2", "p3"}));
  EXPECT_EQ(Search({.plate = Pattern("7?Z55*"), .to = kT0 + day}), (V{"p0", "p1", "p2"}));
}

TEST_P(SearchTest, JourneyIsTimeOrderedWithCameraPositions) {
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

TEST_P(SearchTest, CamerasNearAPoint) {
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

TEST_P(StoreTest, ViolationReviewHistoryAndNoticeNumbering) {
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

TEST_P(StoreTest, HotlistHitIsMarkedOnArrival) {
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

TEST_P(StoreTest, VehicleRegistry) {
  ASSERT_TRUE(store_->UpsertVehicle({"01A123BC", "Chevrolet", "Cobalt", "white", "reg:77"}).ok());
  ASSERT_TRUE(store_->UpsertVehicle({"01A123BC", "Chevrolet", "Cobalt", "black", "reg:77"}).ok());
  auto v = store_->GetVehicle("01A123BC");
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ((*v)->colour, "black");
  EXPECT_FALSE(store_->GetVehicle("01A000BC")->has_value());
  EXPECT_FALSE(store_->UpsertVehicle({"bad plate", "", "", "", ""}).ok());
}

AuditEntry Audit(const std::string& actor, const std::string& action, TimePoint at) {
  return {.at = at,
          .actor = actor,
          .action = action,
          .subject = "violation:1",
          .detail = "",
          .source = "10.0.0.7",
          .reason = "case 2026/114: stolen car report"};
}

TEST_P(StoreTest, AuditLogIsAppendOnlyHashChainedAndSigned) {
  for (int i = 0; i < 3; ++i) {
    auto e = store_->AppendAudit(Audit("officer.k", "violation.view", kT0 + hours(i)));
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(e->id, i + 1);
    EXPECT_EQ(e->source, "10.0.0.7");
  }
  EXPECT_FALSE(store_->AppendAudit(Audit("", "x", kT0)).ok());
  EXPECT_FALSE(store_->AppendAudit(Audit("a", "Bad Action", kT0)).ok());
  AuditEntry no_source = Audit("a", "x", kT0);
  no_source.source = "";
  EXPECT_EQ(store_->AppendAudit(no_source).error().code, ErrorCode::kBadRequest);
  EXPECT_TRUE(store_->VerifyAuditChain(audit_key_->public_key()).ok());
  auto listed = store_->AuditFor("violation:1");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 3U);
  EXPECT_EQ((*listed)[1].reason, "case 2026/114: stolen car report");

  // A different key does not verify the log.
  auto stranger = security::SigningKey::Generate();
  ASSERT_TRUE(stranger.ok());
  auto wrong = store_->VerifyAuditChain(stranger->public_key());
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("entry 1 "), std::string::npos) << wrong.error().message;

  const std::string edit = RawExec("UPDATE audit_log SET actor = 'someone.else' WHERE id = 2");
  EXPECT_NE(edit.find("append-only"), std::string::npos) << edit;
  EXPECT_NE(RawExec("DELETE FROM audit_log WHERE id = 2"), "");
}

TEST_P(StoreTest, AuditListPagesInOrder) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_->AppendAudit(Audit("auditor.x", "audit.view", kT0 + hours(i))).ok());
  }
  auto first = store_->ListAudit(0, 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 2U);
  EXPECT_EQ((*first)[0].id, 1);
  auto next = store_->ListAudit(first->back().id, 10);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 3U);
  EXPECT_EQ((*next)[0].id, 3);
  EXPECT_TRUE(store_->ListAudit(5, 10)->empty());
  EXPECT_EQ(store_->ListAudit(0, 0).error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(store_->ListAudit(0, kMaxQueryLimit + 1).error().code, ErrorCode::kBadRequest);
}

TEST_P(StoreTest, AStoreWithoutTheAuditKeyCannotAppend) {
  store_.reset();
  auto reader = OpenStore(nullptr);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  auto appended = (*reader)->AppendAudit(Audit("officer.k", "violation.view", kT0));
  ASSERT_FALSE(appended.ok());
  EXPECT_EQ(appended.error().code, ErrorCode::kBadConfig);
}

// Someone with write access to the database file drops the triggers and tampers; the
// chain and the signatures still name the first bad entry.
class AuditTamperTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(store_->AppendAudit(Audit("officer.k", "violation.view", kT0 + hours(i))).ok());
    }
    ASSERT_TRUE(store_->VerifyAuditChain(audit_key_->public_key()).ok());
    ASSERT_EQ(RawExec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete",
                      "DROP TRIGGER audit_log_no_change ON audit_log"),
              "");
  }

  // Expects verification to fail naming the entry, with the word that says why.
  void ExpectBroken(std::int64_t entry, const std::string& why) {
    auto verified = store_->VerifyAuditChain(audit_key_->public_key());
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.error().code, ErrorCode::kIo);
    EXPECT_NE(verified.error().message.find("entry " + std::to_string(entry) + " "),
              std::string::npos)
        << verified.error().message;
    EXPECT_NE(verified.error().message.find(why), std::string::npos) << verified.error().message;
  }

  // Rewrites entry `id` so that its hash is right again (an attacker knows the formula),
  // signed with the attacker's own key.
  void Reseal(std::int64_t id, const std::string& previous_hash) {
    auto rows = store_->ListAudit(id - 1, 1);
    ASSERT_TRUE(rows.ok() && rows->size() == 1U);
    AuditEntry e = (*rows)[0];
    auto forger = security::SigningKey::Generate();
    ASSERT_TRUE(forger.ok());
    SealAuditEntry(previous_hash, *forger, e);
    ASSERT_EQ(RawExec("UPDATE audit_log SET hash = '" + e.hash + "', signature = " +
                      BlobLiteral(e.signature) + " WHERE id = " + std::to_string(id)),
              "");
  }
};

TEST_P(AuditTamperTest, AnEditedEntryIsNamed) {
  ASSERT_EQ(RawExec("UPDATE audit_log SET reason = 'no reason' WHERE id = 2"), "");
  ExpectBroken(2, "hash chain");
}

TEST_P(AuditTamperTest, ADeletedEntryIsNamed) {
  ASSERT_EQ(RawExec("DELETE FROM audit_log WHERE id = 3"), "");
  ExpectBroken(3, "missing");
}

TEST_P(AuditTamperTest, SwappedEntriesAreNamed) {
  // Swap the contents of rows 2 and 3, keeping their ids.
  ASSERT_EQ(RawExec("UPDATE audit_log SET id = -2 WHERE id = 2;"
                    "UPDATE audit_log SET id = 2 WHERE id = 3;"
                    "UPDATE audit_log SET id = 3 WHERE id = -2;"),
            "");
  ExpectBroken(2, "hash chain");
}

TEST_P(AuditTamperTest, ARechainedEditWithAForgedSignatureIsNamed) {
  ASSERT_EQ(RawExec("UPDATE audit_log SET actor = 'someone.else' WHERE id = 2"), "");
  auto first = store_->ListAudit(0, 1);
  ASSERT_TRUE(first.ok());
  Reseal(2, (*first)[0].hash);
  ExpectBroken(2, "not signed by the audit key");
}

TEST_P(AuditTamperTest, AnUnsignedEntryIsNamed) {
  ASSERT_EQ(RawExec("UPDATE audit_log SET signature = NULL WHERE id = 4"), "");
  ExpectBroken(4, "not signed");
}

User MakeUser(const std::string& username, const std::string& role) {
  User u;
  u.username = username;
  u.display_name = "Officer " + username;
  u.role = role;
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo";
  u.created_at = kT0;
  return u;
}

TEST_P(StoreTest, UsersRoundTripWithLockoutAndMfaFields) {
  EXPECT_EQ(*store_->CountUsers(), 0);
  auto created = store_->CreateUser(MakeUser("k.usmonov", "investigator"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(*store_->CountUsers(), 1);

  User u = *created;
  u.totp_secret_sealed = std::string("\x00sealed\xff bytes", 14);
  u.mfa_enabled = true;
  u.failed_logins = 5;
  u.locked_until = kT0 + hours(1);
  u.last_login_at = kT0 + hours(2);
  u.totp_last_step = 58'908'000;  // persisted: the TOTP replay guard survives a restart
  u.disabled = true;
  u.role = "supervisor";
  u.username = "renamed";         // ignored: usernames never change
  u.created_at = kT0 + hours(9);  // ignored too
  ASSERT_TRUE(store_->UpdateUser(u).ok());

  auto fetched = store_->GetUser(created->id);
  ASSERT_TRUE(fetched.ok() && fetched->has_value());
  User expected = u;
  expected.username = "k.usmonov";
  expected.created_at = kT0;
  EXPECT_EQ(**fetched, expected);
  auto found = store_->FindUser("k.usmonov");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(**found, expected);
  EXPECT_FALSE(store_->FindUser("renamed")->has_value());
  EXPECT_FALSE(store_->GetUser(999)->has_value());

  // Clearing the optional fields stores NULL again.
  expected.locked_until.reset();
  expected.last_login_at.reset();
  ASSERT_TRUE(store_->UpdateUser(expected).ok());
  EXPECT_EQ(**store_->GetUser(created->id), expected);
}

TEST_P(StoreTest, DuplicateUsernamesAreRefused) {
  ASSERT_TRUE(store_->CreateUser(MakeUser("admin.one", "administrator")).ok());
  auto again = store_->CreateUser(MakeUser("admin.one", "auditor"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(again.error().message.find("'admin.one' is taken"), std::string::npos);
  ASSERT_TRUE(store_->CreateUser(MakeUser("auditor.two", "auditor")).ok());
  auto all = store_->ListUsers();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2U);
  EXPECT_EQ((*all)[0].username, "admin.one");
  EXPECT_EQ((*all)[1].role, "auditor");
}

TEST_P(StoreTest, BadUsersAreRefused) {
  auto refused = [&](const User& u, const std::string& words) {
    auto r = store_->CreateUser(u);
    ASSERT_FALSE(r.ok()) << u.username;
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
    EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
  };
  refused(MakeUser("someone", "root"), "role 'root'");
  refused(MakeUser("someone", ""), "role");
  refused(MakeUser("ab", "operator"), "username");
  refused(MakeUser("Upper.Case", "operator"), "username");
  refused(MakeUser("with space", "operator"), "username");
  refused(MakeUser(std::string(65, 'a'), "operator"), "username");
  User plain = MakeUser("plain.pw", "operator");
  plain.password_hash = "hunter2";
  refused(plain, "argon2id");
  User mfa = MakeUser("mfa.none", "operator");
  mfa.mfa_enabled = true;
  refused(mfa, "TOTP");
  User negative = MakeUser("neg.fail", "operator");
  negative.failed_logins = -1;
  refused(negative, "failed_logins");
  EXPECT_EQ(*store_->CountUsers(), 0);

  User ghost = MakeUser("ghost", "operator");
  ghost.id = 42;
  auto update = store_->UpdateUser(ghost);
  ASSERT_FALSE(update.ok());
  EXPECT_EQ(update.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(update.error().message.find("no user 42"), std::string::npos);
}

TEST_P(StoreTest, ATrackRoundTripsWithItsRead) {
  AddCamera("cam", 41.3111, 69.2797, "Tashkent");
  ReadEvent tracked = MakeEvent("t1", "cam", "01A123BC", kT0);
  tracked.track =
      Track{"trk-81", kT0 - milliseconds(900), kT0 + milliseconds(300), 12, 9, "approaching"};
  IngestAll({Signed(tracked), Signed(MakeEvent("plain", "cam", "01A124BC", kT0))});
  auto read = store_->GetRead("t1");
  ASSERT_TRUE(read.ok() && read->has_value());
  ASSERT_TRUE((*read)->event.track.has_value());
  EXPECT_EQ(*(*read)->event.track, *tracked.track);
  auto plain = store_->GetRead("plain");
  ASSERT_TRUE(plain.ok() && plain->has_value());
  EXPECT_FALSE((*plain)->event.track.has_value());
  ReadQuery q;
  q.plate = Pattern("01A123BC");
  auto found = store_->SearchReads(q);
  ASSERT_TRUE(found.ok() && found->size() == 1U);
  EXPECT_EQ((*found)[0].event.track->direction, "approaching");
}

// Schema 4: a read's lane is stored and read back (the manifest is rebuilt from these
// fields byte for byte); a read without one stays without.
TEST_P(StoreTest, ALaneRoundTripsWithItsRead) {
  AddCamera("cam", 41.3111, 69.2797, "Tashkent");
  ReadEvent laned = MakeEvent("l1", "cam", "01A123BC", kT0);
  laned.lane = "2";
  IngestAll({Signed(laned), Signed(MakeEvent("plain", "cam", "01A124BC", kT0))});
  auto read = store_->GetRead("l1");
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->event.lane, "2");
  EXPECT_NE(ManifestJson((*read)->event).find("\"lane\":\"2\""), std::string::npos);
  auto plain = store_->GetRead("plain");
  ASSERT_TRUE(plain.ok() && plain->has_value());
  EXPECT_TRUE((*plain)->event.lane.empty());
  ReadQuery q;
  q.plate = Pattern("01A123BC");
  auto found = store_->SearchReads(q);
  ASSERT_TRUE(found.ok() && found->size() == 1U);
  EXPECT_EQ((*found)[0].event.lane, "2");
}

SAFELANE_ALL_BACKENDS(StoreTest);
SAFELANE_ALL_BACKENDS(SearchTest);
SAFELANE_ALL_BACKENDS(AuditTamperTest);

}  // namespace
}  // namespace safelane::store
