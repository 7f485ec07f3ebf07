#include "store/retention.h"

#include <fmt/format.h>

namespace safelane::store {

Result<Done> RetentionPolicy::Validate() const {
  auto within = [](hours v, hours lo, hours hi) { return v >= lo && v <= hi; };
  if (!within(unmatched_reads, hours(1), hours(8760))) {
    return Error(ErrorCode::kBadConfig, "retention.unmatched_reads must be within [1, 8760] hours");
  }
  if (!within(closed_violations, hours(24), hours(87600))) {
    return Error(ErrorCode::kBadConfig,
                 "retention.closed_violations must be within [24, 87600] hours");
  }
  if (!within(interval, hours(1), hours(168))) {
    return Error(ErrorCode::kBadConfig, "retention.interval must be within [1, 168] hours");
  }
  return Done{};
}

Result<RetentionReport> PurgeOnce(Store& store, EvidenceVault& vault, const RetentionPolicy& policy,
                                  TimePoint now) {
  if (auto v = policy.Validate(); !v) return v.error();
  auto purged = store.PurgeExpired(policy.CutoffsAt(now));
  if (!purged) return purged.error();
  RetentionReport report{purged->reads_deleted, purged->violations_deleted, 0};
  for (const std::string& sha : purged->evidence_released) {
    auto removed = vault.Remove(sha);
    if (!removed) return removed.error();
    if (*removed) ++report.evidence_objects_deleted;
  }
  auto audited = store.AppendAudit(
      {.at = now,
       .actor = "system:retention",
       .action = "retention.purge",
       .subject = "store",
       .detail = fmt::format("reads={} violations={} evidence_objects={}", report.reads_deleted,
                             report.violations_deleted, report.evidence_objects_deleted),
       .source = "system",
       .reason = "retention policy"});
  if (!audited) return audited.error();
  return report;
}

Result<std::optional<RetentionReport>> RetentionJob::RunIfDue() {
  const TimePoint now = clock_.Now();
  if (last_run_ && now - *last_run_ < policy_.interval) return std::optional<RetentionReport>();
  auto report = PurgeOnce(store_, vault_, policy_, now);
  if (!report) return report.error();
  last_run_ = now;
  return std::optional<RetentionReport>(*report);
}

}  // namespace safelane::store
