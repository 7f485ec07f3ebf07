#pragma once
// Store: the contract every storage backend keeps (SQLite today: sqlite_store.h).
//
// - Ingest is batched and transactional: InsertReads writes every event of the batch
//   with its evidence references in one transaction, or nothing. It is idempotent by
//   event id (a repeated event is reported kDuplicate and changes nothing).
//   InsertReads trusts its input: signatures, hashes and field checks happen before it,
//   in Ingestor (ingestor.h), which is the only way events enter from outside.
// - Every failure comes back as an Error (kIo for the database, kBadRequest for a
//   request that cannot be served, e.g. a violation that does not exist).
// - Times are UTC; ranges are half-open [from, to).
// - A Store is used from one thread at a time; open one per thread or guard it.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/plate_pattern.h"
#include "store/store_types.h"

namespace safelane::store {

inline constexpr int kMaxQueryLimit = 10'000;  // rows one query may return

struct ReadQuery {
  std::optional<PlatePattern> plate{};  // exact plate, or a wildcard with a fixed prefix or not
  std::optional<TimePoint> from{};
  std::optional<TimePoint> to{};
  std::optional<std::string> camera_id{};
  std::optional<std::string> city{};
  std::optional<std::string> vehicle_class{};
  std::optional<std::string> colour{};
  int limit = 1000;  // [1, kMaxQueryLimit]; results are in captured_at order
};

// One stop of a vehicle's journey: a read and where its camera stands.
struct JourneyStop {
  std::string event_id;
  TimePoint captured_at;
  std::string camera_id;
  std::string camera_name;
  double latitude = 0.0;
  double longitude = 0.0;
  double heading_deg = 0.0;
};

struct CameraDistance {
  Camera camera;
  double distance_m = 0.0;  // great-circle distance from the query point, metres
};

// Instants before which data may go (computed from a RetentionPolicy and the clock).
struct RetentionCutoffs {
  TimePoint unmatched_reads_before;    // reads with no violation and no hotlist hit
  TimePoint closed_violations_before;  // violations whose case closed before this
};

struct PurgeReport {
  std::int64_t reads_deleted = 0;
  std::int64_t violations_deleted = 0;
  std::vector<std::string> evidence_released;  // content addresses no read refers to now
};

// The review queue's question: violations with one status (or any), paged by id.
enum class ListOrder { kOldestFirst, kNewestFirst };
struct ViolationQuery {
  std::optional<ViolationStatus> status{};  // none: every status
  std::int64_t after_id = 0;  // 0: from the first row; else the rows after it in `order`
  ListOrder order = ListOrder::kOldestFirst;
  int limit = 100;  // [1, kMaxQueryLimit]
};

// One row of the review queue: the violation and what its read shows.
struct ViolationSummary {
  std::int64_t id = 0;
  std::string rule;
  ViolationStatus status = ViolationStatus::kOpen;
  TimePoint created_at;
  std::string event_id;
  std::string camera_id;
  TimePoint captured_at;
  std::string plate;
};

// Counts over [from, to) for auditors: numbers only, never a plate or a single vehicle.
// Days are UTC days since 1970-01-01.
inline constexpr int kMaxStatisticsDays = 366;
struct StoreStatistics {
  struct CameraDay {
    std::string camera_id;
    std::int64_t day = 0;
    std::int64_t reads = 0;
  };
  struct RuleStatus {
    std::string rule;
    ViolationStatus status = ViolationStatus::kOpen;
    std::int64_t violations = 0;  // created within the range
  };
  struct ActorDay {
    std::string actor;
    std::string action;
    std::int64_t day = 0;
    std::int64_t entries = 0;
  };
  std::vector<CameraDay> reads_per_camera_day;         // by camera, then day
  std::vector<RuleStatus> violations_per_rule_status;  // by rule, then status name
  std::vector<ActorDay> audit_per_actor_day;           // by actor, action, day
};

class Store {
 public:
  virtual ~Store() = default;

  virtual int SchemaVersion() const = 0;

