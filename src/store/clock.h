#pragma once
// Time in the store: UTC instants at millisecond resolution. Every component that asks
// "what time is it" takes a Clock, so retention and expiry are tested with a ManualClock
// instead of waiting for real hours to pass.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace safelane::store {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;
using std::chrono::hours;
using std::chrono::milliseconds;

inline std::int64_t ToMillis(TimePoint t) {
  return t.time_since_epoch().count();
}
inline TimePoint FromMillis(std::int64_t ms) {
  return TimePoint(milliseconds(ms));
}

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
  }
};

// Moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_ms_(ToMillis(start)) {}
  TimePoint Now() const override { return FromMillis(now_ms_.load()); }
  void Set(TimePoint t) { now_ms_.store(ToMillis(t)); }
  void Advance(milliseconds by) { now_ms_.fetch_add(by.count()); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

}  // namespace safelane::store
