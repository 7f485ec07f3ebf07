// PostgresStore: violations, reviews and notices; hotlist and vehicles; users; the signed
// audit log; the retention purge that drops whole day partitions.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "store/audit_chain.h"
#include "store/audit_head.h"
#include "store/postgres_common.h"
#include "store/postgres_store.h"
#include "store/validation.h"

namespace safelane::store {

using postgres::Bytea;
using postgres::CopyBytes;
using postgres::Fenced;
using postgres::NullableMillis;
using postgres::OptionalMillis;

namespace {

constexpr std::int64_t kAuditLock = 0x5afe1a4e0003;  // serialises AppendAudit

bool IsRuleName(const std::string& rule) {
  return !rule.empty() && rule.size() <= 64 && std::all_of(rule.begin(), rule.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Error NoViolation(std::int64_t id) {
  return {ErrorCode::kBadRequest, "no violation " + std::to_string(id)};
}

std::optional<Violation> LoadViolation(pqxx::transaction_base& tx, std::int64_t id) {
  const auto r = tx.exec_params(
      "SELECT id, event_id, rule, status, created_at, closed_at FROM violations WHERE id = $1", id);
  if (r.empty()) return std::nullopt;
  Violation v;
  v.id = r[0][0].as<std::int64_t>();
  v.event_id = r[0][1].as<std::string>();
  v.rule = r[0][2].as<std::string>();
  v.status = ParseViolationStatus(r[0][3].as<std::string>()).value_or(ViolationStatus::kOpen);
  v.created_at = FromMillis(r[0][4].as<std::int64_t>());
  v.closed_at = OptionalMillis(r[0][5]);
  for (const auto& row : tx.exec_params(
           "SELECT at, reviewer, outcome, note FROM violation_reviews WHERE violation_id = $1"
           " ORDER BY seq",
           id)) {
    v.reviews.push_back(
        {FromMillis(row[0].as<std::int64_t>()), row[1].as<std::string>(),
         ParseViolationStatus(row[2].as<std::string>()).value_or(ViolationStatus::kOpen),
         row[3].as<std::string>()});
  }
  return v;
}

constexpr const char* kUserColumns =
    "id, username, display_name, role, password_hash, totp_secret_sealed, mfa_enabled, disabled,"
    " failed_logins, locked_until, created_at, last_login_at, totp_last_step";

User UserRow(const pqxx::row& r) {
  User u;
  u.id = r[0].as<std::int64_t>();
  u.username = r[1].as<std::string>();
  u.display_name = r[2].as<std::string>();
  u.role = r[3].as<std::string>();
  u.password_hash = r[4].as<std::string>();
  const pqxx::binarystring sealed(r[5]);
  u.totp_secret_sealed = sealed.str();
  u.mfa_enabled = r[6].as<bool>();
  u.disabled = r[7].as<bool>();
  u.failed_logins = r[8].as<int>();
  u.locked_until = OptionalMillis(r[9]);
  u.created_at = FromMillis(r[10].as<std::int64_t>());
  u.last_login_at = OptionalMillis(r[11]);
  u.totp_last_step = r[12].as<std::int64_t>();
  return u;
}

pqxx::binarystring SealedBytes(const User& u) {
  return pqxx::binarystring(u.totp_secret_sealed);
}

constexpr const char* kAuditColumns =
    "id, at, actor, action, subject, detail, source, reason, hash, signature";

AuditEntry AuditRow(const pqxx::row& r) {
  AuditEntry e{r[0].as<std::int64_t>(), FromMillis(r[1].as<std::int64_t>()),
               r[2].as<std::string>(),  r[3].as<std::string>(),
               r[4].as<std::string>(),  r[5].as<std::string>(),
               r[6].as<std::string>(),  r[7].as<std::string>(),
               r[8].as<std::string>(),  {}};
  CopyBytes(r[9], e.signature);  // NULL stays all zero: never verifies
  return e;
}

}  // namespace

// ---- Violations, reviews, notices ----

Result<Violation> PostgresStore::CreateViolation(const std::string& event_id,
                                                 const std::string& rule, TimePoint at) {
  if (!IsRuleName(rule)) return Error(ErrorCode::kBadRequest, "rule must be 1-64 of a-z 0-9 _");
  return Fenced([&]() -> Result<Violation> {
    pqxx::work tx(db_->conn);
    if (tx.exec_params("SELECT 1 FROM reads WHERE event_id = $1", event_id).empty()) {
      return Error(ErrorCode::kBadRequest, "no read with event id '" + event_id + "'");
    }
    const auto id = tx.exec_params1(
                          "INSERT INTO violations (event_id, rule, status, created_at)"
                          " VALUES ($1, $2, 'open', $3) RETURNING id",
                          event_id, rule, ToMillis(at))[0]
                        .as<std::int64_t>();
    auto v = LoadViolation(tx, id);
    tx.commit();
    return std::move(*v);
  });
}

Result<std::optional<Violation>> PostgresStore::GetViolation(std::int64_t id) {
  return Fenced([&]() -> Result<std::optional<Violation>> {
    pqxx::read_transaction tx(db_->conn);
    return LoadViolation(tx, id);
  });
}

Result<Violation> PostgresStore::RecordReview(std::int64_t violation_id,
                                              const ReviewEntry& review) {
  if (review.reviewer.empty() || review.reviewer.size() > 100) {
    return Error(ErrorCode::kBadRequest, "reviewer must be 1-100 bytes");
  }
  if (review.note.size() > 2000) {
    return Error(ErrorCode::kBadRequest, "note longer than 2000 bytes");
  }
  return Fenced([&]() -> Result<Violation> {
    pqxx::work tx(db_->conn);
    tx.exec_params("SELECT 1 FROM violations WHERE id = $1 FOR UPDATE", violation_id);
    auto current = LoadViolation(tx, violation_id);
    if (!current) return NoViolation(violation_id);
    if (IsTerminal(current->status)) {
      return Error(ErrorCode::kBadRequest, "violation " + std::to_string(violation_id) + " is " +
                                               std::string(ViolationStatusName(current->status)) +
                                               "; a closed case takes no further reviews");
    }
    const std::string outcome(ViolationStatusName(review.outcome));
    tx.exec_params(
        "INSERT INTO violation_reviews (violation_id, seq, at, reviewer, outcome, note)"
        " VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM violation_reviews"
        " WHERE violation_id = $1), $2, $3, $4, $5)",
        violation_id, ToMillis(review.at), review.reviewer, outcome, review.note);
    const std::optional<TimePoint> closed =
        IsTerminal(review.outcome) ? std::optional<TimePoint>(review.at) : std::nullopt;
    tx.exec_params("UPDATE violations SET status = $1, closed_at = $2::bigint WHERE id = $3",
                   outcome, NullableMillis(closed).get(), violation_id);
    auto updated = LoadViolation(tx, violation_id);
    tx.commit();
    return std::move(*updated);
  });
}

Result<Notice> PostgresStore::IssueNotice(std::int64_t violation_id, std::int64_t amount_minor,
                                          const std::string& currency, TimePoint at) {
  if (amount_minor <= 0) return Error(ErrorCode::kBadRequest, "notice amount must be positive");
  if (currency.size() != 3 ||
      !std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return Error(ErrorCode::kBadRequest, "currency must be an ISO 4217 code such as UZS");
  }
  return Fenced([&]() -> Result<Notice> {
    pqxx::work tx(db_->conn);
    tx.exec_params("SELECT 1 FROM violations WHERE id = $1 FOR UPDATE", violation_id);
    auto violation = LoadViolation(tx, violation_id);
    if (!violation) return NoViolation(violation_id);
    if (violation->status != ViolationStatus::kConfirmed) {
      return Error(ErrorCode::kBadRequest,
                   "violation " + std::to_string(violation_id) +
                       " is not confirmed; only confirmed cases get notices");
    }
    const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(at)};
    const int year = static_cast<int>(date.year());
    const auto sequence = tx.exec_params1(
                                "INSERT INTO notice_counters (year, last) VALUES ($1, 1)"
                                " ON CONFLICT (year) DO UPDATE SET last = notice_counters.last + 1"
                                " RETURNING last",
                                year)[0]
                              .as<std::int64_t>();
    char number[40];
    std::snprintf(number, sizeof number, "SL-%04d-%06lld", year, static_cast<long long>(sequence));
    Notice notice{number, violation_id, at, amount_minor, currency};
    tx.exec_params(
        "INSERT INTO notices (number, violation_id, issued_at, amount_minor, currency)"
        " VALUES ($1, $2, $3, $4, $5)",
        notice.number, violation_id, ToMillis(at), amount_minor, currency);
    tx.commit();
    return notice;
  });
}

Result<std::vector<Notice>> PostgresStore::NoticesFor(std::int64_t violation_id) {
  return Fenced([&]() -> Result<std::vector<Notice>> {
    pqxx::read_transaction tx(db_->conn);
    std::vector<Notice> out;
    for (const auto& r : tx.exec_params(
             "SELECT number, violation_id, issued_at, amount_minor, currency FROM notices"
             " WHERE violation_id = $1 ORDER BY number",
             violation_id)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::int64_t>(),
                     FromMillis(r[2].as<std::int64_t>()), r[3].as<std::int64_t>(),
                     r[4].as<std::string>()});
    }
    return out;
  });
}

