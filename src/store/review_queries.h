#pragma once
// Checks shared by both backends' review-queue, camera-list and statistics queries
// (sqlite_store_review.cpp, postgres_store_review.cpp), so both refuse the same requests
// with the same messages.

#include <string>

#include "store/store.h"

namespace safelane::store {

inline constexpr std::int64_t kMillisPerDay = 86'400'000;

// kBadRequest unless limit is within [1, kMaxQueryLimit] and after_id >= 0.
Result<Done> CheckViolationQuery(const ViolationQuery& query);

// kBadRequest unless from < to, both at or after 1970, and the range is at most
// kMaxStatisticsDays long.
Result<Done> CheckStatisticsRange(TimePoint from, TimePoint to);

// kBadRequest unless limit is within [1, kMaxQueryLimit].
Result<Done> CheckListLimit(int limit);

}  // namespace safelane::store
