// PostgresStore: opening, cameras, reads (day partitions), search and journeys. Cases,
// registries, users, audit and retention live in postgres_store_records.cpp.

#include "store/postgres_store.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "security/sha256.h"
#include "store/camera_rows.h"
#include "store/geo.h"
#include "store/postgres_common.h"
#include "store/postgres_migrations.h"
#include "store/validation.h"

namespace safelane::store {

using postgres::Bytea;
using postgres::CopyBytes;
using postgres::Fenced;

namespace {

constexpr std::int64_t kIngestLock = 0x5afe1a4e0002;  // serialises InsertReads
constexpr std::size_t kInsertChunk = 500;             // rows one INSERT statement carries

constexpr const char* kReadColumns =
    "r.event_id, r.camera_id, r.captured_at, r.received_at, r.plate, r.confidence, r.country,"
    " r.vehicle_class, r.colour, r.hotlist_hit, r.signature, r.track_id, r.track_first_seen,"
    " r.track_last_seen, r.track_frames, r.track_frames_agreed, r.track_direction,"
    " r.evidence_roles, r.evidence_sha256, r.evidence_sizes, r.lane";

// Parses a one-dimensional array of plain elements (roles, hex digests, numbers: none
// needs quoting) from PostgreSQL's text form "{a,b,c}".
std::vector<std::string> ArrayElements(const pqxx::field& f) {
  std::vector<std::string> out;
  std::string text = f.c_str();
  if (text.size() < 2) return out;
  text = text.substr(1, text.size() - 2);
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::size_t end = comma == std::string::npos ? text.size() : comma;
    std::string element = text.substr(start, end - start);
    if (element.size() >= 2 && element.front() == '"')
      element = element.substr(1, element.size() - 2);
    out.push_back(element);
    start = end + 1;
  }
  return out;
}

// Builds an array literal; every element is quoted (ids may spell NULL).
std::string ArrayLiteral(const std::vector<std::string>& elements) {
  std::string out = "{";
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out += ',';
    out += '"' + elements[i] + '"';
  }
  return out + "}";
}

StoredRead ReadRow(const pqxx::row& r) {
  StoredRead out;
  ReadEvent& e = out.event;
  e.event_id = r[0].as<std::string>();
  e.camera_id = r[1].as<std::string>();
  e.captured_at = FromMillis(r[2].as<std::int64_t>());
  out.received_at = FromMillis(r[3].as<std::int64_t>());
  e.plate = r[4].as<std::string>();
  e.confidence = r[5].as<double>();
  e.country = r[6].as<std::string>();
  e.vehicle_class = r[7].as<std::string>();
  e.colour = r[8].as<std::string>();
  out.hotlist_hit = r[9].as<bool>();
  CopyBytes(r[10], out.signature);
  if (!r[11].is_null()) {
    e.track = Track{r[11].as<std::string>(),
                    FromMillis(r[12].as<std::int64_t>()),
                    FromMillis(r[13].as<std::int64_t>()),
                    r[14].as<int>(),
                    r[15].as<int>(),
                    r[16].as<std::string>()};
  }
  const auto roles = ArrayElements(r[17]);
  const auto hashes = ArrayElements(r[18]);
  const auto sizes = ArrayElements(r[19]);
  for (std::size_t i = 0; i < roles.size() && i < hashes.size() && i < sizes.size(); ++i) {
    e.evidence.push_back({roles[i], hashes[i], std::stoull(sizes[i])});
  }
  if (!r[20].is_null()) e.lane = r[20].as<std::string>();
  return out;
}

Result<Done> CheckLimit(int limit) {
  if (limit < 1 || limit > kMaxQueryLimit) {
    return Error(ErrorCode::kBadRequest, "limit must be within [1, 10000]");
  }
  return Done{};
}

int DayOf(TimePoint t) {
  return static_cast<int>(std::chrono::floor<std::chrono::days>(t).time_since_epoch().count());
}

// PlatePattern's GLOB form as LIKE: plates hold only A-Z 0-9, so nothing needs escaping.
std::string LikePattern(const PlatePattern& p) {
  std::string like = p.glob();
  std::replace(like.begin(), like.end(), '?', '_');
  std::replace(like.begin(), like.end(), '*', '%');
  return like;
}

}  // namespace

PostgresStore::PostgresStore(std::unique_ptr<postgres::Connection> db,
                             std::shared_ptr<const security::SigningKey> audit_signer)
    : db_(std::move(db)), audit_signer_(std::move(audit_signer)) {}

