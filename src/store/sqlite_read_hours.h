#pragma once
// Which reads carry a plate, in SQLite. Migration 7 indexes reads by (capture hour, plate,
// capture time), the hour being `captured_at / 3600000` (UTC hours since 1970). One index
// keyed by plate first took one random leaf page per new read once it outgrew a batch:
// the largest share of an ingest's writes from a million reads on (docs/performance.md).
// Keyed by hour first, cameras reporting as they see write into the current hour's part
// only, which stays as small as one hour of traffic however long the store keeps reads.
// A look-up by plate pays with one probe per hour of its window, bounded by the oldest and
// newest stored read (168 for a week's journey). Hours, not days: at national traffic (3.3
// million reads a day in the bench) a day's part is as large as a whole store of a few
// million reads, and inserting into it costs as much (docs/decisions.md).
//
// The expression must stay exactly the index's, or SQLite stops using it:
// sqlite_store_test.cpp reads the query plans.

#include <string>

namespace safelane::store::sqlite {

// A recursive common table expression, `hour(n)`: every capture hour from the later of
// the window's start and the oldest stored read to the earlier of the window's end and the
// newest stored read (one NULL row when there is no read, which matches nothing). With
// `from`, its first parameter is the window's start in ms (inclusive); with `to`, the next
// is the window's end in ms (exclusive). Each stored bound is one B-tree descent of
// reads_time.
inline std::string ReadHours(bool from, bool to) {
  const std::string oldest = "(SELECT min(captured_at) FROM reads) / 3600000";
  const std::string newest = "(SELECT max(captured_at) FROM reads) / 3600000";
  return "WITH RECURSIVE hour(n) AS (SELECT " +
         (from ? "max(? / 3600000, " + oldest + ")" : oldest) +
         " UNION ALL SELECT n + 1 FROM hour WHERE n < " +
         (to ? "min((? - 1) / 3600000, " + newest + ")" : newest) + ") ";
}

// The FROM clause (to follow ReadHours) of reads as `r`, one index probe per hour: CROSS
// JOIN keeps the hours as the outer loop (SQLite never reorders it), and the condition,
// which a WHERE must include, names the index's expression.
inline constexpr const char* kReadsByHour = " FROM hour CROSS JOIN reads r";
inline constexpr const char* kReadInHour = "(r.captured_at / 3600000) = hour.n";

}  // namespace safelane::store::sqlite
