#pragma once
// Reconnect delays: exponential from min to max, each with +-20 % jitter so that many
// cameras that lost the same switch do not all reconnect in the same millisecond.

#include <chrono>
#include <cstdint>
#include <random>

namespace safelane::video {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, std::uint32_t seed);

  // The delay before the next attempt; each call doubles the base, up to max.
  std::chrono::milliseconds Next();
  // After a connection that delivered frames: start again from min.
  void Reset() { base_ = min_; }

 private:
  std::chrono::milliseconds min_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds base_;
  std::mt19937 random_;
};

}  // namespace safelane::video
