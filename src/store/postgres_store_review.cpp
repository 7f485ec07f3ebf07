// PostgresStore: the review queue, the camera list for the map, and auditors' statistics.

#include <algorithm>
#include <tuple>

#include "store/camera_rows.h"
#include "store/postgres_common.h"
#include "store/postgres_store.h"
#include "store/review_queries.h"

namespace safelane::store {

using postgres::Fenced;

Result<std::vector<Camera>> PostgresStore::ListCameras(const std::string& after_id, int limit) {
  if (auto l = CheckListLimit(limit); !l) return l.error();
  return Fenced([&]() -> Result<std::vector<Camera>> {
    pqxx::read_transaction tx(db_->conn);
    const auto rows = tx.exec_params(std::string("SELECT ") + kCameraColumns +
                                         " FROM cameras WHERE id > $1 ORDER BY id LIMIT $2",
                                     after_id, limit);
    std::vector<Camera> out;
    for (const auto& r : rows) out.push_back(CameraRow(r));
    return out;
  });
}

Result<std::vector<ViolationSummary>> PostgresStore::ListViolations(const ViolationQuery& query) {
  if (auto q = CheckViolationQuery(query); !q) return q.error();
  const bool newest = query.order == ListOrder::kNewestFirst;
  // Unnamed statements are planned with their values, so "$1 = ''" folds away.
  const std::string sql =
      std::string(
          "SELECT v.id, v.rule, v.status, v.created_at, v.event_id, r.camera_id, r.captured_at,"
          " r.plate FROM violations v LEFT JOIN reads r ON r.event_id = v.event_id"
          " WHERE ($1 = '' OR v.status = $1) AND ($2 = 0 OR v.id ") +
      (newest ? "< $2) ORDER BY v.id DESC LIMIT $3" : "> $2) ORDER BY v.id LIMIT $3");
  const std::string status(query.status ? ViolationStatusName(*query.status) : "");
  return Fenced([&]() -> Result<std::vector<ViolationSummary>> {
    pqxx::read_transaction tx(db_->conn);
    const auto rows = tx.exec_params(sql, status, query.after_id, query.limit);
    std::vector<ViolationSummary> out;
    for (const auto& r : rows) {
      ViolationSummary v;
      v.id = r[0].as<std::int64_t>();
      v.rule = r[1].as<std::string>();
      v.status = ParseViolationStatus(r[2].as<std::string>()).value_or(ViolationStatus::kOpen);
      v.created_at = FromMillis(r[3].as<std::int64_t>());
      v.event_id = r[4].as<std::string>();
      v.camera_id = r[5].is_null() ? std::string() : r[5].as<std::string>();
      v.captured_at = FromMillis(r[6].is_null() ? 0 : r[6].as<std::int64_t>());
      v.plate = r[7].is_null() ? std::string() : r[7].as<std::string>();
      out.push_back(std::move(v));
    }
    return out;
  });
}

Result<StoreStatistics> PostgresStore::Statistics(TimePoint from, TimePoint to,
                                                  const std::vector<std::string>& audit_actions) {
  if (auto r = CheckStatisticsRange(from, to); !r) return r.error();
  return Fenced([&]() -> Result<StoreStatistics> {
    pqxx::read_transaction tx(db_->conn);
    StoreStatistics out;
    for (const auto& r :
         tx.exec_params("SELECT camera_id, captured_at / 86400000 AS d, COUNT(*) FROM reads"
                        " WHERE captured_at >= $1 AND captured_at < $2 GROUP BY camera_id, d"
                        " ORDER BY camera_id, d",
                        ToMillis(from), ToMillis(to))) {
      out.reads_per_camera_day.push_back(
          {r[0].as<std::string>(), r[1].as<std::int64_t>(), r[2].as<std::int64_t>()});
    }
    for (const auto& r :
         tx.exec_params("SELECT rule, status, COUNT(*) FROM violations"
                        " WHERE created_at >= $1 AND created_at < $2"
                        " GROUP BY rule, status ORDER BY rule COLLATE \"C\", status COLLATE \"C\"",
                        ToMillis(from), ToMillis(to))) {
      out.violations_per_rule_status.push_back(
          {r[0].as<std::string>(),
           ParseViolationStatus(r[1].as<std::string>()).value_or(ViolationStatus::kOpen),
           r[2].as<std::int64_t>()});
    }
    for (const std::string& action : audit_actions) {
      for (const auto& r :
           tx.exec_params("SELECT actor, action, at / 86400000 AS d, COUNT(*) FROM audit_log"
                          " WHERE at >= $1 AND at < $2 AND action = $3 GROUP BY actor, action, d",
                          ToMillis(from), ToMillis(to), action)) {
        out.audit_per_actor_day.push_back({r[0].as<std::string>(), r[1].as<std::string>(),
                                           r[2].as<std::int64_t>(), r[3].as<std::int64_t>()});
      }
    }
    std::sort(out.audit_per_actor_day.begin(), out.audit_per_actor_day.end(),
              [](const auto& a, const auto& b) {
                return std::tie(a.actor, a.action, a.day) < std::tie(b.actor, b.action, b.day);
              });
    return out;
  });
}

}  // namespace safelane::store
