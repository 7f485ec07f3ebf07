// SqliteStore: the review queue, the camera list for the map, and auditors' statistics.

#include <algorithm>
#include <tuple>

#include "store/camera_rows.h"
#include "store/review_queries.h"
#include "store/sqlite_store.h"

namespace safelane::store {

Result<std::vector<Camera>> SqliteStore::ListCameras(const std::string& after_id, int limit) {
  if (auto l = CheckListLimit(limit); !l) return l.error();
  auto s = db_.Prepare(std::string("SELECT ") + kCameraColumns +
                       " FROM cameras WHERE id > ? ORDER BY id LIMIT ?");
  if (!s) return s.error();
  s->Bind(1, std::string_view(after_id)).Bind(2, std::int64_t{limit});
  std::vector<Camera> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(CameraRow(*s));
  }
}

Result<std::vector<ViolationSummary>> SqliteStore::ListViolations(const ViolationQuery& query) {
  if (auto q = CheckViolationQuery(query); !q) return q.error();
  const bool newest = query.order == ListOrder::kNewestFirst;
  std::string sql =
      "SELECT v.id, v.rule, v.status, v.created_at, v.event_id, r.camera_id, r.captured_at,"
      " r.plate FROM violations v LEFT JOIN reads r ON r.event_id = v.event_id WHERE 1";
  if (query.status) sql += " AND v.status = ?1";
  if (query.after_id > 0) sql += newest ? " AND v.id < ?2" : " AND v.id > ?2";
  sql += newest ? " ORDER BY v.id DESC LIMIT ?3" : " ORDER BY v.id LIMIT ?3";
  auto s = db_.Prepare(sql);
  if (!s) return s.error();
  if (query.status) s->Bind(1, ViolationStatusName(*query.status));
  if (query.after_id > 0) s->Bind(2, query.after_id);
  s->Bind(3, std::int64_t{query.limit});
  std::vector<ViolationSummary> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!*row) return out;
    ViolationSummary v;
    v.id = s->Int(0);
    v.rule = s->Text(1);
    v.status = ParseViolationStatus(s->Text(2)).value_or(ViolationStatus::kOpen);
    v.created_at = FromMillis(s->Int(3));
    v.event_id = s->Text(4);
    // A read is never purged while a violation needs it; an empty row would say if it were.
    v.camera_id = s->IsNull(5) ? std::string() : s->Text(5);
    v.captured_at = FromMillis(s->IsNull(6) ? 0 : s->Int(6));
    v.plate = s->IsNull(7) ? std::string() : s->Text(7);
    out.push_back(std::move(v));
  }
}

Result<StoreStatistics> SqliteStore::Statistics(TimePoint from, TimePoint to,
                                                const std::vector<std::string>& audit_actions) {
  if (auto r = CheckStatisticsRange(from, to); !r) return r.error();
  StoreStatistics out;
  auto reads = db_.Prepare(
      "SELECT camera_id, captured_at / 86400000 AS day, COUNT(*) FROM reads"
      " WHERE captured_at >= ? AND captured_at < ? GROUP BY camera_id, day"
      " ORDER BY camera_id, day");
  if (!reads) return reads.error();
  reads->Bind(1, ToMillis(from)).Bind(2, ToMillis(to));
  for (;;) {
    auto row = reads->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.reads_per_camera_day.push_back({reads->Text(0), reads->Int(1), reads->Int(2)});
  }
  auto violations = db_.Prepare(
      "SELECT rule, status, COUNT(*) FROM violations WHERE created_at >= ? AND created_at < ?"
      " GROUP BY rule, status ORDER BY rule, status");
  if (!violations) return violations.error();
  violations->Bind(1, ToMillis(from)).Bind(2, ToMillis(to));
  for (;;) {
    auto row = violations->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.violations_per_rule_status.push_back(
        {violations->Text(0),
         ParseViolationStatus(violations->Text(1)).value_or(ViolationStatus::kOpen),
         violations->Int(2)});
  }
  auto audit = db_.Prepare(
      "SELECT actor, action, at / 86400000 AS day, COUNT(*) FROM audit_log"
      " WHERE at >= ? AND at < ? AND action = ? GROUP BY actor, action, day");
  if (!audit) return audit.error();
  for (const std::string& action : audit_actions) {
    audit->Reset();
    audit->Bind(1, ToMillis(from)).Bind(2, ToMillis(to)).Bind(3, std::string_view(action));
    for (;;) {
      auto row = audit->Step();
      if (!row) return row.error();
      if (!*row) break;
      out.audit_per_actor_day.push_back(
          {audit->Text(0), audit->Text(1), audit->Int(2), audit->Int(3)});
    }
  }
  std::sort(out.audit_per_actor_day.begin(), out.audit_per_actor_day.end(),
            [](const auto& a, const auto& b) {
              return std::tie(a.actor, a.action, a.day) < std::tie(b.actor, b.action, b.day);
            });
  return out;
}

}  // namespace safelane::store
