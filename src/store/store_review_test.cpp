// The review queue, the camera list and the statistics on both backends.

#include <chrono>

#include "store/store_test_fixture.h"

namespace safelane::store::testing {
namespace {

using std::chrono::hours;

class ReviewQueueTest : public StoreTest {
 protected:
  // Five violations on five reads: ids 1..5, rules alternating, the 2nd and 4th confirmed.
  void MakeFive() {
    AddCamera("cam-a", 41.3, 69.2, "Tashkent");
    AddCamera("cam-b", 41.4, 69.3, "Tashkent");
    std::vector<IncomingEvent> batch;
    for (int i = 1; i <= 5; ++i) {
      batch.push_back(Signed(MakeEvent("e" + std::to_string(i), i % 2 == 0 ? "cam-b" : "cam-a",
                                       "01A12" + std::to_string(i) + "BC", kT0 + hours(i))));
    }
    IngestAll(batch);
    for (int i = 1; i <= 5; ++i) {
      auto v = store_->CreateViolation("e" + std::to_string(i), i % 2 == 0 ? "speed" : "red_light",
                                       kT0 + hours(i));
      ASSERT_TRUE(v.ok()) << v.error().message;
      ASSERT_EQ(v->id, i);
      if (i % 2 == 0) {
        ASSERT_TRUE(
            store_->RecordReview(i, {kT0 + hours(9), "op", ViolationStatus::kConfirmed, ""}).ok());
      }
    }
  }

  std::vector<std::int64_t> Ids(const ViolationQuery& q) {
    auto rows = store_->ListViolations(q);
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    std::vector<std::int64_t> out;
    if (rows.ok()) {
      for (const auto& r : *rows) out.push_back(r.id);
    }
    return out;
  }
};

using IdList = std::vector<std::int64_t>;

TEST_P(ReviewQueueTest, ListsByStatusInBothOrdersAndPages) {
  MakeFive();
  const auto open = ViolationStatus::kOpen;
  EXPECT_EQ(Ids({.status = open}), (IdList{1, 3, 5}));
  EXPECT_EQ(Ids({.status = ViolationStatus::kConfirmed}), (IdList{2, 4}));
  EXPECT_EQ(Ids({.status = ViolationStatus::kClosed}), (IdList{}));
  EXPECT_EQ(Ids({}), (IdList{1, 2, 3, 4, 5}));
  EXPECT_EQ(Ids({.status = open, .order = ListOrder::kNewestFirst}), (IdList{5, 3, 1}));
  // Paging: the last id of one page is the `after` of the next, in either order.
  EXPECT_EQ(Ids({.status = open, .limit = 2}), (IdList{1, 3}));
  EXPECT_EQ(Ids({.status = open, .after_id = 3, .limit = 2}), (IdList{5}));
  EXPECT_EQ(Ids({.after_id = 4, .order = ListOrder::kNewestFirst, .limit = 2}), (IdList{3, 2}));

  auto rows = store_->ListViolations({.status = ViolationStatus::kConfirmed});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2U);
  const ViolationSummary& v = (*rows)[0];
  EXPECT_EQ(v.rule, "speed");
  EXPECT_EQ(v.status, ViolationStatus::kConfirmed);
  EXPECT_EQ(v.event_id, "e2");
  EXPECT_EQ(v.camera_id, "cam-b");
  EXPECT_EQ(v.plate, "01A122BC");
  EXPECT_EQ(v.captured_at, kT0 + hours(2));
  EXPECT_EQ(v.created_at, kT0 + hours(2));

  EXPECT_FALSE(store_->ListViolations({.limit = 0}).ok());
  EXPECT_FALSE(store_->ListViolations({.limit = kMaxQueryLimit + 1}).ok());
  EXPECT_FALSE(store_->ListViolations({.after_id = -1}).ok());
}

TEST_P(ReviewQueueTest, ListsEveryCameraWithItsStatusInIdOrder) {
  AddCamera("cam-c", 41.3, 69.2, "Tashkent");
  AddCamera("cam-a", -33.9, 151.2, "Sydney");  // far from the others: the map shows all
  Camera retired = AddCamera("cam-b", 41.4, 69.3, "Tashkent");
  retired.status = CameraStatus::kRetired;
  ASSERT_TRUE(store_->RegisterCamera(retired).ok());
  auto all = store_->ListCameras("", 100);
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 3U);
  EXPECT_EQ((*all)[0].id, "cam-a");
  EXPECT_EQ((*all)[0].city, "Sydney");
  EXPECT_EQ((*all)[1].status, CameraStatus::kRetired);
  EXPECT_EQ((*all)[1].public_key, retired.public_key);
  EXPECT_EQ((*all)[2].status, CameraStatus::kActive);
  auto page = store_->ListCameras("cam-a", 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1U);
  EXPECT_EQ((*page)[0].id, "cam-b");
  EXPECT_FALSE(store_->ListCameras("", 0).ok());
}

