#pragma once
// Which reads name an evidence address, in SQLite. Migration 5 indexes read_evidence by
// (read_seq >> 16, substr(sha256, 1, 8)): a bucket of 65,536 consecutive reads, then the
// address's first 8 bytes. Ingest therefore writes its references into the newest
// bucket's few hundred index pages instead of one random page of one index over every
// address each; a look-up pays for it with one index probe per bucket, from the oldest
// stored read's bucket to the newest (16 at a million reads, 1,526 at a hundred million;
// docs/performance.md). The whole address is compared in the row, so a shared prefix
// never makes an address look used.
//
// The expressions here must stay exactly those of the index, or SQLite stops using it:
// sqlite_store_test.cpp reads the query plans.

#include <string>

namespace safelane::store::sqlite {

// A recursive common table expression, `bucket(n)`: every bucket number from the
// oldest to the newest stored reference (one NULL row when there is none). Each bound is
// its own min()/max() sub-query, so each is one B-tree descent.
inline constexpr const char* kEvidenceBuckets =
    "WITH RECURSIVE bucket(n) AS ("
    "SELECT (SELECT min(read_seq) FROM read_evidence) >> 16"
    " UNION ALL SELECT n + 1 FROM bucket"
    " WHERE n < (SELECT max(read_seq) FROM read_evidence) >> 16) ";

// A SELECT (to follow kEvidenceBuckets) of the rows of read_evidence, as `e`, that name
// the 32-byte address the SQL expression `address` evaluates to (a parameter, or a
// column of an outer query). CROSS JOIN keeps the buckets as the outer loop (SQLite never
// reorders it), so each bucket is one probe of read_evidence_address.
inline std::string EvidenceRowsNaming(const std::string& address) {
  return "SELECT 1 FROM bucket CROSS JOIN read_evidence e WHERE (e.read_seq >> 16) = bucket.n"
         " AND substr(e.sha256, 1, 8) = substr(" +
         address + ", 1, 8) AND e.sha256 = " + address;
}

}  // namespace safelane::store::sqlite