  // Cameras. RegisterCamera inserts or replaces the camera with that id.
  virtual Result<Done> RegisterCamera(const Camera& camera) = 0;
  virtual Result<std::optional<Camera>> GetCamera(const std::string& id) = 0;
  // Cameras within radius_m of the point, nearest first.
  virtual Result<std::vector<CameraDistance>> CamerasNear(double latitude, double longitude,
                                                          double radius_m, int limit) = 0;
  // Every camera, active or retired, with id > after_id in id order (the map).
  virtual Result<std::vector<Camera>> ListCameras(const std::string& after_id, int limit) = 0;

  // Reads.
  virtual Result<std::vector<InsertOutcome>> InsertReads(std::span<const SignedRead> batch,
                                                         TimePoint received_at) = 0;
  virtual Result<std::optional<StoredRead>> GetRead(const std::string& event_id) = 0;
  virtual Result<std::vector<StoredRead>> SearchReads(const ReadQuery& query) = 0;
  virtual Result<std::vector<JourneyStop>> Journey(const std::string& plate, TimePoint from,
                                                   TimePoint to, int limit) = 0;

  // Violations, their reviews and notices.
  virtual Result<Violation> CreateViolation(const std::string& event_id, const std::string& rule,
                                            TimePoint at) = 0;
  virtual Result<Violation> RecordReview(std::int64_t violation_id, const ReviewEntry& review) = 0;
  virtual Result<std::optional<Violation>> GetViolation(std::int64_t id) = 0;
  // Only a confirmed violation gets a notice.
  virtual Result<Notice> IssueNotice(std::int64_t violation_id, std::int64_t amount_minor,
                                     const std::string& currency, TimePoint at) = 0;
  virtual Result<std::vector<Notice>> NoticesFor(std::int64_t violation_id) = 0;
  // The review queue (sqlite_store_review.cpp, postgres_store_review.cpp).
  virtual Result<std::vector<ViolationSummary>> ListViolations(const ViolationQuery& query) = 0;

  // Hotlist and vehicle registry.
  virtual Result<Done> AddHotlistEntry(const HotlistEntry& entry) = 0;
  virtual Result<Done> UpsertVehicle(const VehicleRecord& vehicle) = 0;
  virtual Result<std::optional<VehicleRecord>> GetVehicle(const std::string& plate) = 0;

  // Users (accounts). Usernames are unique; CreateUser assigns the id and refuses a taken
  // username (kBadRequest). UpdateUser writes every field but id, username and
  // created_at; an unknown id is kBadRequest.
  virtual Result<User> CreateUser(const User& user) = 0;
  virtual Result<std::optional<User>> GetUser(std::int64_t id) = 0;
  virtual Result<std::optional<User>> FindUser(const std::string& username) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;  // by id
  virtual Result<Done> UpdateUser(const User& user) = 0;
  virtual Result<std::int64_t> CountUsers() = 0;

  // Audit log: append-only; never purged by retention. AppendAudit takes `at`, actor,
  // action, subject, detail, source and reason from `entry`, chains and signs it with the
  // audit key the store was opened with (a store opened without one refuses to append:
  // kBadConfig), and returns the stored entry.
  virtual Result<AuditEntry> AppendAudit(const AuditEntry& entry) = 0;
  virtual Result<std::vector<AuditEntry>> AuditFor(const std::string& subject) = 0;
  // Entries with id > after_id in id order, at most `limit` ([1, kMaxQueryLimit]).
  virtual Result<std::vector<AuditEntry>> ListAudit(std::int64_t after_id, int limit) = 0;
  // Walks the whole log: ids dense from 1, every hash recomputed, every signature checked
  // with `audit_key`. An error (kIo) names the first entry that fails and why.
  virtual Result<Done> VerifyAuditChain(const security::PublicKey& audit_key) = 0;

  // Statistics over [from, to), at most kMaxStatisticsDays long; audit entries are counted
  // only for the listed actions (e.g. "reads.search").
  virtual Result<StoreStatistics> Statistics(TimePoint from, TimePoint to,
                                             const std::vector<std::string>& audit_actions) = 0;

  // Retention (retention.h decides the cutoffs).
  virtual Result<PurgeReport> PurgeExpired(const RetentionCutoffs& cutoffs) = 0;
  // Whether any stored read refers to the object (the vault may delete it if not).
  virtual Result<bool> IsEvidenceReferenced(const std::string& sha256) = 0;
};

}  // namespace safelane::store
