#include "store/retention.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "store/store_test_fixture.h"

namespace safelane::store {
namespace {

using testing::kT0;
using testing::StoreTest;

class RetentionTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    AddCamera("cam", 41.3, 69.2, "Tashkent");
  }

  bool Stored(const std::string& event_id) { return store_->GetRead(event_id)->has_value(); }
  std::string ObjectOf(const std::string& event_id) {
    return (*store_->GetRead(event_id))->event.evidence.at(0).sha256;
  }

  // What an ingest leaves when it stops after writing its objects and before its
  // database transaction commits: an object no read refers to.
  std::string Orphan(const std::string& text) {
    auto put = vault_->Put(security::AsBytes(text));
    EXPECT_TRUE(put.ok() && put->created);
    return put->sha256;
  }

  // Dates a vault file as written at `at` (the files carry the real time they were made).
  static void SetModified(const std::filesystem::path& path, TimePoint at) {
    const std::int64_t ms = ToMillis(at);
    const timespec times[2] = {{ms / 1000, (ms % 1000) * 1'000'000},
                               {ms / 1000, (ms % 1000) * 1'000'000}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
  }
};

TEST_P(RetentionTest, PolicyBoundsAreEnforced) {
  EXPECT_TRUE(RetentionPolicy{}.Validate().ok());
  EXPECT_EQ(RetentionPolicy{}.unmatched_reads, hours(72));
  EXPECT_FALSE(RetentionPolicy{.unmatched_reads = hours(0)}.Validate().ok());
  EXPECT_FALSE(RetentionPolicy{.unmatched_reads = hours(8761)}.Validate().ok());
  EXPECT_FALSE(RetentionPolicy{.closed_violations = hours(23)}.Validate().ok());
  EXPECT_FALSE(RetentionPolicy{.interval = hours(169)}.Validate().ok());
}

TEST_P(RetentionTest, UnmatchedReadsGoAfter72HoursMatchedOnesStay) {
  ASSERT_TRUE(store_->AddHotlistEntry({"01H000OT", "stolen", kT0 - hours(1), std::nullopt}).ok());
  IngestAll({Signed(MakeEvent("plain", "cam", "01A123BC", kT0)),
             Signed(MakeEvent("hot", "cam", "01H000OT", kT0)),
             Signed(MakeEvent("case", "cam", "01C000AS", kT0)),
             Signed(MakeEvent("young", "cam", "01Y000NG", kT0 + hours(10)))});
  ASSERT_TRUE(store_->CreateViolation("case", "red_light", kT0).ok());
  const std::string plain_object = ObjectOf("plain");

  // One millisecond before the period ends, nothing goes.
  auto early = PurgeOnce(*store_, *vault_, {}, kT0 + hours(72) - milliseconds(1));
  ASSERT_TRUE(early.ok()) << early.error().message;
  EXPECT_EQ(early->reads_deleted, 0);
  EXPECT_TRUE(Stored("plain"));

  auto due = PurgeOnce(*store_, *vault_, {}, kT0 + hours(72) + milliseconds(1));
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->reads_deleted, 1);
  EXPECT_EQ(due->evidence_objects_deleted, 1);
  EXPECT_FALSE(Stored("plain"));
  EXPECT_FALSE(vault_->Contains(plain_object));
  EXPECT_TRUE(Stored("hot"));
  EXPECT_TRUE(Stored("case"));
  EXPECT_TRUE(Stored("young"));  // captured 10 h later: 62 h old
}

TEST_P(RetentionTest, ClosedViolationsGoAfterTheirPeriodThenTheirRead) {
  IngestAll({Signed(MakeEvent("case", "cam", "01C000AS", kT0)),
             Signed(MakeEvent("open", "cam", "01O000PN", kT0))});
  auto closed = store_->CreateViolation("case", "speed", kT0);
  auto open = store_->CreateViolation("open", "speed", kT0);
  ASSERT_TRUE(closed.ok() && open.ok());
  ASSERT_TRUE(
      store_
          ->RecordReview(closed->id, {kT0 + hours(24), "officer", ViolationStatus::kConfirmed, ""})
          .ok());
  ASSERT_TRUE(store_->IssueNotice(closed->id, 100, "UZS", kT0 + hours(24)).ok());
  ASSERT_TRUE(
      store_
          ->RecordReview(closed->id, {kT0 + hours(48), "officer", ViolationStatus::kClosed, "paid"})
          .ok());
  const RetentionPolicy policy{.closed_violations = hours(24 * 30)};

  auto before =
      PurgeOnce(*store_, *vault_, policy, kT0 + hours(48) + hours(24 * 30) - milliseconds(1));
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->violations_deleted, 0);
  EXPECT_TRUE(store_->GetViolation(closed->id)->has_value());

  auto after =
      PurgeOnce(*store_, *vault_, policy, kT0 + hours(48) + hours(24 * 30) + milliseconds(1));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->violations_deleted, 1);
  EXPECT_EQ(after->reads_deleted, 1);  // its read is now unmatched and long past 72 h
  EXPECT_FALSE(store_->GetViolation(closed->id)->has_value());
  EXPECT_TRUE(store_->NoticesFor(closed->id)->empty());
  EXPECT_FALSE(Stored("case"));
  EXPECT_TRUE(store_->GetViolation(open->id)->has_value());  // an open case never expires
  EXPECT_TRUE(Stored("open"));
}

