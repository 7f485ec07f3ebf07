#include "store/postgres_migrations.h"

#include <array>
#include <pqxx/transaction>
#include <string>

#include "store/schema_migration.h"

namespace safelane::store::postgres {
namespace {

using Migration = SchemaMigration;

// Times are BIGINT milliseconds since the Unix epoch (UTC), as in SQLite. Plates and
// other keys compare bytewise (COLLATE "C") so a plate prefix is an index range.
// Migrations 1 and 2 match SQLite's; PostgreSQL got both at once.
constexpr std::array kMigrations = {
    Migration{1, "cameras, reads (partitioned by day), violations, notices, hotlist, vehicles",
              R"sql(
CREATE TABLE cameras (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT NOT NULL,
  latitude DOUBLE PRECISION NOT NULL,
  longitude DOUBLE PRECISION NOT NULL,
  heading_deg DOUBLE PRECISION NOT NULL,
  city TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
  public_key BYTEA NOT NULL CHECK (length(public_key) = 32)
);
CREATE INDEX cameras_position ON cameras (latitude, longitude);
CREATE INDEX cameras_city ON cameras (city);

CREATE SEQUENCE reads_seq;
-- day: the UTC day of captured_at (days since 1970-01-01); the kept partition holds
-- reads moved out of a dropped day because a violation or hotlist hit needs them.
-- Evidence references live in the row (three parallel arrays), so dropping a day drops
-- its references with it.
CREATE TABLE reads (
  seq BIGINT NOT NULL DEFAULT nextval('reads_seq'),
  day INTEGER NOT NULL,
  event_id TEXT COLLATE "C" NOT NULL,
  camera_id TEXT COLLATE "C" NOT NULL,
  captured_at BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  plate TEXT COLLATE "C" NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  country TEXT NOT NULL,
  vehicle_class TEXT NOT NULL,
  colour TEXT NOT NULL,
  hotlist_hit BOOLEAN NOT NULL,
  signature BYTEA NOT NULL CHECK (length(signature) = 64),
  evidence_roles TEXT[] NOT NULL,
  evidence_sha256 TEXT[] NOT NULL,
  evidence_sizes BIGINT[] NOT NULL,
  PRIMARY KEY (day, seq)
) PARTITION BY RANGE (day);
CREATE TABLE reads_kept PARTITION OF reads FOR VALUES FROM (MINVALUE) TO (-2147483647);
CREATE INDEX reads_event ON reads (event_id);
CREATE INDEX reads_plate_time ON reads (plate, captured_at);
CREATE INDEX reads_time ON reads (captured_at);
CREATE INDEX reads_camera_time ON reads (camera_id, captured_at);
CREATE INDEX reads_evidence ON reads USING GIN (evidence_sha256);

CREATE TABLE violations (
  id BIGSERIAL PRIMARY KEY,
  event_id TEXT COLLATE "C" NOT NULL,
  rule TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'confirmed', 'dismissed', 'closed')),
  created_at BIGINT NOT NULL,
  closed_at BIGINT
);
CREATE INDEX violations_event ON violations (event_id);
CREATE INDEX violations_closed ON violations (closed_at) WHERE closed_at IS NOT NULL;

CREATE TABLE violation_reviews (
  violation_id BIGINT NOT NULL REFERENCES violations (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  at BIGINT NOT NULL,
  reviewer TEXT NOT NULL,
  outcome TEXT NOT NULL,
  note TEXT NOT NULL,
  PRIMARY KEY (violation_id, seq)
);

CREATE TABLE notices (
  number TEXT COLLATE "C" PRIMARY KEY,
  violation_id BIGINT NOT NULL REFERENCES violations (id) ON DELETE CASCADE,
  issued_at BIGINT NOT NULL,
  amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
  currency TEXT NOT NULL
);
CREATE INDEX notices_violation ON notices (violation_id);
CREATE TABLE notice_counters (
  year INTEGER PRIMARY KEY,
  last BIGINT NOT NULL
);

CREATE TABLE hotlist (
  plate TEXT COLLATE "C" PRIMARY KEY,
  reason TEXT NOT NULL,
  added_at BIGINT NOT NULL,
  expires_at BIGINT
);

CREATE TABLE vehicles (
  plate TEXT COLLATE "C" PRIMARY KEY,
  make TEXT NOT NULL,
  model TEXT NOT NULL,
  colour TEXT NOT NULL,
  owner_ref TEXT NOT NULL
);
)sql"},
    Migration{2, "users; tracks on reads; the signed audit log",
              R"sql(
CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  username TEXT COLLATE "C" NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'investigator', 'auditor',
                                     'administrator', 'installer')),
  password_hash TEXT NOT NULL,
  totp_secret_sealed BYTEA NOT NULL,
  mfa_enabled BOOLEAN NOT NULL,
  disabled BOOLEAN NOT NULL,
  failed_logins INTEGER NOT NULL CHECK (failed_logins >= 0),
  locked_until BIGINT,
  created_at BIGINT NOT NULL,
  last_login_at BIGINT
);

