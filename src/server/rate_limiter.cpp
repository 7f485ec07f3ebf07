#include "server/rate_limiter.h"

#include <algorithm>
#include <chrono>

namespace safelane::server {

RateLimiter::Bucket& RateLimiter::Refill(const std::string& key) {
  const store::TimePoint now = clock_.Now();
  if (buckets_.size() >= limit_.max_keys && buckets_.find(key) == buckets_.end()) {
    std::erase_if(buckets_, [&](const auto& kv) {
      const double elapsed = std::chrono::duration<double>(now - kv.second.updated).count();
      return kv.second.tokens + elapsed * limit_.per_second >= limit_.burst;
    });
    if (buckets_.size() >= limit_.max_keys) buckets_.clear();
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{limit_.burst, now});
  Bucket& bucket = it->second;
  if (!inserted && now > bucket.updated) {
    const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(limit_.burst, bucket.tokens + elapsed * limit_.per_second);
    bucket.updated = now;
  }
  return bucket;
}

bool RateLimiter::Take(const std::string& key) {
  std::lock_guard lock(mutex_);
  Bucket& bucket = Refill(key);
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

bool RateLimiter::HasToken(const std::string& key) {
  std::lock_guard lock(mutex_);
  return Refill(key).tokens >= 1.0;
}

}  // namespace safelane::server
