#include "store/review_queries.h"

namespace safelane::store {

Result<Done> CheckListLimit(int limit) {
  if (limit < 1 || limit > kMaxQueryLimit) {
    return Error(ErrorCode::kBadRequest, "limit must be within [1, 10000]");
  }
  return Done{};
}

Result<Done> CheckViolationQuery(const ViolationQuery& query) {
  if (auto l = CheckListLimit(query.limit); !l) return l.error();
  if (query.after_id < 0) return Error(ErrorCode::kBadRequest, "after must be >= 0");
  return Done{};
}

Result<Done> CheckStatisticsRange(TimePoint from, TimePoint to) {
  const std::int64_t from_ms = ToMillis(from);
  const std::int64_t to_ms = ToMillis(to);
  if (from_ms < 0) return Error(ErrorCode::kBadRequest, "from must not be before 1970");
  if (to_ms <= from_ms) return Error(ErrorCode::kBadRequest, "to must be after from");
  if (to_ms - from_ms > std::int64_t{kMaxStatisticsDays} * kMillisPerDay) {
    return Error(ErrorCode::kBadRequest,
                 "range longer than " + std::to_string(kMaxStatisticsDays) + " days");
  }
  return Done{};
}

}  // namespace safelane::store