ALTER TABLE reads ADD COLUMN track_id TEXT;
ALTER TABLE reads ADD COLUMN track_first_seen BIGINT;
ALTER TABLE reads ADD COLUMN track_last_seen BIGINT;
ALTER TABLE reads ADD COLUMN track_frames INTEGER;
ALTER TABLE reads ADD COLUMN track_frames_agreed INTEGER;
ALTER TABLE reads ADD COLUMN track_direction TEXT;

CREATE TABLE audit_log (
  id BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail TEXT NOT NULL,
  source TEXT NOT NULL,
  reason TEXT NOT NULL,
  hash TEXT NOT NULL,
  signature BYTEA
);
CREATE INDEX audit_subject ON audit_log (subject, id);
-- Append-only: the database itself refuses edits and deletions.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
)sql"},
    Migration{3, "review queue and statistics indexes; the TOTP replay guard in users",
              R"sql(
CREATE INDEX violations_status ON violations (status, id);
CREATE INDEX violations_created ON violations (created_at);
CREATE INDEX audit_at ON audit_log (at);
-- The last TOTP step accepted per user, so a restart does not let a code be replayed.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0 CHECK (totp_last_step >= 0);
)sql"},
    Migration{4, "the lane of a read",
              R"sql(
-- The camera's lane id (camera/lane.h); NULL when the camera reported none. Added to the
-- partitioned table, so every day's partition (and reads_kept) has it.
ALTER TABLE reads ADD COLUMN lane TEXT;
)sql"},
};

constexpr std::int64_t kMigrationLock = 0x5afe1a4e0001;  // pg_advisory_xact_lock key

}  // namespace

int LatestSchemaVersion() {
  return kMigrations.back().version;
}

Result<int> ApplyMigrations(pqxx::connection& db, TimePoint now) {
  try {
    int version = 0;
    for (;;) {
      pqxx::work tx(db);
      tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
      tx.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
          " description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
      version = tx.exec1("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0].as<int>();
      if (auto newer = CheckSchemaNotNewer(version, LatestSchemaVersion()); !newer) {
        return newer.error();
      }
      const Migration* next = nullptr;
      for (const Migration& m : kMigrations) {
        if (m.version == version + 1) next = &m;
      }
      if (next == nullptr) {
        tx.commit();
        return version;
      }
      try {
        tx.exec(next->sql);
      } catch (const std::exception& e) {
        return MigrationFailed(*next, e.what());
      }
      tx.exec_params(
          "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)",
          next->version, std::string(next->description), ToMillis(now));
      tx.commit();
    }
  } catch (const std::exception& e) {
    return Error(ErrorCode::kIo, std::string("PostgreSQL: ") + e.what());
  }
}

}  // namespace safelane::store::postgres