// ---- Hotlist and vehicles ----

Result<Done> PostgresStore::AddHotlistEntry(const HotlistEntry& h) {
  if (auto v = ValidateHotlistEntry(h); !v) return v.error();
  return Fenced([&]() -> Result<Done> {
    pqxx::work tx(db_->conn);
    tx.exec_params(
        "INSERT INTO hotlist (plate, reason, added_at, expires_at) VALUES ($1, $2, $3, $4::bigint)"
        " ON CONFLICT (plate) DO UPDATE SET reason = excluded.reason,"
        " added_at = excluded.added_at, expires_at = excluded.expires_at",
        h.plate, h.reason, ToMillis(h.added_at), NullableMillis(h.expires_at).get());
    tx.commit();
    return Done{};
  });
}

Result<Done> PostgresStore::UpsertVehicle(const VehicleRecord& v) {
  if (auto ok = ValidateVehicle(v); !ok) return ok.error();
  return Fenced([&]() -> Result<Done> {
    pqxx::work tx(db_->conn);
    tx.exec_params(
        "INSERT INTO vehicles (plate, make, model, colour, owner_ref) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (plate) DO UPDATE SET make = excluded.make, model = excluded.model,"
        " colour = excluded.colour, owner_ref = excluded.owner_ref",
        v.plate, v.make, v.model, v.colour, v.owner_ref);
    tx.commit();
    return Done{};
  });
}

