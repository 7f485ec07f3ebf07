#pragma once
// PostgresStore: the Store backend for a central installation (libpqxx 6.4 over libpq).
//
// - Reads are partitioned by range on `day`, the UTC day of captured_at; a day's
//   partition is created on demand when its first read arrives. Retention drops whole
//   day partitions; reads a violation or a hotlist hit still needs are first moved into
//   the `reads_kept` partition (day = kKeptDay), so every query still sees one `reads`
//   table (docs/decisions.md).
// - Event ids are unique across partitions because InsertReads holds a transaction-level
//   advisory lock while it checks and inserts (PostgreSQL cannot enforce a unique index
//   on a partitioned table without the partition key).
// - The schema is migrated at open (postgres_migrations.cpp), under an advisory lock.
// Not thread-safe: one PostgresStore (one connection) per thread.

#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "security/ed25519.h"
#include "store/store.h"

namespace safelane::store {

namespace postgres {
struct Connection;  // holds the pqxx connection (postgres_common.h)
}  // namespace postgres

struct PostgresOptions {
  // libpq connection string, e.g. "host=127.0.0.1 port=5432 dbname=safelane user=safelane".
  // A password belongs in ~/.pgpass or PGPASSFILE, never here.
  std::string conninfo;
  // Signs each audit entry (audit_chain.h); without it the store refuses to append.
  std::shared_ptr<const security::SigningKey> audit_signer{};
  // The audit log's signed head, outside the database (audit_head.h); empty: none kept,
  // and VerifyAuditChain cannot see the newest entries cut off.
  std::filesystem::path audit_head_file{};
};

class PostgresStore final : public Store {
 public:
  static constexpr int kKeptDay = -2'147'483'647 - 1;  // the reads_kept partition

  static Result<std::unique_ptr<PostgresStore>> Open(const PostgresOptions& options,
                                                     const Clock& clock);
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  int SchemaVersion() const override { return schema_version_; }

  Result<Done> RegisterCamera(const Camera& camera) override;
  Result<std::optional<Camera>> GetCamera(const std::string& id) override;
  Result<std::vector<CameraDistance>> CamerasNear(double latitude, double longitude,
                                                  double radius_m, int limit) override;
  Result<std::vector<Camera>> ListCameras(const std::string& after_id, int limit) override;

  Result<std::vector<InsertOutcome>> InsertReads(std::span<const SignedRead> batch,
                                                 TimePoint received_at) override;
  Result<std::optional<StoredRead>> GetRead(const std::string& event_id) override;
  Result<std::vector<StoredRead>> SearchReads(const ReadQuery& query) override;
  Result<std::vector<JourneyStop>> Journey(const std::string& plate, TimePoint from, TimePoint to,
                                           int limit) override;

  Result<Violation> CreateViolation(const std::string& event_id, const std::string& rule,
                                    TimePoint at) override;
  Result<Violation> RecordReview(std::int64_t violation_id, const ReviewEntry& review) override;
  Result<std::optional<Violation>> GetViolation(std::int64_t id) override;
  Result<Notice> IssueNotice(std::int64_t violation_id, std::int64_t amount_minor,
                             const std::string& currency, TimePoint at) override;
  Result<std::vector<Notice>> NoticesFor(std::int64_t violation_id) override;
  Result<std::vector<ViolationSummary>> ListViolations(const ViolationQuery& query) override;

  Result<Done> AddHotlistEntry(const HotlistEntry& entry) override;
  Result<Done> UpsertVehicle(const VehicleRecord& vehicle) override;
  Result<std::optional<VehicleRecord>> GetVehicle(const std::string& plate) override;

  Result<User> CreateUser(const User& user) override;
  Result<std::optional<User>> GetUser(std::int64_t id) override;
  Result<std::optional<User>> FindUser(const std::string& username) override;
  Result<std::vector<User>> ListUsers() override;
  Result<Done> UpdateUser(const User& user) override;
  Result<std::int64_t> CountUsers() override;

  Result<AuditEntry> AppendAudit(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> AuditFor(const std::string& subject) override;
  Result<std::vector<AuditEntry>> ListAudit(std::int64_t after_id, int limit) override;
  Result<Done> VerifyAuditChain(const security::PublicKey& audit_key) override;
  Result<StoreStatistics> Statistics(TimePoint from, TimePoint to,
                                     const std::vector<std::string>& audit_actions) override;

  Result<PurgeReport> PurgeExpired(const RetentionCutoffs& cutoffs) override;
  Result<bool> IsEvidenceReferenced(const std::string& sha256) override;

  // The day partitions that exist now, oldest first (tests prove retention drops them).
  Result<std::vector<int>> DayPartitions();
  // pg_database_size of the connected database (the bench reports size per read).
  Result<std::int64_t> DatabaseBytes();

 private:
  PostgresStore(std::unique_ptr<postgres::Connection> db,
                std::shared_ptr<const security::SigningKey> audit_signer);

  std::unique_ptr<postgres::Connection> db_;
  std::shared_ptr<const security::SigningKey> audit_signer_;
  std::set<int> known_days_;  // partitions this connection knows exist
  std::filesystem::path audit_head_file_;
  int schema_version_ = 0;
};

}  // namespace safelane::store