TEST_P(ReviewQueueTest, StatisticsCountPerCameraDayRuleStatusAndActorDay) {
  MakeFive();
  // One more read on the next day, outside no range.
  IngestAll({Signed(MakeEvent("e6", "cam-a", "01A126BC", kT0 + hours(30)))});
  for (const char* actor : {"inv.a", "inv.a", "inv.b"}) {
    ASSERT_TRUE(store_
                    ->AppendAudit({.at = kT0 + hours(3),
                                   .actor = actor,
                                   .action = "reads.search",
                                   .subject = "plate:01A*",
                                   .source = "127.0.0.1"})
                    .ok());
  }
  ASSERT_TRUE(store_
                  ->AppendAudit({.at = kT0 + hours(26),
                                 .actor = "inv.a",
                                 .action = "vehicle.journey",
                                 .subject = "plate:01A121BC",
                                 .source = "127.0.0.1"})
                  .ok());
  const std::int64_t day0 = ToMillis(kT0) / 86'400'000;
  auto stats = store_->Statistics(kT0, kT0 + hours(48), {"reads.search", "vehicle.journey"});
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  using CD = StoreStatistics::CameraDay;
  ASSERT_EQ(stats->reads_per_camera_day.size(), 3U);
  const CD& a0 = stats->reads_per_camera_day[0];
  const CD& a1 = stats->reads_per_camera_day[1];
  const CD& b0 = stats->reads_per_camera_day[2];
  EXPECT_EQ(std::tie(a0.camera_id, a0.day, a0.reads), std::make_tuple("cam-a", day0, 3));
  EXPECT_EQ(std::tie(a1.camera_id, a1.day, a1.reads), std::make_tuple("cam-a", day0 + 1, 1));
  EXPECT_EQ(std::tie(b0.camera_id, b0.day, b0.reads), std::make_tuple("cam-b", day0, 2));
  ASSERT_EQ(stats->violations_per_rule_status.size(), 2U);
  EXPECT_EQ(stats->violations_per_rule_status[0].rule, "red_light");
  EXPECT_EQ(stats->violations_per_rule_status[0].status, ViolationStatus::kOpen);
  EXPECT_EQ(stats->violations_per_rule_status[0].violations, 3);
  EXPECT_EQ(stats->violations_per_rule_status[1].rule, "speed");
  EXPECT_EQ(stats->violations_per_rule_status[1].status, ViolationStatus::kConfirmed);
  EXPECT_EQ(stats->violations_per_rule_status[1].violations, 2);
  ASSERT_EQ(stats->audit_per_actor_day.size(), 3U);
  EXPECT_EQ(stats->audit_per_actor_day[0].actor, "inv.a");
  EXPECT_EQ(stats->audit_per_actor_day[0].action, "reads.search");
  EXPECT_EQ(stats->audit_per_actor_day[0].entries, 2);
  EXPECT_EQ(stats->audit_per_actor_day[1].action, "vehicle.journey");
  EXPECT_EQ(stats->audit_per_actor_day[1].day, day0 + 1);
  EXPECT_EQ(stats->audit_per_actor_day[2].actor, "inv.b");
  EXPECT_EQ(stats->audit_per_actor_day[2].entries, 1);

  // Half-open range: the first day only.
  auto first = store_->Statistics(kT0, kT0 + hours(24), {"reads.search"});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->reads_per_camera_day.size(), 2U);
  EXPECT_EQ(first->audit_per_actor_day.size(), 2U);
  EXPECT_FALSE(store_->Statistics(kT0, kT0, {}).ok());
  EXPECT_FALSE(store_->Statistics(kT0, kT0 + hours(24 * 367), {}).ok());
}

SAFELANE_ALL_BACKENDS(ReviewQueueTest);

}  // namespace
}  // namespace safelane::store::testing
