#include "store/sqlite_evidence_refs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/sqlite_migrations.h"
#include "store/store_test_fixture.h"

namespace safelane::store {
namespace {

using testing::kT0;

std::string Address(const std::string& text) {
  return security::Sha256Hex(security::AsBytes(text));
}

class EvidenceRefsTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    AddCamera("cam", 41.3, 69.2, "Tashkent");
  }

  void Insert(const std::string& id, TimePoint at, const std::vector<std::string>& objects) {
    ReadEvent e = MakeEvent(id, "cam", "01A123BC", at);
    for (const std::string& o : objects) e.evidence.push_back({"overview", Address(o), 10});
    const std::vector<SignedRead> batch = {{std::move(e), {}}};
    auto r = store_->InsertReads(batch, at);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->at(0), InsertOutcome::kInserted);
  }

  bool Referenced(const std::string& object) {
    auto used = store_->IsEvidenceReferenced(Address(object));
    EXPECT_TRUE(used.ok()) << used.error().message;
    return used.ok() && *used;
  }

  // A read stored behind the store's back with this seq, so the next reads follow it.
  void JumpTo(std::int64_t seq) {
    ASSERT_EQ(RawExec("INSERT INTO reads (seq, event_id, camera_id, captured_at, received_at,"
                      " plate, confidence, country, vehicle_class, colour, hotlist_hit, signature)"
                      " VALUES (" +
                      std::to_string(seq) + ", 'jump', 'cam', " +
                      std::to_string(ToMillis(kT0 + hours(100))) +
                      ", 0, '01J000MP', 0.9, 'uz',"
                      " 'car', 'white', 0, zeroblob(64))"),
              "");
  }
};

// The plan of a look-up by one address, and of the purge's set-based form (a column of
// an outer table as the address): each bucket is an equality probe of the index on both
// of its expressions, never a scan of read_evidence.
TEST_F(EvidenceRefsTest, EachBucketIsOneProbeOfTheAddressIndex) {
  auto one = sqlite_store().ExplainEvidenceReferenced();
  ASSERT_TRUE(one.ok()) << one.error().message;
  EXPECT_NE(one->find("SEARCH e USING INDEX read_evidence_address (<expr>=? AND <expr>=?)"),
            std::string::npos)
      << *one;
  EXPECT_EQ(one->find("SCAN e"), std::string::npos) << *one;

  auto raw = sqlite::Database::Open(dir_ / "data" / SqliteStore::kDatabaseFile, false);
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(
      raw->Exec("CREATE TEMP TABLE candidates (sha256 BLOB PRIMARY KEY) WITHOUT ROWID").ok());
  auto plan = raw->Prepare(std::string("EXPLAIN QUERY PLAN ") + sqlite::kEvidenceBuckets +
                           "SELECT p.sha256 FROM temp.candidates p WHERE NOT EXISTS (" +
                           sqlite::EvidenceRowsNaming("p.sha256") + ")");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  std::string steps;
  for (auto row = plan->Step(); row.ok() && *row; row = plan->Step()) steps += plan->Text(3) + "\n";
  EXPECT_NE(steps.find("SEARCH e USING INDEX read_evidence_address (<expr>=? AND <expr>=?)"),
            std::string::npos)
      << steps;
  EXPECT_EQ(steps.find("SCAN e"), std::string::npos) << steps;
}

