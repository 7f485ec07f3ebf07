// SqliteStore: opening, cameras, reads, search and journeys. Cases (violations, notices),
// registries (hotlist, vehicles, audit) and retention live in the sqlite_store_*.cpp
// files beside this one.

#include "store/sqlite_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <system_error>

#include "security/bytes.h"
#include "store/camera_rows.h"
#include "store/geo.h"
#include "store/sqlite_evidence_refs.h"
#include "store/sqlite_migrations.h"
#include "store/sqlite_read_hours.h"
#include "store/validation.h"

namespace safelane::store {

using sqlite::Database;
using sqlite::Statement;
using sqlite::Transaction;

namespace {

constexpr const char* kReadColumns =
    "r.seq, r.event_id, r.camera_id, r.captured_at, r.received_at, r.plate, r.confidence, "
    "r.country, r.vehicle_class, r.colour, r.hotlist_hit, r.signature, r.track_id,"
    " r.track_first_seen, r.track_last_seen, r.track_frames, r.track_frames_agreed,"
    " r.track_direction, r.lane";

// Reads the kReadColumns of the current row (without evidence); returns the row's seq.
std::int64_t ReadRow(const Statement& s, StoredRead& out) {
  out.event.event_id = s.Text(1);
  out.event.camera_id = s.Text(2);
  out.event.captured_at = FromMillis(s.Int(3));
  out.received_at = FromMillis(s.Int(4));
  out.event.plate = s.Text(5);
  out.event.confidence = s.Real(6);
  out.event.country = s.Text(7);
  out.event.vehicle_class = s.Text(8);
  out.event.colour = s.Text(9);
  out.hotlist_hit = s.Int(10) != 0;
  const auto sig = s.Blob(11);
  if (sig.size() == out.signature.size()) std::copy(sig.begin(), sig.end(), out.signature.begin());
  if (!s.IsNull(12)) {
    out.event.track = Track{s.Text(12),
                            FromMillis(s.Int(13)),
                            FromMillis(s.Int(14)),
                            static_cast<int>(s.Int(15)),
                            static_cast<int>(s.Int(16)),
                            s.Text(17)};
  }
  if (!s.IsNull(18)) out.event.lane = s.Text(18);
  return s.Int(0);
}

Result<Done> CheckLimit(int limit) {
  if (limit < 1 || limit > kMaxQueryLimit) {
    return Error(ErrorCode::kBadRequest, "limit must be within [1, 10000]");
  }
  return Done{};
}

// One search as SQL text plus its parameters in order.
struct SearchSql {
  std::string sql;
  std::vector<std::variant<std::int64_t, std::string>> params;
};

SearchSql BuildSearch(const ReadQuery& q) {
  SearchSql out;
  std::string where;
  auto add = [&](const std::string& condition) {
    where += where.empty() ? " WHERE " : " AND ";
    where += condition;
  };
  bool plate_index = false;
  if (q.plate) {
    const PlatePattern& p = *q.plate;
    if (p.is_exact()) {
      add("r.plate = ?");
      out.params.emplace_back(p.text());
      plate_index = true;
    } else {
      if (!p.fixed_prefix().empty()) {
        // The range makes the plate index usable; GLOB then checks the rest.
        add("r.plate >= ? AND r.plate < ?");
        out.params.emplace_back(p.fixed_prefix());
        out.params.emplace_back(p.PrefixEnd());
        plate_index = true;
      }
      add("r.plate GLOB ?");
      out.params.emplace_back(p.glob());
    }
  }
  if (q.from) {
    add("r.captured_at >= ?");
    out.params.emplace_back(ToMillis(*q.from));
  }
  if (q.to) {
    add("r.captured_at < ?");
    out.params.emplace_back(ToMillis(*q.to));
  }
  if (q.camera_id) {
    add("r.camera_id = ?");
    out.params.emplace_back(*q.camera_id);
  }
  if (q.city) {
    add("r.camera_id IN (SELECT id FROM cameras WHERE city = ?)");
    out.params.emplace_back(*q.city);
  }
  if (q.vehicle_class) {
    add("r.vehicle_class = ?");
    out.params.emplace_back(*q.vehicle_class);
  }
  if (q.colour) {
    add("r.colour = ?");
    out.params.emplace_back(*q.colour);
  }
  out.params.emplace_back(std::int64_t{q.limit});
  if (!plate_index) {
    out.sql = std::string("SELECT ") + kReadColumns + " FROM reads r" + where +
              " ORDER BY r.captured_at, r.seq LIMIT ?";
    return out;
  }
  // With a plate or a plate prefix the hour-and-plate index is always the selective one:
  // one probe per hour of the window (sqlite_read_hours.h), whose bounds come first.
  decltype(out.params) hours;
  if (q.from) hours.emplace_back(ToMillis(*q.from));
  if (q.to) hours.emplace_back(ToMillis(*q.to));
  out.params.insert(out.params.begin(), hours.begin(), hours.end());
  out.sql = sqlite::ReadHours(q.from.has_value(), q.to.has_value()) + "SELECT " + kReadColumns +
            sqlite::kReadsByHour + where + " AND " + sqlite::kReadInHour +
            " ORDER BY r.captured_at, r.seq LIMIT ?";
  return out;
}

Result<Statement> PrepareSearch(Database& db, const SearchSql& search, const char* prefix = "") {
  auto stmt = db.Prepare(std::string(prefix) + search.sql);
  if (!stmt) return stmt.error();
  int i = 1;
  for (const auto& p : search.params) {
    if (const auto* n = std::get_if<std::int64_t>(&p)) {
      stmt->Bind(i++, *n);
    } else {
      stmt->Bind(i++, std::string_view(std::get<std::string>(p)));
    }
  }
  return stmt;
}

// The detail column of an EXPLAIN QUERY PLAN statement, one line per step.
Result<std::string> PlanText(Statement& explain) {
  std::string plan;
  for (;;) {
    auto row = explain.Step();
    if (!row) return row.error();
    if (!*row) return plan;
    plan += explain.Text(3) + "\n";
  }
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::filesystem::path& data_dir,
                                                       const Clock& clock,
                                                       const SqliteOptions& options) {
  if (options.busy_timeout_ms < 0 || options.busy_timeout_ms > 600'000) {
    return Error(ErrorCode::kBadConfig, "busy_timeout_ms must be within [0, 600000]");
  }
  if (options.cache_mib < 2 || options.cache_mib > 4096) {
    return Error(ErrorCode::kBadConfig, "cache_mib must be within [2, 4096]");
  }
  if (options.wal_checkpoint_mib < 1 || options.wal_checkpoint_mib > 1024) {
    return Error(ErrorCode::kBadConfig, "wal_checkpoint_mib must be within [1, 1024]");
  }
  std::error_code ec;
  if (options.create && !std::filesystem::exists(data_dir, ec)) {
    std::filesystem::create_directories(data_dir, ec);
    if (ec)
      return Error(ErrorCode::kIo, "cannot create " + data_dir.string() + ": " + ec.message());
    // Reads are personal data: only the service account may list the directory.
    ::chmod(data_dir.c_str(), 0700);
  }
  if (!std::filesystem::is_directory(data_dir, ec)) {
    return Error(ErrorCode::kBadConfig, "data directory " + data_dir.string() + " does not exist");
  }
  auto db = Database::Open(data_dir / kDatabaseFile, options.create);
  if (!db) return db.error();
  // WAL: readers never block the writer. synchronous: see SqliteOptions::sync_each_commit.
  const std::string pragmas[] = {
      "PRAGMA journal_mode = WAL",
      options.sync_each_commit ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
      "PRAGMA foreign_keys = ON",
      "PRAGMA busy_timeout = " + std::to_string(options.busy_timeout_ms),
      // A negative cache_size is in KiB.
      "PRAGMA cache_size = -" + std::to_string(options.cache_mib * 1024),
      // In pages of 4 KiB (SQLite's default page size).
      "PRAGMA wal_autocheckpoint = " + std::to_string(options.wal_checkpoint_mib * 256)};
  for (const std::string& pragma : pragmas) {
    // journal_mode returns a row; Prepare+Run works for both kinds.
    auto stmt = db->Prepare(pragma);
    if (!stmt) return stmt.error();
    if (auto r = stmt->Run(); !r) return r.error();
  }
  auto version = sqlite::ApplyMigrations(*db, clock.Now());
  if (!version) return version.error();
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(*db), options.audit_signer));
  store->schema_version_ = *version;
  return store;
}

