#include "store/sqlite_migrations.h"

#include <array>
#include <string>

#include "store/schema_migration.h"

namespace safelane::store::sqlite {
namespace {

using Migration = SchemaMigration;

// Times are INTEGER milliseconds since the Unix epoch (UTC).
constexpr std::array kMigrations = {
    Migration{1, "cameras, reads, read evidence, violations, notices, hotlist, vehicles, audit",
              R"sql(
CREATE TABLE cameras (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  latitude REAL NOT NULL,
  longitude REAL NOT NULL,
  heading_deg REAL NOT NULL,
  city TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
  public_key BLOB NOT NULL CHECK (length(public_key) = 32)
);
CREATE INDEX cameras_position ON cameras (latitude, longitude);
CREATE INDEX cameras_city ON cameras (city);

CREATE TABLE reads (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  camera_id TEXT NOT NULL REFERENCES cameras (id),
  captured_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  plate TEXT NOT NULL,
  confidence REAL NOT NULL,
  country TEXT NOT NULL,
  vehicle_class TEXT NOT NULL,
  colour TEXT NOT NULL,
  hotlist_hit INTEGER NOT NULL,
  signature BLOB NOT NULL CHECK (length(signature) = 64)
);
-- Exact plate, prefix ranges and journeys: plate first, then time.
CREATE INDEX reads_plate_time ON reads (plate, captured_at);
CREATE INDEX reads_time ON reads (captured_at);
CREATE INDEX reads_camera_time ON reads (camera_id, captured_at);

-- Evidence objects a read refers to; the content address is stored as 32 raw bytes.
-- An object is in use while any row names it (the vault holds the bytes).
CREATE TABLE read_evidence (
  read_seq INTEGER NOT NULL REFERENCES reads (seq) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  role TEXT NOT NULL,
  sha256 BLOB NOT NULL CHECK (length(sha256) = 32),
  size_bytes INTEGER NOT NULL,
  PRIMARY KEY (read_seq, position)
) WITHOUT ROWID;
CREATE INDEX read_evidence_sha256 ON read_evidence (sha256);

CREATE TABLE violations (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES reads (event_id),
  rule TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'confirmed', 'dismissed', 'closed')),
  created_at INTEGER NOT NULL,
  closed_at INTEGER
);
CREATE INDEX violations_event ON violations (event_id);
CREATE INDEX violations_closed ON violations (closed_at) WHERE closed_at IS NOT NULL;

CREATE TABLE violation_reviews (
  violation_id INTEGER NOT NULL REFERENCES violations (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  reviewer TEXT NOT NULL,
  outcome TEXT NOT NULL,
  note TEXT NOT NULL,
  PRIMARY KEY (violation_id, seq)
) WITHOUT ROWID;

CREATE TABLE notices (
  number TEXT PRIMARY KEY,
  violation_id INTEGER NOT NULL REFERENCES violations (id) ON DELETE CASCADE,
  issued_at INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  currency TEXT NOT NULL
);
CREATE INDEX notices_violation ON notices (violation_id);
-- The last number issued each year; rows are never deleted, so numbers are never reused.
CREATE TABLE notice_counters (
  year INTEGER PRIMARY KEY,
  last INTEGER NOT NULL
);

CREATE TABLE hotlist (
  plate TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  added_at INTEGER NOT NULL,
  expires_at INTEGER
);

CREATE TABLE vehicles (
  plate TEXT PRIMARY KEY,
  make TEXT NOT NULL,
  model TEXT NOT NULL,
  colour TEXT NOT NULL,
  owner_ref TEXT NOT NULL
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_subject ON audit_log (subject, id);
-- Append-only: the database itself refuses edits and deletions.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql"},
    Migration{2, "users; tracks on reads; audit source, reason and signature",
              R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'investigator', 'auditor',
                                     'administrator', 'installer')),
  password_hash TEXT NOT NULL,
  totp_secret_sealed BLOB NOT NULL,
  mfa_enabled INTEGER NOT NULL,
  disabled INTEGER NOT NULL,
  failed_logins INTEGER NOT NULL CHECK (failed_logins >= 0),
  locked_until INTEGER,
  created_at INTEGER NOT NULL,
  last_login_at INTEGER
);

-- A read's track (store_types.h Track); all NULL when the camera reported none.
ALTER TABLE reads ADD COLUMN track_id TEXT;
ALTER TABLE reads ADD COLUMN track_first_seen INTEGER;
ALTER TABLE reads ADD COLUMN track_last_seen INTEGER;
ALTER TABLE reads ADD COLUMN track_frames INTEGER;
ALTER TABLE reads ADD COLUMN track_frames_agreed INTEGER;
ALTER TABLE reads ADD COLUMN track_direction TEXT;

-- Entries written before this migration were neither signed nor chained over their id;
-- they fail VerifyAuditChain (development databases only: no release had schema 1).
ALTER TABLE audit_log ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN signature BLOB;
)sql"},
    Migration{3, "review queue and statistics indexes; the TOTP replay guard in users",
              R"sql(
CREATE INDEX violations_status ON violations (status, id);
CREATE INDEX violations_created ON violations (created_at);
CREATE INDEX audit_at ON audit_log (at);
-- The last TOTP step accepted per user, so a restart does not let a code be replayed.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0 CHECK (totp_last_step >= 0);
)sql"},
    Migration{4, "the lane of a read",
              R"sql(
-- The camera's lane id (camera/lane.h); NULL when the camera reported none.
ALTER TABLE reads ADD COLUMN lane TEXT;
)sql"},
    Migration{5, "evidence addresses indexed by bucket of 65,536 reads and 8-byte prefix",
              R"sql(
-- One index over every address took one random page per new reference, the largest share
-- of an ingest batch's writes. Keyed first by the read's bucket (read_seq >> 16), a
-- batch's references land in the newest bucket's few hundred pages; a look-up probes
-- each bucket (sqlite_evidence_refs.h) and compares the whole address in the row.
DROP INDEX read_evidence_sha256;
CREATE INDEX read_evidence_address ON read_evidence (read_seq >> 16, substr(sha256, 1, 8));
)sql"},
    Migration{6, "reads indexed by capture day, then plate",
              R"sql(
-- Keyed by plate first, the index took one random page per new read once it outgrew a
-- batch. Keyed by UTC day first, a batch's entries land in the current day's pages; a
-- look-up by plate probes each day of its window (replaced by migration 7).
DROP INDEX reads_plate_time;
CREATE INDEX reads_day_plate ON reads (captured_at / 86400000, plate, captured_at);
)sql"},
    Migration{7, "reads indexed by capture hour, then plate",
              R"sql(
-- At national traffic a day's part of the day-keyed index is as large as a whole store of
-- a few million reads, and inserting into it cost as much: at 100 million reads the ingest
-- fell to half of what it was with hours (docs/performance.md). Keyed by UTC hour, a batch
-- writes into one hour's pages; a look-up by plate probes each hour of its window
-- (sqlite_read_hours.h).
DROP INDEX reads_day_plate;
CREATE INDEX reads_hour_plate ON reads (captured_at / 3600000, plate, captured_at);
)sql"},
};

}  // namespace

