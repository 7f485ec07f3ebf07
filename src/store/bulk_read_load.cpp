#include "store/bulk_read_load.h"

#include <chrono>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "security/bytes.h"
#include "store/sqlite_db.h"

namespace safelane::store {
namespace {

using sqlite::Database;
using sqlite::Statement;

double CpuSeconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

double WallSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct IndexDefinition {
  std::string name;
  std::string sql;
};

// The explicit indexes on the read tables, as the migrations created them. Automatic
// indexes (primary keys, UNIQUE) have no SQL and stay: they cannot be dropped.
Result<std::vector<IndexDefinition>> ReadIndexes(Database& db) {
  auto s = db.Prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
      " AND tbl_name IN ('reads', 'read_evidence') ORDER BY name");
  if (!s) return s.error();
  std::vector<IndexDefinition> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({s->Text(0), s->Text(1)});
  }
  return out;
}

Result<Done> Pragma(Database& db, const std::string& pragma) {
  // journal_mode answers with a row, so step it rather than Exec it.
  auto s = db.Prepare(pragma);
  if (!s) return s.error();
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!*row) return Done{};
  }
}

Result<Done> InsertRead(Statement& insert, Statement& link, std::int64_t seq,
                        const SignedRead& read) {
  const ReadEvent& e = read.event;
  const std::int64_t captured = ToMillis(e.captured_at);
  insert.Bind(1, seq).Bind(2, std::string_view(e.event_id)).Bind(3, std::string_view(e.camera_id));
  insert.Bind(4, captured).Bind(5, captured).Bind(6, std::string_view(e.plate));
  insert.Bind(7, e.confidence).Bind(8, std::string_view(e.country));
  insert.Bind(9, std::string_view(e.vehicle_class)).Bind(10, std::string_view(e.colour));
  insert.Bind(11, std::span<const std::uint8_t>(read.signature));
  auto inserted = insert.Run();
  insert.Reset();
  if (!inserted) return inserted.error();
  for (std::size_t i = 0; i < e.evidence.size(); ++i) {
    const EvidenceRef& ref = e.evidence[i];
    auto address = security::FromHex(ref.sha256);
    if (!address || address->size() != 32) {
      return Error(ErrorCode::kBadRequest,
                   "evidence of event '" + e.event_id + "' has no SHA-256 content address");
    }
    link.Bind(1, seq).Bind(2, static_cast<std::int64_t>(i)).Bind(3, std::string_view(ref.role));
    link.Bind(4, std::span<const std::uint8_t>(*address));
    link.Bind(5, static_cast<std::int64_t>(ref.size_bytes));
    auto linked = link.Run();
    link.Reset();
    if (!linked) return linked.error();
  }
  return Done{};
}

}  // namespace

Result<BulkLoadReport> BulkLoadReads(const std::filesystem::path& db_file,
                                     const BulkLoadOptions& options,
                                     const std::function<SignedRead(std::int64_t)>& make_read) {
  auto db = Database::Open(db_file, /*create=*/false);
  if (!db) return db.error();
  for (const std::string& p :
       {std::string("PRAGMA journal_mode = OFF"), std::string("PRAGMA synchronous = OFF"),
        "PRAGMA cache_size = -" + std::to_string(options.cache_mib * 1024)}) {
    if (auto r = Pragma(*db, p); !r) return r.error();
  }
  auto indexes = ReadIndexes(*db);
  if (!indexes) return indexes.error();
  for (const IndexDefinition& index : *indexes) {
    if (auto r = db->Exec("DROP INDEX \"" + index.name + "\""); !r) return r.error();
  }

  BulkLoadReport report;
  auto t0 = std::chrono::steady_clock::now();
  double c0 = CpuSeconds();
  {
    auto insert = db->Prepare(
        "INSERT INTO reads (seq, event_id, camera_id, captured_at, received_at, plate, confidence,"
        " country, vehicle_class, colour, hotlist_hit, signature)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)");
    if (!insert) return insert.error();
    auto link = db->Prepare(
        "INSERT INTO read_evidence (read_seq, position, role, sha256, size_bytes)"
        " VALUES (?, ?, ?, ?, ?)");
    if (!link) return link.error();
    for (std::int64_t next = 0; next < options.reads;) {
      auto tx = sqlite::Transaction::Begin(*db);
      if (!tx) return tx.error();
      const std::int64_t end = std::min(options.reads, next + options.rows_per_transaction);
      for (; next < end; ++next) {
        if (auto r = InsertRead(*insert, *link, next + 1, make_read(next)); !r) return r.error();
      }
      if (auto r = tx->Commit(); !r) return r.error();
    }
  }
  report.load_wall_s = WallSince(t0);
  report.load_cpu_s = CpuSeconds() - c0;

  t0 = std::chrono::steady_clock::now();
  c0 = CpuSeconds();
  for (const IndexDefinition& index : *indexes) {
    if (auto r = db->Exec(index.sql); !r) return r.error();
    ++report.indexes_rebuilt;
  }
  report.index_wall_s = WallSince(t0);
  report.index_cpu_s = CpuSeconds() - c0;
  if (auto r = Pragma(*db, "PRAGMA journal_mode = WAL"); !r) return r.error();
  return report;
}

}  // namespace safelane::store