Result<Done> SqliteStore::RegisterCamera(const Camera& c) {
  if (auto v = ValidateCamera(c); !v) return v.error();
  auto s = db_.Prepare(
      "INSERT INTO cameras (id, name, latitude, longitude, heading_deg, city, status, public_key)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
      " latitude = excluded.latitude, longitude = excluded.longitude,"
      " heading_deg = excluded.heading_deg, city = excluded.city, status = excluded.status,"
      " public_key = excluded.public_key");
  if (!s) return s.error();
  s->Bind(1, std::string_view(c.id)).Bind(2, std::string_view(c.name)).Bind(3, c.latitude);
  s->Bind(4, c.longitude).Bind(5, c.heading_deg).Bind(6, std::string_view(c.city));
  s->Bind(7, std::string_view(c.status == CameraStatus::kRetired ? "retired" : "active"));
  s->Bind(8, std::span<const std::uint8_t>(c.public_key));
  return s->Run();
}

Result<std::optional<Camera>> SqliteStore::GetCamera(const std::string& id) {
  auto s = db_.Prepare(std::string("SELECT ") + kCameraColumns + " FROM cameras WHERE id = ?");
  if (!s) return s.error();
  s->Bind(1, std::string_view(id));
  auto row = s->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<Camera>();
  return std::optional<Camera>(CameraRow(*s));
}