int LatestSchemaVersion() {
  return kMigrations.back().version;
}

Result<int> ApplyMigrations(Database& db, TimePoint now, int up_to) {
  if (auto r = db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                       "description TEXT NOT NULL, applied_at INTEGER NOT NULL)");
      !r) {
    return r.error();
  }
  auto version_stmt = db.Prepare("PRAGMA user_version");
  if (!version_stmt) return version_stmt.error();
  auto row = version_stmt->Step();
  if (!row) return row.error();
  int version = static_cast<int>(version_stmt->Int(0));
  version_stmt->Reset();  // a statement left mid-row makes DROP fail ("table is locked")
  if (auto newer = CheckSchemaNotNewer(version, LatestSchemaVersion()); !newer) {
    return newer.error();
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= version || m.version > up_to) continue;
    auto tx = Transaction::Begin(db);
    if (!tx) return tx.error();
    if (auto r = db.Exec(m.sql); !r) return MigrationFailed(m, r.error().message);
    auto record = db.Prepare(
        "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)");
    if (!record) return record.error();
    record->Bind(1, std::int64_t{m.version}).Bind(2, std::string_view(m.description));
    record->Bind(3, ToMillis(now));
    if (auto r = record->Run(); !r) return r.error();
    if (auto r = db.Exec("PRAGMA user_version = " + std::to_string(m.version)); !r) {
      return r.error();
    }
    if (auto r = tx->Commit(); !r) return r.error();
    version = m.version;
  }
  return version;
}

}  // namespace safelane::store::sqlite