PostgresStore::~PostgresStore() = default;

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const PostgresOptions& options,
                                                           const Clock& clock) {
  if (options.conninfo.empty()) {
    return Error(ErrorCode::kBadConfig, "PostgreSQL connection string is empty");
  }
  std::unique_ptr<postgres::Connection> db;
  try {
    db = std::make_unique<postgres::Connection>(options.conninfo);
  } catch (const std::exception& e) {
    return Error(ErrorCode::kIo, std::string("cannot connect to PostgreSQL: ") + e.what());
  }
  auto version = postgres::ApplyMigrations(db->conn, clock.Now());
  if (!version) return version.error();
  std::unique_ptr<PostgresStore> store(new PostgresStore(std::move(db), options.audit_signer));
  store->schema_version_ = *version;
  store->audit_head_file_ = options.audit_head_file;
  return store;
}

Result<Done> PostgresStore::RegisterCamera(const Camera& c) {
  if (auto v = ValidateCamera(c); !v) return v.error();
  return Fenced([&]() -> Result<Done> {
    pqxx::work tx(db_->conn);
    tx.exec_params(
        "INSERT INTO cameras (id, name, latitude, longitude, heading_deg, city, status,"
        " public_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET"
        " name = excluded.name, latitude = excluded.latitude, longitude = excluded.longitude,"
        " heading_deg = excluded.heading_deg, city = excluded.city, status = excluded.status,"
        " public_key = excluded.public_key",
        c.id, c.name, c.latitude, c.longitude, c.heading_deg, c.city,
        std::string(c.status == CameraStatus::kRetired ? "retired" : "active"),
        Bytea(c.public_key));
    tx.commit();
    return Done{};
  });
}

Result<std::optional<Camera>> PostgresStore::GetCamera(const std::string& id) {
  return Fenced([&]() -> Result<std::optional<Camera>> {
    pqxx::read_transaction tx(db_->conn);
    const auto r =
        tx.exec_params(std::string("SELECT ") + kCameraColumns + " FROM cameras WHERE id = $1", id);
    if (r.empty()) return std::optional<Camera>();
    return std::optional<Camera>(CameraRow(r[0]));
  });
}

Result<std::vector<CameraDistance>> PostgresStore::CamerasNear(double latitude, double longitude,
                                                               double radius_m, int limit) {
  if (auto r = CheckNearRequest(latitude, longitude, radius_m, limit); !r) return r.error();
  const GeoBox box = BoxAround(latitude, longitude, radius_m);
  return Fenced([&]() -> Result<std::vector<CameraDistance>> {
    pqxx::read_transaction tx(db_->conn);
    const std::string sql = std::string("SELECT ") + kCameraColumns +
                            " FROM cameras WHERE latitude BETWEEN $1 AND $2" +
                            (box.lon_bounded ? " AND longitude BETWEEN $3 AND $4" : "");
    const auto rows = box.lon_bounded
                          ? tx.exec_params(sql, box.lat_min, box.lat_max, box.lon_min, box.lon_max)
                          : tx.exec_params(sql, box.lat_min, box.lat_max);
    std::vector<Camera> candidates;
    for (const auto& row : rows) candidates.push_back(CameraRow(row));
    return NearestWithin(std::move(candidates), latitude, longitude, radius_m, limit);
  });
}