Result<std::optional<VehicleRecord>> PostgresStore::GetVehicle(const std::string& plate) {
  return Fenced([&]() -> Result<std::optional<VehicleRecord>> {
    pqxx::read_transaction tx(db_->conn);
    const auto r = tx.exec_params(
        "SELECT plate, make, model, colour, owner_ref FROM vehicles WHERE plate = $1", plate);
    if (r.empty()) return std::optional<VehicleRecord>();
    return std::optional<VehicleRecord>(VehicleRecord{
        r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<std::string>(),
        r[0][3].as<std::string>(), r[0][4].as<std::string>()});
  });
}

// ---- Users ----

Result<User> PostgresStore::CreateUser(const User& user) {
  if (auto v = ValidateUser(user); !v) return v.error();
  return Fenced([&]() -> Result<User> {
    pqxx::work tx(db_->conn);
    const auto r = tx.exec_params(
        "INSERT INTO users (display_name, role, password_hash, totp_secret_sealed, mfa_enabled,"
        " disabled, failed_logins, locked_until, last_login_at, username, created_at,"
        " totp_last_step)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::bigint, $9::bigint, $10, $11, $12)"
        " ON CONFLICT (username) DO NOTHING RETURNING id",
        user.display_name, user.role, user.password_hash, SealedBytes(user), user.mfa_enabled,
        user.disabled, user.failed_logins, NullableMillis(user.locked_until).get(),
        NullableMillis(user.last_login_at).get(), user.username, ToMillis(user.created_at),
        user.totp_last_step);
    if (r.empty())
      return Error(ErrorCode::kBadRequest, "username '" + user.username + "' is taken");
    User created = user;
    created.id = r[0][0].as<std::int64_t>();
    tx.commit();
    return created;
  });
}

