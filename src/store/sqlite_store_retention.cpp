// SqliteStore: the retention purge. Work is done in chunks, each its own transaction,
// so a large purge never holds the write lock for long.

#include <set>

#include "security/bytes.h"
#include "store/sqlite_evidence_refs.h"
#include "store/sqlite_store.h"

namespace safelane::store {

using sqlite::Transaction;

namespace {
constexpr std::int64_t kPurgeChunk = 2000;  // rows a transaction deletes
}  // namespace

Result<PurgeReport> SqliteStore::PurgeExpired(const RetentionCutoffs& cutoffs) {
  PurgeReport report;
  // 1. Closed cases past their period (reviews and notices go with them; the notice
  //    counter stays, so numbers are never reused).
  for (;;) {
    auto tx = Transaction::Begin(db_);
    if (!tx) return tx.error();
    auto del = db_.Prepare(
        "DELETE FROM violations WHERE id IN (SELECT id FROM violations"
        " WHERE closed_at IS NOT NULL AND closed_at < ? LIMIT ?)");
    if (!del) return del.error();
    del->Bind(1, ToMillis(cutoffs.closed_violations_before)).Bind(2, kPurgeChunk);
    if (auto r = del->Run(); !r) return r.error();
    const int deleted = db_.Changes();
    if (auto r = tx->Commit(); !r) return r.error();
    report.violations_deleted += deleted;
    if (deleted < kPurgeChunk) break;
  }
  // 2. Reads that matched nothing: no violation refers to them and no hotlist hit. Set
  //    based, a chunk at a time: the chunk's reads and their evidence addresses go into
  //    temporary tables, the reads are deleted in one statement (read_evidence rows by ON
  //    DELETE CASCADE), and one statement lists the addresses no remaining read names.
  if (auto r = db_.Exec(
          "CREATE TEMP TABLE IF NOT EXISTS purge_reads (seq INTEGER PRIMARY KEY);"
          "CREATE TEMP TABLE IF NOT EXISTS purge_evidence (sha256 BLOB PRIMARY KEY) WITHOUT ROWID");
      !r) {
    return r.error();
  }
  std::set<std::string> released;
  for (;;) {
    auto tx = Transaction::Begin(db_);
    if (!tx) return tx.error();
    if (auto r = db_.Exec("DELETE FROM temp.purge_reads; DELETE FROM temp.purge_evidence"); !r) {
      return r.error();
    }
    auto pick = db_.Prepare(
        "INSERT INTO temp.purge_reads SELECT seq FROM reads WHERE captured_at < ?"
        " AND hotlist_hit = 0 AND NOT EXISTS"
        " (SELECT 1 FROM violations v WHERE v.event_id = reads.event_id) LIMIT ?");
    if (!pick) return pick.error();
    pick->Bind(1, ToMillis(cutoffs.unmatched_reads_before)).Bind(2, kPurgeChunk);
    if (auto r = pick->Run(); !r) return r.error();
    const int picked = db_.Changes();
    if (auto r =
            db_.Exec("INSERT OR IGNORE INTO temp.purge_evidence SELECT sha256 FROM read_evidence"
                     " WHERE read_seq IN (SELECT seq FROM temp.purge_reads);"
                     "DELETE FROM reads WHERE seq IN (SELECT seq FROM temp.purge_reads)");
        !r) {
      return r.error();
    }
    auto unused = db_.Prepare(std::string(sqlite::kEvidenceBuckets) +
                              "SELECT p.sha256 FROM temp.purge_evidence p WHERE NOT EXISTS (" +
                              sqlite::EvidenceRowsNaming("p.sha256") + ")");
    if (!unused) return unused.error();
    std::vector<std::string> chunk_released;
    for (;;) {
      auto row = unused->Step();
      if (!row) return row.error();
      if (!*row) break;
      chunk_released.push_back(security::ToHex(unused->Blob(0)));
    }
    if (auto r = tx->Commit(); !r) return r.error();
    report.reads_deleted += picked;
    released.insert(chunk_released.begin(), chunk_released.end());
    if (picked < kPurgeChunk) break;
  }
  report.evidence_released.assign(released.begin(), released.end());
  return report;
}

}  // namespace safelane::store
