#include "store/retention.h"

#include <fmt/format.h>

#include <filesystem>

namespace safelane::store {

namespace {

// Each run of the job leaves an audit entry saying what it deleted.
Result<AuditEntry> AuditRun(Store& store, TimePoint now, const std::string& action,
                            const std::string& detail) {
  return store.AppendAudit({.at = now,
                            .actor = "system:retention",
                            .action = action,
                            .subject = "store",
                            .detail = detail,
                            .source = "system",
                            .reason = "retention policy"});
}

}  // namespace

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
  if (!within(orphan_grace, hours(1), hours(720))) {
    return Error(ErrorCode::kBadConfig, "retention.orphan_grace must be within [1, 720] hours");
  }
  if (!within(orphan_sweep_interval, hours(1), hours(720))) {
    return Error(ErrorCode::kBadConfig,
                 "retention.orphan_sweep_interval must be within [1, 720] hours");
  }
  return Done{};
}

Result<RetentionReport> PurgeOnce(Store& store, EvidenceVault& vault, const RetentionPolicy& policy,
                                  TimePoint now) {
  if (auto v = policy.Validate(); !v) return v.error();
  auto purged = store.PurgeExpired(policy.CutoffsAt(now));
  if (!purged) return purged.error();
  RetentionReport report;
  report.reads_deleted = purged->reads_deleted;
  report.violations_deleted = purged->violations_deleted;
  for (const std::string& sha : purged->evidence_released) {
    auto removed = vault.Remove(sha);
    if (!removed) return removed.error();
    if (*removed) ++report.evidence_objects_deleted;
  }
  auto audited =
      AuditRun(store, now, "retention.purge",
               fmt::format("reads={} violations={} evidence_objects={}", report.reads_deleted,
                           report.violations_deleted, report.evidence_objects_deleted));
  if (!audited) return audited.error();
  return report;
}

Result<RetentionReport> SweepOrphans(Store& store, EvidenceVault& vault,
                                     const RetentionPolicy& policy, TimePoint now) {
  if (auto v = policy.Validate(); !v) return v.error();
  const TimePoint written_before = now - policy.orphan_grace;
  RetentionReport report;
  auto walked = vault.Walk([&](const VaultFile& file) -> Result<Done> {
    if (file.modified >= written_before) return Done{};
    if (file.sha256.empty()) {
      std::error_code ec;
      if (std::filesystem::remove(file.path, ec)) ++report.temporary_files_deleted;
      if (ec)
        return Error(ErrorCode::kIo, "evidence vault: " + file.path.string() + ": " + ec.message());
      return Done{};
    }
    auto used = store.IsEvidenceReferenced(file.sha256);
    if (!used) return used.error();
    if (*used) return Done{};
    auto removed = vault.Remove(file.sha256);
    if (!removed) return removed.error();
    if (*removed) ++report.orphan_objects_deleted;
    return Done{};
  });
  if (!walked) return walked.error();
  auto audited =
      AuditRun(store, now, "retention.orphan_sweep",
               fmt::format("orphan_objects={} temporary_files={}", report.orphan_objects_deleted,
                           report.temporary_files_deleted));
  if (!audited) return audited.error();
  return report;
}

Result<std::optional<RetentionReport>> RetentionJob::RunIfDue() {
  const TimePoint now = clock_.Now();
  const bool purge_due = !last_run_ || now - *last_run_ >= policy_.interval;
  const bool sweep_due = !last_sweep_ || now - *last_sweep_ >= policy_.orphan_sweep_interval;
  if (!purge_due && !sweep_due) return std::optional<RetentionReport>();
  RetentionReport report;
  if (purge_due) {
    auto purged = PurgeOnce(store_, vault_, policy_, now);
    if (!purged) return purged.error();
    report = *purged;
    last_run_ = now;
  }
  if (sweep_due) {
    auto swept = SweepOrphans(store_, vault_, policy_, now);
    if (!swept) return swept.error();
    report.orphan_objects_deleted = swept->orphan_objects_deleted;
    report.temporary_files_deleted = swept->temporary_files_deleted;
    last_sweep_ = now;
  }
  return std::optional<RetentionReport>(report);
}

}  // namespace safelane::store