Result<std::vector<CameraDistance>> SqliteStore::CamerasNear(double latitude, double longitude,
                                                             double radius_m, int limit) {
  if (auto r = CheckNearRequest(latitude, longitude, radius_m, limit); !r) return r.error();
  // A bounding box on the position index, then the exact great-circle distance.
  const GeoBox box = BoxAround(latitude, longitude, radius_m);
  auto s = db_.Prepare(std::string("SELECT ") + kCameraColumns +
                       " FROM cameras WHERE latitude BETWEEN ? AND ?" +
                       (box.lon_bounded ? " AND longitude BETWEEN ? AND ?" : ""));
  if (!s) return s.error();
  s->Bind(1, box.lat_min).Bind(2, box.lat_max);
  if (box.lon_bounded) s->Bind(3, box.lon_min).Bind(4, box.lon_max);
  std::vector<Camera> candidates;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!*row) break;
    candidates.push_back(CameraRow(*s));
  }
  return NearestWithin(std::move(candidates), latitude, longitude, radius_m, limit);
}

// The ingest hot path's statements, prepared on the first batch and reused by every one
// after it (preparing costs about as much as a few inserts).
struct SqliteStore::IngestStatements {
  Statement insert;    // a read; does nothing when its event id is stored already
  Statement existing;  // the signature stored under an event id
  Statement hotlist;   // whether a plate is on the hotlist at an instant
  Statement link;      // one evidence reference of a read
};

SqliteStore::SqliteStore(Database db, std::shared_ptr<const security::SigningKey> audit_signer)
    : db_(std::move(db)), audit_signer_(std::move(audit_signer)) {}
SqliteStore::~SqliteStore() = default;

Result<SqliteStore::IngestStatements*> SqliteStore::PrepareIngest() {
  if (ingest_) return ingest_.get();
  auto insert = db_.Prepare(
      "INSERT INTO reads (event_id, camera_id, captured_at, received_at, plate, confidence,"
      " country, vehicle_class, colour, hotlist_hit, signature, track_id, track_first_seen,"
      " track_last_seen, track_frames, track_frames_agreed, track_direction, lane)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (event_id) DO NOTHING");
  auto existing = db_.Prepare("SELECT signature FROM reads WHERE event_id = ?");
  auto hotlist = db_.Prepare(
      "SELECT 1 FROM hotlist WHERE plate = ?1 AND added_at <= ?2"
      " AND (expires_at IS NULL OR expires_at > ?2)");
  auto link = db_.Prepare(
      "INSERT INTO read_evidence (read_seq, position, role, sha256, size_bytes)"
      " VALUES (?, ?, ?, ?, ?)");
  for (auto* s : {&insert, &existing, &hotlist, &link}) {
    if (!*s) return s->error();
  }
  ingest_ = std::make_unique<IngestStatements>(IngestStatements{
      std::move(*insert), std::move(*existing), std::move(*hotlist), std::move(*link)});
  return ingest_.get();
}

