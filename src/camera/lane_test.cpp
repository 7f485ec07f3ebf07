#include "camera/lane.h"

#include <gtest/gtest.h>

namespace safelane::camera {
namespace {

// Two lanes split across the image at y = 0.55, as the test video's (tests/camera).
std::vector<Lane> TwoLanes() {
  return {{"0", {{0, 0}, {1, 0}, {1, 0.55F}, {0, 0.55F}}, "left_to_right"},
          {"1", {{0, 0.55F}, {1, 0.55F}, {1, 1}, {0, 1}}, "right_to_left"}};
}

TEST(Lane, APointGetsTheLaneHoldingIt) {
  const auto lanes = TwoLanes();
  ASSERT_TRUE(ValidateLanes(lanes).ok());
  EXPECT_EQ(LaneAt(lanes, {0.3F, 0.2F}), "0");
  EXPECT_EQ(LaneAt(lanes, {0.9F, 0.9F}), "1");
  // Outside every polygon: unknown, not a guess.
  const std::vector<Lane> one = {{"a", {{0, 0}, {0.5F, 0}, {0.5F, 0.5F}}, "any"}};
  EXPECT_EQ(LaneAt(one, {0.9F, 0.9F}), "");
  EXPECT_EQ(LaneAt({}, {0.5F, 0.5F}), "");
}

TEST(Lane, BadLanesAreRefusedByName) {
  auto refused = [](std::vector<Lane> lanes) {
    auto r = ValidateLanes(lanes);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().message;
  };
  auto lanes = TwoLanes();
  lanes[1].id = "0";
  EXPECT_NE(refused(lanes).find("listed twice"), std::string::npos);
  lanes = TwoLanes();
  lanes[0].id = "lane one";
  EXPECT_NE(refused(lanes).find("id must match"), std::string::npos);
  lanes = TwoLanes();
  lanes[0].polygon.resize(2);
  EXPECT_NE(refused(lanes).find("3..64 points"), std::string::npos);
  lanes = TwoLanes();
  lanes[1].polygon[0].y = 1.5F;
  EXPECT_NE(refused(lanes).find("frame fractions"), std::string::npos);
  lanes = TwoLanes();
  lanes[0].direction = "north";
  EXPECT_NE(refused(lanes).find("direction"), std::string::npos);
  lanes = std::vector<Lane>(kMaxLanes + 1, TwoLanes()[0]);
  EXPECT_NE(refused(lanes).find("at most"), std::string::npos);
}

}  // namespace
}  // namespace safelane::camera
