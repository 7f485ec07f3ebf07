#include "store/audit_chain.h"

#include <algorithm>

#include "security/sha256.h"

namespace safelane::store {
namespace {

constexpr std::string_view kSignedPrefix = "safelane.audit.v1:";

std::string SignedText(const std::string& hash) {
  return std::string(kSignedPrefix) + hash;
}

bool IsActionName(const std::string& action) {
  return !action.empty() && action.size() <= 64 &&
         std::all_of(action.begin(), action.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
         });
}

Error Broken(std::int64_t id, const std::string& why) {
  return {ErrorCode::kIo, "audit log entry " + std::to_string(id) + " " + why};
}

}  // namespace

security::SigningKey AuditSigningKey(const security::MasterKey& master) {
  return security::SigningKey::FromSeed(master.Derive(security::MasterKey::Purpose::kSignAudit));
}

// Each field length-prefixed, so no choice of field contents can make two different
// entries hash the same way.
std::string AuditHash(const std::string& previous_hash, const AuditEntry& e) {
  std::string text;
  for (const std::string& field :
       {previous_hash, std::to_string(e.id), std::to_string(ToMillis(e.at)), e.actor, e.action,
        e.subject, e.detail, e.source, e.reason}) {
    text += std::to_string(field.size());
    text += ':';
    text += field;
  }
  return security::Sha256Hex(security::AsBytes(text));
}

Result<Done> ValidateAuditEntry(const AuditEntry& e) {
  if (e.actor.empty() || e.actor.size() > 100) {
    return Error(ErrorCode::kBadRequest, "audit actor must be 1-100 bytes");
  }
  if (!IsActionName(e.action)) {
    return Error(ErrorCode::kBadRequest, "audit action must be 1-64 of a-z 0-9 _ .");
  }
  if (e.subject.size() > 200) {
    return Error(ErrorCode::kBadRequest, "audit subject longer than 200 bytes");
  }
  if (e.detail.size() > 2000) {
    return Error(ErrorCode::kBadRequest, "audit detail longer than 2000 bytes");
  }
  if (e.source.empty() || e.source.size() > 200) {
    return Error(ErrorCode::kBadRequest,
                 "audit source must be 1-200 bytes (a client address, \"cli\", \"camera:<id>\")");
  }
  if (e.reason.size() > 2000) {
    return Error(ErrorCode::kBadRequest, "audit reason longer than 2000 bytes");
  }
  return Done{};
}

void SealAuditEntry(const std::string& previous_hash, const security::SigningKey& key,
                    AuditEntry& entry) {
  entry.hash = AuditHash(previous_hash, entry);
  entry.signature = key.Sign(security::AsBytes(SignedText(entry.hash)));
}

Result<Done> AuditChainVerifier::Next(const AuditEntry& e) {
  if (e.id != last_id_ + 1) {
    if (e.id <= last_id_) return Broken(e.id, "is out of order: the log was reordered");
    return Broken(last_id_ + 1,
                  "is missing: the log was cut (next entry is " + std::to_string(e.id) + ")");
  }
  if (AuditHash(previous_hash_, e) != e.hash) {
    return Broken(e.id, "does not match its hash chain: the log was altered");
  }
  if (!security::VerifySignature(key_, security::AsBytes(SignedText(e.hash)), e.signature)) {
    return Broken(e.id, "is not signed by the audit key: the log was altered or forged");
  }
  if (head_ && e.id == head_->id && e.hash != head_->hash) {
    return Broken(e.id, "differs from the signed audit head: the log was rewritten");
  }
  last_id_ = e.id;
  previous_hash_ = e.hash;
  return Done{};
}

Result<Done> AuditChainVerifier::Finish() const {
  if (head_error_) return *head_error_;
  if (head_ && last_id_ < head_->id) {
    return Error(ErrorCode::kIo, "audit log ends at entry " + std::to_string(last_id_) +
                                     " but its signed head names entry " +
                                     std::to_string(head_->id) +
                                     ": the newest entries were cut off");
  }
  if (!missing_head_file_.empty() && last_id_ > 0) {
    return Error(ErrorCode::kIo,
                 "audit head " + missing_head_file_ + " is missing: entries 1.." +
                     std::to_string(last_id_) +
                     " verify (in order, unaltered, signed), but entries cut off the end cannot "
                     "be detected without it; `safelane serve` writes it at start and records "
                     "that in the log (audit.head_created)");
  }
  return Done{};
}

}  // namespace safelane::store
