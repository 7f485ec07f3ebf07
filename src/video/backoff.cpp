#include "video/backoff.h"

#include <algorithm>

namespace safelane::video {

Backoff::Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, std::uint32_t seed)
    : min_(min), max_(std::max(min, max)), base_(min), random_(seed) {}

std::chrono::milliseconds Backoff::Next() {
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  const auto delay = std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(base_.count()) * jitter(random_)));
  base_ = std::min(max_, base_ * 2);
  return std::clamp(delay, std::chrono::milliseconds(1), max_);
}

}  // namespace safelane::video
