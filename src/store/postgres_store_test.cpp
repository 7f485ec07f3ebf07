// PostgreSQL-only behaviour: day partitions created at ingest and dropped by retention,
// with the reads a case or a hotlist hit needs kept. Everything else the backends share
// is proven by the TEST_P suites, which run on both.

#include "store/postgres_store.h"

#include <gtest/gtest.h>

#include "store/retention.h"
#include "store/store_test_fixture.h"

namespace safelane::store {
namespace {

using testing::kT0;
using testing::StoreTest;

class PostgresPartitionTest : public StoreTest {
 protected:
  PostgresStore& pg() { return dynamic_cast<PostgresStore&>(*store_); }
  bool Stored(const std::string& event_id) { return store_->GetRead(event_id)->has_value(); }
};

TEST_P(PostgresPartitionTest, DaysArePartitionsAndRetentionDropsWholeDays) {
  const int day0 =
      static_cast<int>(std::chrono::floor<std::chrono::days>(kT0).time_since_epoch().count());
  AddCamera("cam", 41.3, 69.2, "Tashkent");
  ASSERT_TRUE(store_->AddHotlistEntry({"01H000OT", "stolen", kT0 - hours(1), std::nullopt}).ok());
  IngestAll({Signed(MakeEvent("plain", "cam", "01A123BC", kT0 + hours(1))),
             Signed(MakeEvent("hot", "cam", "01H000OT", kT0 + hours(2))),
             Signed(MakeEvent("case", "cam", "01C000AS", kT0 + hours(3))),
             Signed(MakeEvent("next-day", "cam", "01N000DY", kT0 + hours(30))),
             Signed(MakeEvent("later", "cam", "01L000TR", kT0 + hours(100)))});
  ASSERT_TRUE(store_->CreateViolation("case", "red_light", kT0).ok());
  auto days = pg().DayPartitions();
  ASSERT_TRUE(days.ok()) << days.error().message;
  EXPECT_EQ(*days, (std::vector<int>{day0, day0 + 1, day0 + 4}));

  // The cutoff (72 h before now) falls at 01:00 on the next day: day0 lies wholly before
  // it and goes as a partition; the next day's partition stays (its read is younger).
  auto purge = PurgeOnce(*store_, *vault_, {}, kT0 + hours(97));
  ASSERT_TRUE(purge.ok()) << purge.error().message;
  EXPECT_EQ(purge->reads_deleted, 1);
  EXPECT_EQ(purge->evidence_objects_deleted, 1);
  EXPECT_EQ(*pg().DayPartitions(), (std::vector<int>{day0 + 1, day0 + 4}));
  EXPECT_FALSE(Stored("plain"));
  EXPECT_TRUE(Stored("hot"));   // moved to the kept partition
  EXPECT_TRUE(Stored("case"));  // idem
  EXPECT_TRUE(Stored("next-day"));
  auto journey = store_->Journey("01H000OT", kT0, kT0 + hours(24), 10);
  ASSERT_TRUE(journey.ok());
  EXPECT_EQ(journey->size(), 1U);  // kept reads are still searched as before

  // A new read for a dropped day recreates its partition.
  IngestAll({Signed(MakeEvent("late-arrival", "cam", "01A999BC", kT0 + hours(5)))});
  EXPECT_EQ(*pg().DayPartitions(), (std::vector<int>{day0, day0 + 1, day0 + 4}));
  EXPECT_TRUE(Stored("late-arrival"));
}

INSTANTIATE_TEST_SUITE_P(Backends, PostgresPartitionTest,
                         ::testing::Values(testing::Backend::kPostgres), testing::BackendName);

}  // namespace
}  // namespace safelane::store
