#pragma once
// SqliteStore: the embedded Store backend. One data directory holds safelane.db (WAL
// mode, synchronous=NORMAL unless asked for FULL, foreign keys on); the evidence vault
// sits beside it (evidence_vault.h). The schema is migrated at open (sqlite_migrations.h).
// Not thread-safe: one SqliteStore per thread; SQLite serialises writers across them.

#include <filesystem>
#include <memory>

#include "security/ed25519.h"
#include "store/sqlite_db.h"
#include "store/store.h"

namespace safelane::store {

struct SqliteOptions {
  bool create = true;          // create the directory and database if missing
  int busy_timeout_ms = 5000;  // wait this long for another writer, [0, 600000] ms
  // Page cache per connection, [2, 4096] MiB. Ingest updates four indexes at random
  // positions; once they outgrow the cache each insert waits on page reads.
  int cache_mib = 64;
  // WAL size that triggers a checkpoint, [1, 1024] MiB. A page rewritten by many batches
  // between checkpoints is copied into the database once, not once per batch.
  int wal_checkpoint_mib = 64;
  // false (synchronous=NORMAL under WAL): a commit is not synced; the WAL is synced at
  // each checkpoint. A process crash loses nothing (the kernel holds the WAL); an OS crash
  // or power loss can lose the batches committed since the last sync (the kernel's
  // writeback delay, about 30 s by default) but never corrupts the database: recovery
  // stops at the first incomplete WAL frame. Such a lost batch was already acknowledged,
  // so the camera's spool has let it go; evidence objects are synced before their batch
  // either way. true (synchronous=FULL): every batch is synced before InsertReads returns,
  // at about one fdatasync a batch.
  bool sync_each_commit = false;
  // Signs each audit entry (audit_chain.h: AuditSigningKey(master)). Without it the store
  // reads and verifies the log but refuses to append to it.
  std::shared_ptr<const security::SigningKey> audit_signer{};
};

class SqliteStore final : public Store {
 public:
  static constexpr const char* kDatabaseFile = "safelane.db";

  static Result<std::unique_ptr<SqliteStore>> Open(const std::filesystem::path& data_dir,
                                                   const Clock& clock,
                                                   const SqliteOptions& options = {});

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;
  ~SqliteStore() override;

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

  // SQLite's query plan for a search, one step a line: lets tests prove that a wildcard
  // with a fixed prefix is served by the plate index, not a full scan.
  Result<std::string> ExplainSearch(const ReadQuery& query);
  // The same for IsEvidenceReferenced: proves each bucket is one probe of the address
  // index (sqlite_evidence_refs.h), not a scan.
  Result<std::string> ExplainEvidenceReferenced();

 private:
  SqliteStore(sqlite::Database db, std::shared_ptr<const security::SigningKey> audit_signer);

  Result<std::vector<ReviewEntry>> ReviewsOf(std::int64_t violation_id);
  Result<std::vector<EvidenceRef>> EvidenceOf(std::int64_t read_seq);

  struct IngestStatements;  // sqlite_store.cpp
  Result<IngestStatements*> PrepareIngest();

  sqlite::Database db_;
  std::shared_ptr<const security::SigningKey> audit_signer_;
  int schema_version_ = 0;
  std::unique_ptr<IngestStatements> ingest_;  // after db_: finalized before it closes
};

}  // namespace safelane::store
