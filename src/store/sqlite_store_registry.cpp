// SqliteStore: hotlist, vehicle registry and the hash-chained audit log.

#include <algorithm>

#include "security/sha256.h"
#include "store/sqlite_store.h"
#include "store/validation.h"

namespace safelane::store {

using sqlite::Transaction;

namespace {

// Each field length-prefixed, so no choice of field contents can make two different
// entries hash the same way.
std::string AuditHash(const std::string& previous, const AuditEntry& e) {
  std::string text;
  for (const std::string& field :
       {previous, std::to_string(ToMillis(e.at)), e.actor, e.action, e.subject, e.detail}) {
    text += std::to_string(field.size());
    text += ':';
    text += field;
  }
  return security::Sha256Hex(security::AsBytes(text));
}

bool IsActionName(const std::string& action) {
  return !action.empty() && action.size() <= 64 &&
         std::all_of(action.begin(), action.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
         });
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

Result<AuditEntry> SqliteStore::AppendAudit(const std::string& actor, const std::string& action,
                                            const std::string& subject, const std::string& detail,
                                            TimePoint at) {
  if (actor.empty() || actor.size() > 100) {
    return Error(ErrorCode::kBadRequest, "audit actor must be 1-100 bytes");
  }
  if (!IsActionName(action)) {
    return Error(ErrorCode::kBadRequest, "audit action must be 1-64 of a-z 0-9 _ .");
  }
  if (subject.size() > 200 || detail.size() > 2000) {
    return Error(ErrorCode::kBadRequest, "audit subject or detail too long");
  }
  auto tx = Transaction::Begin(db_);
  if (!tx) return tx.error();
  auto last = db_.Prepare("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1");
  if (!last) return last.error();
  auto row = last->Step();
  if (!row) return row.error();
  const std::string previous = *row ? last->Text(0) : std::string();
  AuditEntry entry{0, at, actor, action, subject, detail, {}};
  entry.hash = AuditHash(previous, entry);
  auto insert = db_.Prepare(
      "INSERT INTO audit_log (at, actor, action, subject, detail, hash) VALUES (?, ?, ?, ?, ?, ?)");
  if (!insert) return insert.error();
  insert->Bind(1, ToMillis(at)).Bind(2, std::string_view(actor)).Bind(3, std::string_view(action));
  insert->Bind(4, std::string_view(subject)).Bind(5, std::string_view(detail));
  insert->Bind(6, std::string_view(entry.hash));
  if (auto r = insert->Run(); !r) return r.error();
  entry.id = db_.LastInsertId();
  if (auto r = tx->Commit(); !r) return r.error();
  return entry;
}

Result<std::vector<AuditEntry>> SqliteStore::AuditFor(const std::string& subject) {
  auto s = db_.Prepare(
      "SELECT id, at, actor, action, subject, detail, hash FROM audit_log WHERE subject = ?"
      " ORDER BY id");
  if (!s) return s.error();
  s->Bind(1, std::string_view(subject));
  std::vector<AuditEntry> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back({s->Int(0), FromMillis(s->Int(1)), s->Text(2), s->Text(3), s->Text(4), s->Text(5),
                   s->Text(6)});
  }
}

Result<Done> SqliteStore::VerifyAuditChain() {
  auto s =
      db_.Prepare("SELECT id, at, actor, action, subject, detail, hash FROM audit_log ORDER BY id");
  if (!s) return s.error();
  std::string previous;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!*row) return Done{};
    AuditEntry e{s->Int(0), FromMillis(s->Int(1)), s->Text(2), s->Text(3), s->Text(4), s->Text(5),
                 s->Text(6)};
    if (AuditHash(previous, e) != e.hash) {
      return Error(ErrorCode::kIo, "audit log entry " + std::to_string(e.id) +
                                       " does not match its hash chain: the log was altered");
    }
    previous = e.hash;
  }
}

}  // namespace safelane::store
