// SqliteStore: hotlist, vehicle registry and the hash-chained audit log.

#include <algorithm>

#include "store/audit_chain.h"
#include "store/audit_head.h"
#include "store/sqlite_store.h"
#include "store/validation.h"

namespace safelane::store {

using sqlite::Transaction;

namespace {

constexpr const char* kAuditColumns =
    "id, at, actor, action, subject, detail, source, reason, hash, signature";

AuditEntry AuditRow(const sqlite::Statement& s) {
  AuditEntry e{s.Int(0),  FromMillis(s.Int(1)),
               s.Text(2), s.Text(3),
               s.Text(4), s.Text(5),
               s.Text(6), s.Text(7),
               s.Text(8), {}};
  const auto sig = s.Blob(9);  // NULL (an unsigned entry) stays all zero: never verifies
  if (sig.size() == e.signature.size()) std::copy(sig.begin(), sig.end(), e.signature.begin());
  return e;
}

// The signed head lives beside the database file (audit_head.h).
std::filesystem::path AuditHeadFile(const sqlite::Database& db) {
  const char* name = sqlite3_db_filename(db.handle(), "main");
  return std::filesystem::path(name != nullptr ? name : "").parent_path() / kAuditHeadFile;
}

Result<std::vector<AuditEntry>> AuditRows(sqlite::Statement& s) {
  std::vector<AuditEntry> out;
  for (;;) {
    auto row = s.Step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(AuditRow(s));
  }
}

}  // namespace

Result<Done> SqliteStore::AddHotlistEntry(const HotlistEntry& h) {
  if (auto v = ValidateHotlistEntry(h); !v) return v.error();
  auto s = db_.Prepare(
      "INSERT OR REPLACE INTO hotlist (plate, reason, added_at, expires_at) VALUES (?, ?, ?, ?)");
  if (!s) return s.error();
  s->Bind(1, std::string_view(h.plate)).Bind(2, std::string_view(h.reason));
  s->Bind(3, ToMillis(h.added_at));
  if (h.expires_at) {
    s->Bind(4, ToMillis(*h.expires_at));
  } else {
    s->BindNull(4);
  }
  return s->Run();
}

Result<Done> SqliteStore::UpsertVehicle(const VehicleRecord& v) {
  if (auto ok = ValidateVehicle(v); !ok) return ok.error();
  auto s = db_.Prepare(
      "INSERT OR REPLACE INTO vehicles (plate, make, model, colour, owner_ref)"
      " VALUES (?, ?, ?, ?, ?)");
  if (!s) return s.error();
  s->Bind(1, std::string_view(v.plate)).Bind(2, std::string_view(v.make));
  s->Bind(3, std::string_view(v.model)).Bind(4, std::string_view(v.colour));
  s->Bind(5, std::string_view(v.owner_ref));
  return s->Run();
}

Result<std::optional<VehicleRecord>> SqliteStore::GetVehicle(const std::string& plate) {
  auto s =
      db_.Prepare("SELECT plate, make, model, colour, owner_ref FROM vehicles WHERE plate = ?");
  if (!s) return s.error();
  s->Bind(1, std::string_view(plate));
  auto row = s->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<VehicleRecord>();
  return std::optional<VehicleRecord>(
      VehicleRecord{s->Text(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4)});
}

Result<AuditEntry> SqliteStore::AppendAudit(const AuditEntry& request) {
  if (auto v = ValidateAuditEntry(request); !v) return v.error();
  if (!audit_signer_) {
    return Error(ErrorCode::kBadConfig,
                 "the store was opened without the audit signing key: cannot append to the "
                 "audit log");
  }
  auto tx = Transaction::Begin(db_);
  if (!tx) return tx.error();
  auto last = db_.Prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
  if (!last) return last.error();
  auto row = last->Step();
  if (!row) return row.error();
  AuditEntry entry = request;
  entry.id = *row ? last->Int(0) + 1 : 1;
  const std::string previous = *row ? last->Text(1) : std::string();
  last->Reset();
  SealAuditEntry(previous, *audit_signer_, entry);
  auto insert = db_.Prepare(
      "INSERT INTO audit_log (id, at, actor, action, subject, detail, source, reason, hash,"
      " signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!insert) return insert.error();
  insert->Bind(1, entry.id).Bind(2, ToMillis(entry.at)).Bind(3, std::string_view(entry.actor));
  insert->Bind(4, std::string_view(entry.action)).Bind(5, std::string_view(entry.subject));
  insert->Bind(6, std::string_view(entry.detail)).Bind(7, std::string_view(entry.source));
  insert->Bind(8, std::string_view(entry.reason)).Bind(9, std::string_view(entry.hash));
  insert->Bind(10, std::span<const std::uint8_t>(entry.signature));
  if (auto r = insert->Run(); !r) return r.error();
  if (auto r = tx->Commit(); !r) return r.error();
  // After the commit, so the head never names an entry the log does not hold.
  if (auto r = WriteAuditHead(AuditHeadFile(db_), *audit_signer_, entry); !r) {
    return Error(ErrorCode::kIo,
                 "audit entry " + std::to_string(entry.id) +
                     " was written but its signed head was not: " + r.error().message);
  }
  return entry;
}

Result<std::vector<AuditEntry>> SqliteStore::AuditFor(const std::string& subject) {
  auto s = db_.Prepare(std::string("SELECT ") + kAuditColumns +
                       " FROM audit_log WHERE subject = ? ORDER BY id");
  if (!s) return s.error();
  s->Bind(1, std::string_view(subject));
  return AuditRows(*s);
}

Result<std::vector<AuditEntry>> SqliteStore::ListAudit(std::int64_t after_id, int limit) {
  if (limit < 1 || limit > kMaxQueryLimit) {
    return Error(ErrorCode::kBadRequest, "limit must be within [1, 10000]");
  }
  auto s = db_.Prepare(std::string("SELECT ") + kAuditColumns +
                       " FROM audit_log WHERE id > ? ORDER BY id LIMIT ?");
  if (!s) return s.error();
  s->Bind(1, after_id).Bind(2, std::int64_t{limit});
  return AuditRows(*s);
}

Result<Done> SqliteStore::VerifyAuditChain(const security::PublicKey& audit_key) {
  auto s = db_.Prepare(std::string("SELECT ") + kAuditColumns + " FROM audit_log ORDER BY id");
  if (!s) return s.error();
  AuditChainVerifier verifier(audit_key);
  if (auto h = ExpectAuditHead(AuditHeadFile(db_), audit_key, verifier); !h) return h.error();
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!*row) return verifier.Finish();
    if (auto ok = verifier.Next(AuditRow(*s)); !ok) return ok.error();
  }
}

}  // namespace safelane::store
