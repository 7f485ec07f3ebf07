#include "video/backoff.h"

#include <gtest/gtest.h>

namespace safelane::video {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, DoublesWithJitterUpToMaxAndResets) {
  Backoff backoff(milliseconds(100), milliseconds(1000), 42);
  const double bases[] = {100, 200, 400, 800, 1000, 1000};
  for (double base : bases) {
    const auto delay = backoff.Next().count();
    EXPECT_GE(delay, static_cast<long>(base * 0.8) - 1);
    EXPECT_LE(delay, std::min(1000L, static_cast<long>(base * 1.2) + 1));
  }
  backoff.Reset();
  EXPECT_LE(backoff.Next().count(), 121);
}

TEST(Backoff, JitterSpreadsCamerasApart) {
  Backoff a(milliseconds(1000), milliseconds(30000), 1);
  Backoff b(milliseconds(1000), milliseconds(30000), 2);
  EXPECT_NE(a.Next(), b.Next());
}

}  // namespace
}  // namespace safelane::video
