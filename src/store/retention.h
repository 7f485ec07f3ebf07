#pragma once
// Retention by policy. Reads that hit no rule and no hotlist go after a short period;
// violations go a period after their case closed (with their reviews and notices);
// audit entries are never touched by this job. Evidence objects that no remaining read
// refers to are then deleted from the vault. Each run is itself audited.
//
// RetentionJob runs the purge when it is due (every `interval`), by the injected Clock,
// so a service loop can call RunIfDue() as often as it likes and tests can drive it with
// a ManualClock.

#include <cstdint>
#include <optional>

#include "core/result.h"
#include "store/clock.h"
#include "store/evidence_vault.h"
#include "store/store.h"

namespace safelane::store {

struct RetentionPolicy {
  hours unmatched_reads{72};         // [1 h, 8760 h]
  hours closed_violations{24 * 90};  // after the case closes, [24 h, 87600 h]
  hours interval{1};                 // how often the purge runs, [1 h, 168 h]

  // kBadConfig naming the value outside its bounds.
  Result<Done> Validate() const;
  RetentionCutoffs CutoffsAt(TimePoint now) const {
    return {now - unmatched_reads, now - closed_violations};
  }
};

struct RetentionReport {
  std::int64_t reads_deleted = 0;
  std::int64_t violations_deleted = 0;
  std::int64_t evidence_objects_deleted = 0;
};

// One purge now. An evidence object that is already missing from the vault is not an
// error (a previous run may have stopped after the database commit).
Result<RetentionReport> PurgeOnce(Store& store, EvidenceVault& vault, const RetentionPolicy& policy,
                                  TimePoint now);

class RetentionJob {
 public:
  // The policy must have passed Validate().
  RetentionJob(Store& store, EvidenceVault& vault, const Clock& clock, RetentionPolicy policy)
      : store_(store), vault_(vault), clock_(clock), policy_(policy) {}

  // Runs a purge if none ran yet or the last one was at least `interval` ago; nullopt
  // when it was not due.
  Result<std::optional<RetentionReport>> RunIfDue();

 private:
  Store& store_;
  EvidenceVault& vault_;
  const Clock& clock_;
  RetentionPolicy policy_;
  std::optional<TimePoint> last_run_;
};

}  // namespace safelane::store
