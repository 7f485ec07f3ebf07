#pragma once
// Bulk loading of generated reads into a SQLite store's database file, for measuring
// queries at 10 and 100 million reads (safelane-store-bench --bulk-load). Bench only: it
// is not the ingest path (no duplicate or hotlist check, no signature check) and its rate
// is not the store's ingest rate.
//
// How it stays honest about the queries: the database is first created by SqliteStore
// (every migration applied), the read indexes are dropped and later rebuilt from their
// own saved definitions in sqlite_master, so the queries then run on exactly the schema
// and indexes the store creates. What it skips is only the cost of maintaining those
// indexes row by row while loading.
//
// The file must not be open elsewhere: the load switches the journal off (a generated
// database that a crash may leave unusable) and back to WAL at the end.

#include <cstdint>
#include <filesystem>
#include <functional>

#include "core/result.h"
#include "store/store_types.h"

namespace safelane::store {

struct BulkLoadReport {
  double load_wall_s = 0;   // inserting the rows, indexes dropped
  double load_cpu_s = 0;    // this process's CPU in the same span
  double index_wall_s = 0;  // rebuilding the dropped indexes
  double index_cpu_s = 0;
  int indexes_rebuilt = 0;
};

struct BulkLoadOptions {
  std::int64_t reads = 0;
  std::int64_t rows_per_transaction = 1'000'000;
  int cache_mib = 1024;  // page cache while loading and sorting the indexes
};

// Inserts reads 0..reads-1, each made by make_read(i) (seq i + 1, received at its capture
// time, not on the hotlist), with each read's evidence references. Fails on the first
// SQLite error; the database is then generated data in an unknown state.
Result<BulkLoadReport> BulkLoadReads(const std::filesystem::path& db_file,
                                     const BulkLoadOptions& options,
                                     const std::function<SignedRead(std::int64_t)>& make_read);

}  // namespace safelane::store