// References in buckets 0 and 3 with two empty buckets between: every bucket is looked
// at, and a purge keeps an object that a read three buckets later still names.
TEST_F(EvidenceRefsTest, LooksInEveryBucketFromTheOldestToTheNewest) {
  EXPECT_FALSE(Referenced("anything")) << "an empty store names nothing";
  Insert("old", kT0, {"shared", "own"});
  JumpTo(3 * 65'536);
  Insert("young", kT0 + hours(100), {"shared"});
  auto young = store_->GetRead("young");
  ASSERT_TRUE(young.ok() && young->has_value());

  EXPECT_TRUE(Referenced("shared"));
  EXPECT_TRUE(Referenced("own"));
  EXPECT_FALSE(Referenced("absent"));

  auto purged = store_->PurgeExpired(
      {.unmatched_reads_before = kT0 + hours(1), .closed_violations_before = kT0 - hours(1)});
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  EXPECT_EQ(purged->reads_deleted, 1);
  EXPECT_EQ(purged->evidence_released, std::vector<std::string>{Address("own")});
  EXPECT_TRUE(Referenced("shared"));
  EXPECT_FALSE(Referenced("own"));
}

// A store made before migration 5, holding a read: opening it replaces the address
// index, and the read's evidence is found through the new one.
// Migrations 5 (evidence addresses by bucket), 6 (reads by day, then plate) and 7 (by hour,
// then plate) rebuild indexes of a store that already holds reads; each must find what
// was there before.
TEST_F(EvidenceRefsTest, MigrationsFiveToSevenUpgradeAStoreThatHoldsReads) {
  const auto old_dir = dir_ / "old";
  std::filesystem::create_directories(old_dir);
  {
    auto db = sqlite::Database::Open(old_dir / SqliteStore::kDatabaseFile, true);
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto v = sqlite::ApplyMigrations(*db, kT0, 4);
    ASSERT_TRUE(v.ok()) << v.error().message;
    ASSERT_EQ(*v, 4);
    const std::string address = "X'" + Address("frame") + "'";
    ASSERT_TRUE(db->Exec("INSERT INTO cameras VALUES ('cam', 'Camera', 41.3, 69.2, 90, 'Tashkent',"
                         " 'active', zeroblob(32));"
                         "INSERT INTO reads (seq, event_id, camera_id, captured_at, received_at,"
                         " plate, confidence, country, vehicle_class, colour, hotlist_hit,"
                         " signature) VALUES (70000, 'before', 'cam', 0, 0, '01A123BC', 0.9,"
                         " 'uz', 'car', 'white', 0, zeroblob(64));"
                         "INSERT INTO read_evidence VALUES (70000, 0, 'overview', " +
                         address + ", 10)")
                    .ok());
  }
  auto upgraded = SqliteStore::Open(old_dir, clock_);
  ASSERT_TRUE(upgraded.ok()) << upgraded.error().message;
  EXPECT_EQ((*upgraded)->SchemaVersion(), sqlite::LatestSchemaVersion());
  auto used = (*upgraded)->IsEvidenceReferenced(Address("frame"));
  ASSERT_TRUE(used.ok()) << used.error().message;
  EXPECT_TRUE(*used);
  EXPECT_FALSE(*(*upgraded)->IsEvidenceReferenced(Address("other")));
  auto read = (*upgraded)->GetRead("before");
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->event.evidence.at(0).sha256, Address("frame"));
  auto stops = (*upgraded)->Journey("01A123BC", FromMillis(0), FromMillis(1), 10);
  ASSERT_TRUE(stops.ok()) << stops.error().message;
  ASSERT_EQ(stops->size(), 1U);
  EXPECT_EQ(stops->front().event_id, "before");
  auto found = (*upgraded)->SearchReads({.plate = PlatePattern::Parse("01A*").value()});
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->size(), 1U);
  upgraded->reset();

  auto raw = sqlite::Database::Open(old_dir / SqliteStore::kDatabaseFile, false);
  ASSERT_TRUE(raw.ok());
  auto indexes = raw->Prepare(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'read_evidence'"
      " AND sql IS NOT NULL ORDER BY name");
  ASSERT_TRUE(indexes.ok());
  std::vector<std::string> names;
  for (auto row = indexes->Step(); row.ok() && *row; row = indexes->Step()) {
    names.push_back(indexes->Text(0));
  }
  EXPECT_EQ(names, std::vector<std::string>{"read_evidence_address"});
  auto read_indexes = raw->Prepare(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reads'"
      " AND sql IS NOT NULL ORDER BY name");
  ASSERT_TRUE(read_indexes.ok());
  names.clear();
  for (auto row = read_indexes->Step(); row.ok() && *row; row = read_indexes->Step()) {
    names.push_back(read_indexes->Text(0));
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"reads_camera_time", "reads_hour_plate", "reads_time"}));
}

}  // namespace
}  // namespace safelane::store
