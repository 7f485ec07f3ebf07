#include "store/plate_pattern.h"

#include <gtest/gtest.h>

namespace safelane::store {
namespace {

PlatePattern P(const char* text) {
  auto p = PlatePattern::Parse(text);
  EXPECT_TRUE(p.ok()) << text;
  return *p;
}

TEST(PlatePattern, PrefixAndRange) {
  EXPECT_TRUE(P("01A123BC").is_exact());
  EXPECT_EQ(P("01a*bc").text(), "01A*BC");
  EXPECT_EQ(P("01A*BC").fixed_prefix(), "01A");
  EXPECT_EQ(P("01A*BC").PrefixEnd(), "01B");
  EXPECT_EQ(P("01AZ?").PrefixEnd(), "01A[");  // above every 01AZ… plate
  EXPECT_EQ(P("*BC").fixed_prefix(), "");
  EXPECT_EQ(P("*BC").PrefixEnd(), "");
}

TEST(PlatePattern, Matching) {
  EXPECT_TRUE(P("01A*BC").Matches("01A123BC"));
  EXPECT_TRUE(P("01A*BC").Matches("01ABC"));  // * may be empty
  EXPECT_FALSE(P("01A*BC").Matches("01A123BD"));
  EXPECT_FALSE(P("01A*BC").Matches("02A123BC"));
  EXPECT_TRUE(P("01A?23BC").Matches("01A123BC"));
  EXPECT_FALSE(P("01A?23BC").Matches("01A1123BC"));
  EXPECT_TRUE(P("*1*3*").Matches("01A123BC"));
  EXPECT_TRUE(P("*").Matches("X"));
  EXPECT_FALSE(P("01A123BC").Matches("01A123B"));
}

TEST(PlatePattern, RefusesOtherCharacters) {
  for (const char* bad :
       {"", "01A 123", "01A%", "01A_1", "[AB]*", "01A123BC01A123BC01A123BC01A123BC1"}) {
    auto p = PlatePattern::Parse(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.error().code, ErrorCode::kBadRequest);
  }
}

}  // namespace
}  // namespace safelane::store