namespace {

// A content address as its 32 raw bytes, without allocating. Ingest validated the hex
// (validation.h), so false means a caller broke InsertReads' contract.
bool Sha256Bytes(std::string_view hex, std::array<std::uint8_t, 32>& out) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (hex.size() != out.size() * 2) return false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return true;
}

}  // namespace

// Per read: one hotlist probe and one insert (the event-id index itself detects a repeat,
// so a new read costs no separate look-up), plus one row per evidence reference. Only a
// repeated id costs a second look-up, to tell a duplicate from a conflict.
Result<std::vector<InsertOutcome>> SqliteStore::InsertReads(std::span<const SignedRead> batch,
                                                            TimePoint received_at) {
  auto prepared = PrepareIngest();
  if (!prepared) return prepared.error();
  IngestStatements& st = **prepared;
  auto tx = Transaction::Begin(db_);
  if (!tx) return tx.error();
  const std::int64_t received_ms = ToMillis(received_at);
  std::vector<InsertOutcome> outcomes;
  outcomes.reserve(batch.size());
  std::array<std::uint8_t, 32> address{};
  for (const SignedRead& read : batch) {
    const ReadEvent& e = read.event;
    st.hotlist.Bind(1, std::string_view(e.plate)).Bind(2, received_ms);
    auto hit = st.hotlist.Step();
    st.hotlist.Reset();  // leave no statement mid-row across the commit
    if (!hit) return hit.error();
    const bool hotlist_hit = *hit;

    st.insert.Bind(1, std::string_view(e.event_id)).Bind(2, std::string_view(e.camera_id));
    st.insert.Bind(3, ToMillis(e.captured_at)).Bind(4, received_ms);
    st.insert.Bind(5, std::string_view(e.plate)).Bind(6, e.confidence);
    st.insert.Bind(7, std::string_view(e.country)).Bind(8, std::string_view(e.vehicle_class));
    st.insert.Bind(9, std::string_view(e.colour)).Bind(10, std::int64_t{hotlist_hit ? 1 : 0});
    st.insert.Bind(11, std::span<const std::uint8_t>(read.signature));
    if (e.track) {
      const Track& t = *e.track;
      st.insert.Bind(12, std::string_view(t.id)).Bind(13, ToMillis(t.first_seen));
      st.insert.Bind(14, ToMillis(t.last_seen)).Bind(15, std::int64_t{t.frames});
      st.insert.Bind(16, std::int64_t{t.frames_agreed}).Bind(17, std::string_view(t.direction));
    }  // unbound parameters are NULL
    if (!e.lane.empty()) st.insert.Bind(18, std::string_view(e.lane));
    auto inserted = st.insert.Run();
    st.insert.Reset();
    if (!inserted) return inserted.error();
    if (db_.Changes() == 0) {  // the event id is stored already
      st.existing.Bind(1, std::string_view(e.event_id));
      auto found = st.existing.Step();
      if (!found) {
        st.existing.Reset();
        return found.error();
      }
      const auto sig = st.existing.Blob(0);
      const bool same = *found && std::equal(sig.begin(), sig.end(), read.signature.begin(),
                                             read.signature.end());
      st.existing.Reset();
      outcomes.push_back(same ? InsertOutcome::kDuplicate : InsertOutcome::kConflict);
      continue;
    }
    const std::int64_t seq = db_.LastInsertId();
    for (std::size_t i = 0; i < e.evidence.size(); ++i) {
      const EvidenceRef& ref = e.evidence[i];
      if (!Sha256Bytes(ref.sha256, address)) {
        return Error(ErrorCode::kBadRequest,
                     "evidence of event '" + e.event_id + "' has no SHA-256 content address");
      }
      st.link.Bind(1, seq)
          .Bind(2, static_cast<std::int64_t>(i))
          .Bind(3, std::string_view(ref.role));
      st.link.Bind(4, security::ByteSpan(address))
          .Bind(5, static_cast<std::int64_t>(ref.size_bytes));
      auto linked = st.link.Run();
      st.link.Reset();
      if (!linked) return linked.error();
    }
    outcomes.push_back(InsertOutcome::kInserted);
  }
  if (auto r = tx->Commit(); !r) return r.error();
  return outcomes;
}