Result<std::vector<InsertOutcome>> PostgresStore::InsertReads(std::span<const SignedRead> batch,
                                                              TimePoint received_at) {
  return Fenced([&]() -> Result<std::vector<InsertOutcome>> {
    std::set<int> new_days;
    for (const SignedRead& read : batch) {
      const int day = DayOf(read.event.captured_at);
      if (known_days_.count(day) == 0) new_days.insert(day);
    }
    // A partition is created in its own transaction: CREATE TABLE takes a lock on the
    // parent that would otherwise be held for the whole batch.
    for (const int day : new_days) {
      pqxx::work tx(db_->conn);
      tx.exec_params("SELECT pg_advisory_xact_lock($1)", kIngestLock);
      tx.exec("CREATE TABLE IF NOT EXISTS " + postgres::PartitionName(day) +
              " PARTITION OF reads FOR VALUES FROM (" + std::to_string(day) + ") TO (" +
              std::to_string(day + 1) + ")");
      tx.commit();
      known_days_.insert(day);
    }
    pqxx::work tx(db_->conn);
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kIngestLock);
    std::vector<std::string> ids;
    std::vector<std::string> plates;
    for (const SignedRead& read : batch) {
      ids.push_back(read.event.event_id);
      plates.push_back(read.event.plate);
    }
    std::map<std::string, security::Signature> stored;
    for (const auto& row :
         tx.exec_params("SELECT event_id, signature FROM reads WHERE event_id = ANY($1::text[])",
                        ArrayLiteral(ids))) {
      CopyBytes(row[1], stored[row[0].as<std::string>()]);
    }
    std::set<std::string> hot;
    for (const auto& row :
         tx.exec_params("SELECT plate FROM hotlist WHERE plate = ANY($1::text[]) AND added_at <= $2"
                        " AND (expires_at IS NULL OR expires_at > $2)",
                        ArrayLiteral(plates), ToMillis(received_at))) {
      hot.insert(row[0].as<std::string>());
    }
    // The new reads go in as multi-row INSERTs of kInsertChunk rows: one round trip a
    // chunk, not one a read. Values are quoted by libpq (PQescapeLiteral), never pasted.
    std::vector<InsertOutcome> outcomes;
    outcomes.reserve(batch.size());
    std::string values;
    std::size_t rows = 0;
    auto flush = [&] {
      if (rows == 0) return;
      tx.exec(
          "INSERT INTO reads (day, event_id, camera_id, captured_at, received_at, plate,"
          " confidence, country, vehicle_class, colour, hotlist_hit, signature, evidence_roles,"
          " evidence_sha256, evidence_sizes, track_id, track_first_seen, track_last_seen,"
          " track_frames, track_frames_agreed, track_direction, lane) VALUES " +
          values);
      values.clear();
      rows = 0;
    };
    for (const SignedRead& read : batch) {
      const ReadEvent& e = read.event;
      if (const auto it = stored.find(e.event_id); it != stored.end()) {
        outcomes.push_back(it->second == read.signature ? InsertOutcome::kDuplicate
                                                        : InsertOutcome::kConflict);
        continue;
      }
      std::vector<std::string> roles;
      std::vector<std::string> hashes;
      std::vector<std::string> sizes;
      for (const EvidenceRef& ref : e.evidence) {
        roles.push_back(ref.role);
        hashes.push_back(ref.sha256);
        sizes.push_back(std::to_string(ref.size_bytes));
      }
      values += rows == 0 ? "(" : ",(";
      values += std::to_string(DayOf(e.captured_at)) + "," + tx.quote(e.event_id) + "," +
                tx.quote(e.camera_id) + "," + std::to_string(ToMillis(e.captured_at)) + "," +
                std::to_string(ToMillis(received_at)) + "," + tx.quote(e.plate) + "," +
                pqxx::to_string(e.confidence) + "::float8," + tx.quote(e.country) + "," +
                tx.quote(e.vehicle_class) + "," + tx.quote(e.colour) + "," +
                (hot.count(e.plate) > 0 ? "true," : "false,") +
                tx.quote_raw(read.signature.data(), read.signature.size()) + "," +
                tx.quote(ArrayLiteral(roles)) + "::text[]," + tx.quote(ArrayLiteral(hashes)) +
                "::text[]," + tx.quote(ArrayLiteral(sizes)) + "::bigint[],";
      if (e.track) {
        const Track& t = *e.track;
        values += tx.quote(t.id) + "," + std::to_string(ToMillis(t.first_seen)) + "," +
                  std::to_string(ToMillis(t.last_seen)) + "," + std::to_string(t.frames) + "," +
                  std::to_string(t.frames_agreed) + "," + tx.quote(t.direction) + ",";
      } else {
        values += "NULL,NULL,NULL,NULL,NULL,NULL,";
      }
      values += (e.lane.empty() ? std::string("NULL") : tx.quote(e.lane)) + ")";
      if (++rows == kInsertChunk) flush();
      stored[e.event_id] = read.signature;  // a repeat within the batch is a duplicate
      outcomes.push_back(InsertOutcome::kInserted);
    }
    flush();
    tx.commit();
    return outcomes;
  });
}

Result<std::optional<StoredRead>> PostgresStore::GetRead(const std::string& event_id) {
  return Fenced([&]() -> Result<std::optional<StoredRead>> {
    pqxx::read_transaction tx(db_->conn);
    const auto r = tx.exec_params(
        std::string("SELECT ") + kReadColumns + " FROM reads r WHERE r.event_id = $1", event_id);
    if (r.empty()) return std::optional<StoredRead>();
    return std::optional<StoredRead>(ReadRow(r[0]));
  });
}

