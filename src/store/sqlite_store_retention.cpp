// SqliteStore: the retention purge. Work is done in chunks, each its own transaction,
// so a large purge never holds the write lock for long.

#include <set>

#include "security/bytes.h"
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
  // 2. Reads that matched nothing: no violation refers to them and no hotlist hit.
  std::set<std::string> released;
  for (;;) {
    auto tx = Transaction::Begin(db_);
    if (!tx) return tx.error();
    auto pick = db_.Prepare(
        "SELECT seq FROM reads WHERE captured_at < ? AND hotlist_hit = 0 AND NOT EXISTS"
        " (SELECT 1 FROM violations v WHERE v.event_id = reads.event_id) LIMIT ?");
    auto refs = db_.Prepare("SELECT sha256 FROM read_evidence WHERE read_seq = ?");
    auto del = db_.Prepare("DELETE FROM reads WHERE seq = ?");
    auto still_used = db_.Prepare("SELECT 1 FROM read_evidence WHERE sha256 = ? LIMIT 1");
    for (auto* s : {&pick, &refs, &del, &still_used}) {
      if (!*s) return s->error();
    }
    pick->Bind(1, ToMillis(cutoffs.unmatched_reads_before)).Bind(2, kPurgeChunk);
    std::vector<std::int64_t> seqs;
    for (;;) {
      auto row = pick->Step();
      if (!row) return row.error();
      if (!*row) break;
      seqs.push_back(pick->Int(0));
    }
    std::set<security::Bytes> candidates;
    for (const std::int64_t seq : seqs) {
      refs->Reset();
      refs->Bind(1, seq);
      for (;;) {
        auto row = refs->Step();
        if (!row) return row.error();
        if (!*row) break;
        const auto address = refs->Blob(0);
        candidates.emplace(address.begin(), address.end());
      }
      del->Reset();
      del->Bind(1, seq);  // read_evidence rows go by ON DELETE CASCADE
      if (auto r = del->Run(); !r) return r.error();
    }
    std::vector<std::string> chunk_released;
    for (const security::Bytes& address : candidates) {
      still_used->Reset();
      still_used->Bind(1, security::ByteSpan(address));
      auto used = still_used->Step();
      if (!used) return used.error();
      if (!*used) chunk_released.push_back(security::ToHex(address));
    }
    still_used->Reset();
    if (auto r = tx->Commit(); !r) return r.error();
    report.reads_deleted += static_cast<std::int64_t>(seqs.size());
    released.insert(chunk_released.begin(), chunk_released.end());
    if (static_cast<std::int64_t>(seqs.size()) < kPurgeChunk) break;
  }
  report.evidence_released.assign(released.begin(), released.end());
  return report;
}

}  // namespace safelane::store