Result<std::vector<EvidenceRef>> SqliteStore::EvidenceOf(std::int64_t read_seq) {
  auto s = db_.Prepare(
      "SELECT role, sha256, size_bytes FROM read_evidence WHERE read_seq = ? ORDER BY position");
  if (!s) return s.error();
  s->Bind(1, read_seq);
  std::vector<EvidenceRef> refs;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!*row) return refs;
    refs.push_back(
        {s->Text(0), security::ToHex(s->Blob(1)), static_cast<std::uint64_t>(s->Int(2))});
  }
}

Result<std::optional<StoredRead>> SqliteStore::GetRead(const std::string& event_id) {
  auto s = db_.Prepare(std::string("SELECT ") + kReadColumns + " FROM reads r WHERE event_id = ?");
  if (!s) return s.error();
  s->Bind(1, std::string_view(event_id));
  auto row = s->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<StoredRead>();
  StoredRead read;
  const std::int64_t seq = ReadRow(*s, read);
  auto refs = EvidenceOf(seq);
  if (!refs) return refs.error();
  read.event.evidence = std::move(*refs);
  return std::optional<StoredRead>(std::move(read));
}

Result<std::vector<StoredRead>> SqliteStore::SearchReads(const ReadQuery& query) {
  if (auto l = CheckLimit(query.limit); !l) return l.error();
  auto s = PrepareSearch(db_, BuildSearch(query));
  if (!s) return s.error();
  std::vector<std::pair<std::int64_t, StoredRead>> rows;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!*row) break;
    StoredRead read;
    const std::int64_t seq = ReadRow(*s, read);
    rows.emplace_back(seq, std::move(read));
  }
  std::vector<StoredRead> out;
  out.reserve(rows.size());
  for (auto& [seq, read] : rows) {
    auto refs = EvidenceOf(seq);
    if (!refs) return refs.error();
    read.event.evidence = std::move(*refs);
    out.push_back(std::move(read));
  }
  return out;
}

Result<std::string> SqliteStore::ExplainSearch(const ReadQuery& query) {
  auto s = PrepareSearch(db_, BuildSearch(query), "EXPLAIN QUERY PLAN ");
  if (!s) return s.error();
  return PlanText(*s);
}

Result<std::vector<JourneyStop>> SqliteStore::Journey(const std::string& plate, TimePoint from,
                                                      TimePoint to, int limit) {
  if (auto l = CheckLimit(limit); !l) return l.error();
  if (!IsValidPlate(plate)) return Error(ErrorCode::kBadRequest, "plate must be 1-16 of A-Z 0-9");
  auto s = db_.Prepare(sqlite::ReadHours(true, true) +
                       "SELECT r.event_id, r.captured_at, r.camera_id, c.name, c.latitude,"
                       " c.longitude, c.heading_deg" +
                       sqlite::kReadsByHour + " JOIN cameras c ON c.id = r.camera_id WHERE " +
                       sqlite::kReadInHour +
                       " AND r.plate = ? AND r.captured_at >= ? AND r.captured_at < ?"
                       " ORDER BY r.captured_at, r.seq LIMIT ?");
  if (!s) return s.error();
  s->Bind(1, ToMillis(from)).Bind(2, ToMillis(to));
  s->Bind(3, std::string_view(plate)).Bind(4, ToMillis(from)).Bind(5, ToMillis(to));
  s->Bind(6, std::int64_t{limit});
  std::vector<JourneyStop> stops;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!*row) return stops;
    stops.push_back({s->Text(0), FromMillis(s->Int(1)), s->Text(2), s->Text(3), s->Real(4),
                     s->Real(5), s->Real(6)});
  }
}

Result<bool> SqliteStore::IsEvidenceReferenced(const std::string& sha256) {
  auto address = security::FromHex(sha256);
  if (!address || address->size() != 32) {
    return Error(ErrorCode::kBadRequest, "not a SHA-256 content address: '" + sha256 + "'");
  }
  auto s = db_.Prepare(std::string(sqlite::kEvidenceBuckets) + sqlite::EvidenceRowsNaming("?1") +
                       " LIMIT 1");
  if (!s) return s.error();
  s->Bind(1, security::ByteSpan(*address));
  return s->Step();
}

Result<std::string> SqliteStore::ExplainEvidenceReferenced() {
  auto s = db_.Prepare(std::string("EXPLAIN QUERY PLAN ") + sqlite::kEvidenceBuckets +
                       sqlite::EvidenceRowsNaming("?1") + " LIMIT 1");
  if (!s) return s.error();
  return PlanText(*s);
}

}  // namespace safelane::store