Result<std::vector<StoredRead>> PostgresStore::SearchReads(const ReadQuery& q) {
  if (auto l = CheckLimit(q.limit); !l) return l.error();
  // Parameters go in as text with a cast in the SQL, so one vector serves every shape.
  std::vector<std::string> params;
  std::string where;
  auto add = [&](const std::string& condition, std::string value) {
    params.push_back(std::move(value));
    std::string c = condition;
    const std::size_t at = c.find('?');
    c.replace(at, 1, "$" + std::to_string(params.size()));
    where += where.empty() ? " WHERE " : " AND ";
    where += c;
  };
  if (q.plate) {
    const PlatePattern& p = *q.plate;
    if (p.is_exact()) {
      add("r.plate = ?", p.text());
    } else {
      if (!p.fixed_prefix().empty()) {
        add("r.plate >= ?", p.fixed_prefix());
        add("r.plate < ?", p.PrefixEnd());
      }
      add("r.plate LIKE ?", LikePattern(p));
    }
  }
  if (q.from) add("r.captured_at >= ?::bigint", std::to_string(ToMillis(*q.from)));
  if (q.to) add("r.captured_at < ?::bigint", std::to_string(ToMillis(*q.to)));
  if (q.camera_id) add("r.camera_id = ?", *q.camera_id);
  if (q.city) add("r.camera_id IN (SELECT id FROM cameras WHERE city = ?)", *q.city);
  if (q.vehicle_class) add("r.vehicle_class = ?", *q.vehicle_class);
  if (q.colour) add("r.colour = ?", *q.colour);
  const std::string sql = std::string("SELECT ") + kReadColumns + " FROM reads r" + where +
                          " ORDER BY r.captured_at, r.seq LIMIT " + std::to_string(q.limit);
  return Fenced([&]() -> Result<std::vector<StoredRead>> {
    pqxx::read_transaction tx(db_->conn);
    std::vector<StoredRead> out;
    for (const auto& row : tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params))) {
      out.push_back(ReadRow(row));
    }
    return out;
  });
}

Result<std::vector<JourneyStop>> PostgresStore::Journey(const std::string& plate, TimePoint from,
                                                        TimePoint to, int limit) {
  if (auto l = CheckLimit(limit); !l) return l.error();
  if (!IsValidPlate(plate)) return Error(ErrorCode::kBadRequest, "plate must be 1-16 of A-Z 0-9");
  return Fenced([&]() -> Result<std::vector<JourneyStop>> {
    pqxx::read_transaction tx(db_->conn);
    std::vector<JourneyStop> stops;
    for (const auto& r : tx.exec_params(
             "SELECT r.event_id, r.captured_at, r.camera_id, c.name, c.latitude, c.longitude,"
             " c.heading_deg FROM reads r JOIN cameras c ON c.id = r.camera_id"
             " WHERE r.plate = $1 AND r.captured_at >= $2 AND r.captured_at < $3"
             " ORDER BY r.captured_at, r.seq LIMIT $4",
             plate, ToMillis(from), ToMillis(to), limit)) {
      stops.push_back({r[0].as<std::string>(), FromMillis(r[1].as<std::int64_t>()),
                       r[2].as<std::string>(), r[3].as<std::string>(), r[4].as<double>(),
                       r[5].as<double>(), r[6].as<double>()});
    }
    return stops;
  });
}

Result<bool> PostgresStore::IsEvidenceReferenced(const std::string& sha256) {
  if (!security::IsSha256Hex(sha256)) {
    return Error(ErrorCode::kBadRequest, "not a SHA-256 content address: '" + sha256 + "'");
  }
  return Fenced([&]() -> Result<bool> {
    pqxx::read_transaction tx(db_->conn);
    return !tx.exec_params("SELECT 1 FROM reads WHERE evidence_sha256 @> ARRAY[$1::text] LIMIT 1",
                           sha256)
                .empty();
  });
}

Result<std::int64_t> PostgresStore::DatabaseBytes() {
  return Fenced([&]() -> Result<std::int64_t> {
    pqxx::read_transaction tx(db_->conn);
    return tx.exec1("SELECT pg_database_size(current_database())")[0].as<std::int64_t>();
  });
}

Result<std::vector<int>> PostgresStore::DayPartitions() {
  return Fenced([&]() -> Result<std::vector<int>> {
    pqxx::read_transaction tx(db_->conn);
    std::vector<int> days;
    for (const auto& r :
         tx.exec("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                 " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'reads'")) {
      if (auto day = postgres::PartitionDay(r[0].as<std::string>())) days.push_back(*day);
    }
    std::sort(days.begin(), days.end());
    return days;
  });
}

}  // namespace safelane::store
