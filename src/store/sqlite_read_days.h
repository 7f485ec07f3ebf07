#pragma once
// Which reads carry a plate, in SQLite. Migration 6 indexes reads by (capture day, plate,
// capture time), the day being `captured_at / 86400000` (UTC days since 1970). One index
// keyed by plate first took one random leaf page per new read once it outgrew a batch:
// the largest share of an ingest's writes from a million reads on (docs/performance.md).
// Keyed by day first, cameras reporting as they see write into the current day's part
// only, which stays as small as one day of traffic however long the store keeps reads;
// PostgreSQL has the same shape by partitioning reads by day. A look-up by plate pays with
// one probe per day of its window, bounded by the oldest and newest stored read.
//
// The expression must stay exactly the index's, or SQLite stops using it:
// sqlite_store_test.cpp reads the query plans.

#include <string>

namespace safelane::store::sqlite {

// A recursive common table expression, `day(n)`: every capture day from the later of the
// window's start and the oldest stored read to the earlier of the window's end and the
// newest stored read (one NULL row when there is no read, which matches nothing). With
// `from`, its first parameter is the window's start in ms (inclusive); with `to`, the next
// is the window's end in ms (exclusive). Each stored bound is one B-tree descent of
// reads_time.
inline std::string ReadDays(bool from, bool to) {
  const std::string oldest = "(SELECT min(captured_at) FROM reads) / 86400000";
  const std::string newest = "(SELECT max(captured_at) FROM reads) / 86400000";
  return "WITH RECURSIVE day(n) AS (SELECT " +
         (from ? "max(? / 86400000, " + oldest + ")" : oldest) +
         " UNION ALL SELECT n + 1 FROM day WHERE n < " +
         (to ? "min((? - 1) / 86400000, " + newest + ")" : newest) + ") ";
}

// The FROM clause (to follow ReadDays) of reads as `r`, one index probe per day: CROSS JOIN
// keeps the days as the outer loop (SQLite never reorders it), and the condition, which a
// WHERE must include, names the index's expression.
inline constexpr const char* kReadsByDay = " FROM day CROSS JOIN reads r";
inline constexpr const char* kReadOnDay = "(r.captured_at / 86400000) = day.n";

}  // namespace safelane::store::sqlite
