#pragma once
// Retention by policy. Reads that hit no rule and no hotlist go after a short period;
// violations go a period after their case closed (with their reviews and notices);
// audit entries are never touched by this job. Evidence objects that no remaining read
// refers to are then deleted from the vault, and a daily sweep deletes vault objects no
// read ever came to refer to (orphans of failed ingests). Each run is itself audited.
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
  // A vault object no read refers to is an orphan once its file is this old (an ingest
  // whose database transaction never committed left it), [1 h, 720 h]. Younger ones may
  // belong to a batch still in flight.
  hours orphan_grace{24};
  hours orphan_sweep_interval{24};  // how often the vault is walked for orphans, [1 h, 720 h]

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
  std::int64_t orphan_objects_deleted = 0;   // by SweepOrphans
  std::int64_t temporary_files_deleted = 0;  // by SweepOrphans
};

// One purge now. An evidence object that is already missing from the vault is not an
// error (a previous run may have stopped after the database commit).
Result<RetentionReport> PurgeOnce(Store& store, EvidenceVault& vault, const RetentionPolicy& policy,
                                  TimePoint now);

// Walks the vault and deletes every object no stored read refers to whose file is older
// than policy.orphan_grace at `now`, and every temporary file a crashed write left that is
// as old. Objects a read refers to are never touched. Audited like a purge. Costs one
// index look-up per object: run it daily, not hourly (RetentionJob does).
Result<RetentionReport> SweepOrphans(Store& store, EvidenceVault& vault,
                                     const RetentionPolicy& policy, TimePoint now);

class RetentionJob {
 public:
  // The policy must have passed Validate().
  RetentionJob(Store& store, EvidenceVault& vault, const Clock& clock, RetentionPolicy policy)
      : store_(store), vault_(vault), clock_(clock), policy_(policy) {}

  // Runs a purge if none ran yet or the last one was at least `interval` ago, and then an
  // orphan sweep if none ran yet or the last one was at least `orphan_sweep_interval` ago;
  // nullopt when neither was due.
  Result<std::optional<RetentionReport>> RunIfDue();

 private:
  Store& store_;
  EvidenceVault& vault_;
  const Clock& clock_;
  RetentionPolicy policy_;
  std::optional<TimePoint> last_run_;
  std::optional<TimePoint> last_sweep_;
};

}  // namespace safelane::store