Result<std::optional<User>> PostgresStore::GetUser(std::int64_t id) {
  return Fenced([&]() -> Result<std::optional<User>> {
    pqxx::read_transaction tx(db_->conn);
    const auto r =
        tx.exec_params(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1", id);
    if (r.empty()) return std::optional<User>();
    return std::optional<User>(UserRow(r[0]));
  });
}

Result<std::optional<User>> PostgresStore::FindUser(const std::string& username) {
  return Fenced([&]() -> Result<std::optional<User>> {
    pqxx::read_transaction tx(db_->conn);
    const auto r = tx.exec_params(
        std::string("SELECT ") + kUserColumns + " FROM users WHERE username = $1", username);
    if (r.empty()) return std::optional<User>();
    return std::optional<User>(UserRow(r[0]));
  });
}

Result<std::vector<User>> PostgresStore::ListUsers() {
  return Fenced([&]() -> Result<std::vector<User>> {
    pqxx::read_transaction tx(db_->conn);
    std::vector<User> out;
    for (const auto& r :
         tx.exec(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY id")) {
      out.push_back(UserRow(r));
    }
    return out;
  });
}

Result<Done> PostgresStore::UpdateUser(const User& user) {
  if (auto v = ValidateUser(user); !v) return v.error();
  return Fenced([&]() -> Result<Done> {
    pqxx::work tx(db_->conn);
    const auto r = tx.exec_params(
        "UPDATE users SET display_name = $1, role = $2, password_hash = $3,"
        " totp_secret_sealed = $4, mfa_enabled = $5, disabled = $6, failed_logins = $7,"
        " locked_until = $8::bigint, last_login_at = $9::bigint, totp_last_step = $11"
        " WHERE id = $10",
        user.display_name, user.role, user.password_hash, SealedBytes(user), user.mfa_enabled,
        user.disabled, user.failed_logins, NullableMillis(user.locked_until).get(),
        NullableMillis(user.last_login_at).get(), user.id, user.totp_last_step);
    if (r.affected_rows() == 0) {
      return Error(ErrorCode::kBadRequest, "no user " + std::to_string(user.id));
    }
    tx.commit();
    return Done{};
  });
}

Result<std::int64_t> PostgresStore::CountUsers() {
  return Fenced([&]() -> Result<std::int64_t> {
    pqxx::read_transaction tx(db_->conn);
    return tx.exec1("SELECT count(*) FROM users")[0].as<std::int64_t>();
  });
}

// ---- Audit ----

Result<AuditEntry> PostgresStore::AppendAudit(const AuditEntry& request) {
  if (auto v = ValidateAuditEntry(request); !v) return v.error();
  if (!audit_signer_) {
    return Error(ErrorCode::kBadConfig,
                 "the store was opened without the audit signing key: cannot append to the "
                 "audit log");
  }
  return Fenced([&]() -> Result<AuditEntry> {
    pqxx::work tx(db_->conn);
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kAuditLock);
    const auto last = tx.exec("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    AuditEntry entry = request;
    entry.id = last.empty() ? 1 : last[0][0].as<std::int64_t>() + 1;
    const std::string previous = last.empty() ? std::string() : last[0][1].as<std::string>();
    SealAuditEntry(previous, *audit_signer_, entry);
    tx.exec_params(
        "INSERT INTO audit_log (id, at, actor, action, subject, detail, source, reason, hash,"
        " signature) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        entry.id, ToMillis(entry.at), entry.actor, entry.action, entry.subject, entry.detail,
        entry.source, entry.reason, entry.hash, Bytea(entry.signature));
    tx.commit();
    // After the commit, so the head never names an entry the log does not hold.
    if (!audit_head_file_.empty()) {
      if (auto r = WriteAuditHead(audit_head_file_, *audit_signer_, entry); !r) {
        return Error(ErrorCode::kIo,
                     "audit entry " + std::to_string(entry.id) +
                         " was written but its signed head was not: " + r.error().message);
      }
    }
    return entry;
  });
}

Result<std::vector<AuditEntry>> PostgresStore::AuditFor(const std::string& subject) {
  return Fenced([&]() -> Result<std::vector<AuditEntry>> {
    pqxx::read_transaction tx(db_->conn);
    std::vector<AuditEntry> out;
    for (const auto& r : tx.exec_params(std::string("SELECT ") + kAuditColumns +
                                            " FROM audit_log WHERE subject = $1 ORDER BY id",
                                        subject)) {
      out.push_back(AuditRow(r));
    }
    return out;
  });
}

Result<std::vector<AuditEntry>> PostgresStore::ListAudit(std::int64_t after_id, int limit) {
  if (limit < 1 || limit > kMaxQueryLimit) {
    return Error(ErrorCode::kBadRequest, "limit must be within [1, 10000]");
  }
  return Fenced([&]() -> Result<std::vector<AuditEntry>> {
    pqxx::read_transaction tx(db_->conn);
    std::vector<AuditEntry> out;
    for (const auto& r : tx.exec_params(std::string("SELECT ") + kAuditColumns +
                                            " FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
                                        after_id, limit)) {
      out.push_back(AuditRow(r));
    }
    return out;
  });
}

Result<Done> PostgresStore::VerifyAuditChain(const security::PublicKey& audit_key) {
  return Fenced([&]() -> Result<Done> {
    pqxx::read_transaction tx(db_->conn);
    AuditChainVerifier verifier(audit_key);
    if (!audit_head_file_.empty()) {
      if (auto h = ExpectAuditHead(audit_head_file_, audit_key, verifier); !h) return h.error();
    }
    // Pages of 10,000 so a long log never sits in memory whole.
    std::int64_t after = 0;
    for (;;) {
      const auto page = tx.exec_params(std::string("SELECT ") + kAuditColumns +
                                           " FROM audit_log WHERE id > $1 ORDER BY id LIMIT 10000",
                                       after);
      for (const auto& r : page) {
        if (auto ok = verifier.Next(AuditRow(r)); !ok) return ok.error();
        after = r[0].as<std::int64_t>();
      }
      if (page.size() < 10'000) return verifier.Finish();
    }
  });
}

// ---- Retention ----

Result<PurgeReport> PostgresStore::PurgeExpired(const RetentionCutoffs& cutoffs) {
  return Fenced([&]() -> Result<PurgeReport> {
    PurgeReport report;
    const std::int64_t reads_before = ToMillis(cutoffs.unmatched_reads_before);
    // What a read must not lose: a violation that refers to it, or a hotlist hit.
    const std::string needed =
        "(r.hotlist_hit OR EXISTS (SELECT 1 FROM violations v WHERE v.event_id = r.event_id))";
    pqxx::work tx(db_->conn);
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", std::int64_t{0x5afe1a4e0002});
    report.violations_deleted =
        tx.exec_params("DELETE FROM violations WHERE closed_at IS NOT NULL AND closed_at < $1",
                       ToMillis(cutoffs.closed_violations_before))
            .affected_rows();
    std::set<std::string> candidates;
    auto collect = [&](const pqxx::result& rows) {
      for (const auto& row : rows) {
        const std::string text = row[0].c_str();  // "{h1,h2}"
        std::size_t start = 1;
        while (start + 1 < text.size()) {
          const std::size_t end = std::min(text.find(',', start), text.size() - 1);
          candidates.insert(text.substr(start, end - start));
          start = end + 1;
        }
      }
    };
    // 1. Whole days before the cutoff: keep what is needed, then drop the partition.
    const int first_live_day =
        static_cast<int>(std::chrono::floor<std::chrono::days>(cutoffs.unmatched_reads_before)
                             .time_since_epoch()
                             .count());
    std::vector<int> dropped;
    for (const auto& r :
         tx.exec("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                 " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'reads'")) {
      const auto day = postgres::PartitionDay(r[0].as<std::string>());
      if (!day || *day >= first_live_day) continue;
      const std::string table = postgres::PartitionName(*day);
      tx.exec_params("UPDATE reads r SET day = $1 WHERE r.day = $2 AND " + needed, kKeptDay, *day);
      const auto gone = tx.exec("SELECT evidence_sha256 FROM " + table);
      report.reads_deleted += static_cast<std::int64_t>(gone.size());
      collect(gone);
      tx.exec("DROP TABLE " + table);
      dropped.push_back(*day);
    }
    // 2. The rest row by row: the part of the cutoff's own day before it, and kept reads
    //    whose violation has been purged since.
    const auto deleted = tx.exec_params("DELETE FROM reads r WHERE r.captured_at < $1 AND NOT " +
                                            needed + " RETURNING r.evidence_sha256",
                                        reads_before);
    report.reads_deleted += static_cast<std::int64_t>(deleted.size());
    collect(deleted);
    // 3. Which candidates no remaining read refers to: one statement per 10,000 objects
    //    (an array of hex addresses, each probed through the GIN index), not one round trip
    //    per object. The addresses came from rows ingest validated: 64 hex digits each.
    constexpr std::size_t kProbeChunk = 10'000;
    std::vector<std::string> pending(candidates.begin(), candidates.end());
    std::erase(pending, std::string());
    for (std::size_t at = 0; at < pending.size(); at += kProbeChunk) {
      std::string array = "{";
      for (std::size_t i = at; i < std::min(pending.size(), at + kProbeChunk); ++i) {
        array += (i == at ? "" : ",") + pending[i];
      }
      array += "}";
      for (const auto& row : tx.exec_params(
               "SELECT c.sha FROM unnest($1::text[]) AS c(sha) WHERE NOT EXISTS"
               " (SELECT 1 FROM reads WHERE evidence_sha256 @> ARRAY[c.sha]) ORDER BY c.sha",
               array)) {
        report.evidence_released.push_back(row[0].as<std::string>());
      }
    }
    tx.commit();
    for (const int day : dropped) known_days_.erase(day);
    return report;
  });
}

}  // namespace safelane::store