TEST_P(RetentionTest, SharedEvidenceStaysWhileAnyReadRefersToIt) {
  // Two events carrying the same bytes share one vault object.
  auto first = Signed(MakeEvent("old", "cam", "01A123BC", kT0));
  auto e = MakeEvent("new", "cam", "01A123BC", kT0 + hours(100));
  e.evidence.push_back(
      {"overview", security::Sha256Hex(first.evidence[0]), first.evidence[0].size()});
  IncomingEvent second{ManifestJson(e), "", {first.evidence[0]}};
  second.signature_hex = security::ToHex(keys_.at("cam").Sign(security::AsBytes(second.manifest)));
  IngestAll({first, second});
  const std::string shared = ObjectOf("old");
  ASSERT_EQ(shared, ObjectOf("new"));

  auto purge = PurgeOnce(*store_, *vault_, {}, kT0 + hours(80));
  ASSERT_TRUE(purge.ok());
  EXPECT_EQ(purge->reads_deleted, 1);
  EXPECT_EQ(purge->evidence_objects_deleted, 0);
  EXPECT_TRUE(vault_->Get(shared).ok());
}

// More reads than one purge chunk (SQLite deletes 2,000 a transaction): every expired read
// goes, and the set-based check releases exactly the addresses no remaining read names.
TEST_P(RetentionTest, APurgeLongerThanOneChunkReleasesEveryUnreferencedObject) {
  constexpr int kOld = 2'100;
  std::vector<SignedRead> reads;
  auto address = [](int i) { return security::Sha256Hex(security::AsBytes(std::to_string(i))); };
  for (int i = 0; i < kOld; ++i) {
    ReadEvent e = MakeEvent("old-" + std::to_string(i), "cam", "01A123BC", kT0);
    e.evidence = {{"overview", address(i), 10}, {"plate", address(i + 100'000), 10}};
    reads.push_back({std::move(e), {}});
  }
  // A young read shares the first old read's overview: that object must stay.
  ReadEvent young = MakeEvent("young", "cam", "01A123BC", kT0 + hours(100));
  young.evidence = {{"overview", address(0), 10}};
  reads.push_back({std::move(young), {}});
  ASSERT_TRUE(store_->InsertReads(reads, kT0).ok());

  auto purged = store_->PurgeExpired(
      {.unmatched_reads_before = kT0 + hours(1), .closed_violations_before = kT0 - hours(1)});
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  EXPECT_EQ(purged->reads_deleted, kOld);
  std::set<std::string> released(purged->evidence_released.begin(),
                                 purged->evidence_released.end());
  EXPECT_EQ(released.size(), purged->evidence_released.size()) << "each address once";
  EXPECT_EQ(released.size(), 2U * kOld - 1);
  EXPECT_EQ(released.count(address(0)), 0U);
  EXPECT_EQ(released.count(address(1)), 1U);
  EXPECT_EQ(released.count(address(kOld - 1 + 100'000)), 1U);
  EXPECT_TRUE(Stored("young"));
  EXPECT_FALSE(Stored("old-0"));
  EXPECT_FALSE(Stored("old-" + std::to_string(kOld - 1)));
}

TEST_P(RetentionTest, AuditEntriesAreNeverPurgedAndEachRunIsAudited) {
  ASSERT_TRUE(store_
                  ->AppendAudit({.at = kT0,
                                 .actor = "officer",
                                 .action = "violation.view",
                                 .subject = "violation:1",
                                 .source = "cli"})
                  .ok());
  auto purge = PurgeOnce(*store_, *vault_, {}, kT0 + hours(24 * 365 * 20));
  ASSERT_TRUE(purge.ok());
  EXPECT_EQ(store_->AuditFor("violation:1")->size(), 1U);
  auto runs = store_->AuditFor("store");
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1U);
  EXPECT_EQ((*runs)[0].action, "retention.purge");
  EXPECT_TRUE(store_->VerifyAuditChain(audit_key_->public_key()).ok());
}

TEST_P(RetentionTest, JobRunsOnlyWhenDue) {
  IngestAll({Signed(MakeEvent("plain", "cam", "01A123BC", kT0))});
  RetentionJob job(*store_, *vault_, clock_, RetentionPolicy{.interval = hours(6)});
  auto first = job.RunIfDue();
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->reads_deleted, 0);

  clock_.Advance(hours(5));
  auto skipped = job.RunIfDue();
  ASSERT_TRUE(skipped.ok());
  EXPECT_FALSE(skipped->has_value());

  clock_.Set(kT0 + hours(73));
  auto purged = job.RunIfDue();
  ASSERT_TRUE(purged.ok() && purged->has_value());
  EXPECT_EQ((*purged)->reads_deleted, 1);
  EXPECT_FALSE(Stored("plain"));
}

TEST_P(RetentionTest, SweepDeletesOldOrphansAndLeftoverTemporaryFilesOnly) {
  IngestAll({Signed(MakeEvent("kept", "cam", "01A123BC", kT0 - hours(100)))});
  const std::string kept = ObjectOf("kept");
  const std::string old_orphan = Orphan("frame of a batch that never committed");
  const std::string young_orphan = Orphan("frame of a batch still in flight");
  const auto leftover = vault_->PathOf(old_orphan).string() + ".tmp-Ab12Cd";
  std::ofstream(leftover) << "half-written";
  SetModified(vault_->PathOf(kept), kT0 - hours(100));
  SetModified(vault_->PathOf(old_orphan), kT0 - hours(24) - milliseconds(1));
  SetModified(leftover, kT0 - hours(48));
  SetModified(vault_->PathOf(young_orphan), kT0 - hours(24) + milliseconds(1000));

  auto swept = SweepOrphans(*store_, *vault_, {}, kT0);  // default grace: 24 h
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(swept->orphan_objects_deleted, 1);
  EXPECT_EQ(swept->temporary_files_deleted, 1);
  EXPECT_FALSE(vault_->Contains(old_orphan));
  EXPECT_FALSE(std::filesystem::exists(leftover));
  EXPECT_TRUE(vault_->Get(kept).ok());  // a read refers to it, however old
  EXPECT_TRUE(vault_->Contains(young_orphan));
  EXPECT_EQ(store_->GetRead("kept")->value().event.evidence.at(0).sha256, kept);

  auto runs = store_->AuditFor("store");
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1U);
  EXPECT_EQ((*runs)[0].action, "retention.orphan_sweep");
  EXPECT_EQ((*runs)[0].detail, "orphan_objects=1 temporary_files=1");

  EXPECT_FALSE(SweepOrphans(*store_, *vault_, {.orphan_grace = hours(0)}, kT0).ok());
  EXPECT_FALSE(RetentionPolicy{.orphan_grace = hours(721)}.Validate().ok());
  EXPECT_FALSE(RetentionPolicy{.orphan_sweep_interval = hours(0)}.Validate().ok());
}

TEST_P(RetentionTest, PuttingAnOrphansBytesAgainRenewsItsGrace) {
  // A new batch carrying the same bytes finds the object stored and uses it: the sweep
  // must not delete it between that batch's Put and its commit.
  const std::string orphan = Orphan("the same frame sent twice");
  SetModified(vault_->PathOf(orphan), kT0 - hours(48));
  auto again = vault_->Put(security::AsBytes(std::string("the same frame sent twice")));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  auto swept = SweepOrphans(*store_, *vault_, {}, kT0);
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(swept->orphan_objects_deleted, 0);
  EXPECT_TRUE(vault_->Contains(orphan));
}

TEST_P(RetentionTest, JobSweepsOrphansOnItsOwnInterval) {
  RetentionJob job(*store_, *vault_, clock_, RetentionPolicy{.orphan_sweep_interval = hours(24)});
  const std::string first = Orphan("first orphan");
  SetModified(vault_->PathOf(first), kT0 - hours(25));
  auto run = job.RunIfDue();
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->orphan_objects_deleted, 1);
  EXPECT_FALSE(vault_->Contains(first));

  const std::string second = Orphan("second orphan");
  SetModified(vault_->PathOf(second), kT0 - hours(25));
  clock_.Advance(hours(2));  // the hourly purge is due, the daily sweep is not
  run = job.RunIfDue();
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->orphan_objects_deleted, 0);
  EXPECT_TRUE(vault_->Contains(second));

  clock_.Set(kT0 + hours(24));
  run = job.RunIfDue();
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->orphan_objects_deleted, 1);
  EXPECT_FALSE(vault_->Contains(second));
}

SAFELANE_ALL_BACKENDS(RetentionTest);

}  // namespace
}  // namespace safelane::store
