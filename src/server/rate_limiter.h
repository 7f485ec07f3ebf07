#pragma once
// RateLimiter: one token bucket per key (a source address). A bucket holds at most
// `burst` tokens and refills at `per_second`; each Take() spends one token and is refused
// when none is left. Used twice by the server: for every request per address, and for
// failed sign-ins per address (a failure spends a token; no token, no attempt). The
// per-account lockout lives in AccountService.
// Memory is bounded: past `max_keys` addresses, full buckets (idle addresses) are
// dropped, then the table is cleared (which only ever forgives, never blocks wrongly).
// Thread-safe; time comes from the injected clock.

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "store/clock.h"

namespace safelane::server {

struct RateLimit {
  double burst = 60.0;       // tokens a fresh key starts with, [1, 1e6]
  double per_second = 20.0;  // refill rate, tokens per second, (0, 1e6]
  std::size_t max_keys = 100'000;
};

class RateLimiter {
 public:
  RateLimiter(const store::Clock& clock, RateLimit limit) : clock_(clock), limit_(limit) {}

  // Spends a token for key; false when the bucket is empty.
  bool Take(const std::string& key);
  // Whether key has a token left, without spending it.
  bool HasToken(const std::string& key);

 private:
  struct Bucket {
    double tokens = 0.0;
    store::TimePoint updated;
  };
  Bucket& Refill(const std::string& key);

  const store::Clock& clock_;
  RateLimit limit_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace safelane::server
