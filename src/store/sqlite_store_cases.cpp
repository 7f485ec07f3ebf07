// SqliteStore: violations, their review history, and notices with their numbering.

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "store/sqlite_store.h"
#include "store/validation.h"

namespace safelane::store {

using sqlite::Transaction;

namespace {

bool IsRuleName(const std::string& rule) {
  return !rule.empty() && rule.size() <= 64 && std::all_of(rule.begin(), rule.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Error NoViolation(std::int64_t id) {
  return {ErrorCode::kBadRequest, "no violation " + std::to_string(id)};
}

}  // namespace

Result<Violation> SqliteStore::CreateViolation(const std::string& event_id, const std::string& rule,
                                               TimePoint at) {
  if (!IsRuleName(rule)) return Error(ErrorCode::kBadRequest, "rule must be 1-64 of a-z 0-9 _");
  auto read = GetRead(event_id);
  if (!read) return read.error();
  if (!*read) return Error(ErrorCode::kBadRequest, "no read with event id '" + event_id + "'");
  auto s = db_.Prepare(
      "INSERT INTO violations (event_id, rule, status, created_at) VALUES (?, ?, 'open', ?)");
  if (!s) return s.error();
  s->Bind(1, std::string_view(event_id)).Bind(2, std::string_view(rule)).Bind(3, ToMillis(at));
  if (auto r = s->Run(); !r) return r.error();
  auto created = GetViolation(db_.LastInsertId());
  if (!created) return created.error();
  return std::move(**created);
}

Result<std::vector<ReviewEntry>> SqliteStore::ReviewsOf(std::int64_t violation_id) {
  auto s = db_.Prepare(
      "SELECT at, reviewer, outcome, note FROM violation_reviews WHERE violation_id = ?"
      " ORDER BY seq");
  if (!s) return s.error();
  s->Bind(1, violation_id);
  std::vector<ReviewEntry> reviews;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!*row) return reviews;
    reviews.push_back({FromMillis(s->Int(0)), s->Text(1),
                       ParseViolationStatus(s->Text(2)).value_or(ViolationStatus::kOpen),
                       s->Text(3)});
  }
}

Result<std::optional<Violation>> SqliteStore::GetViolation(std::int64_t id) {
  auto s = db_.Prepare(
      "SELECT id, event_id, rule, status, created_at, closed_at FROM violations WHERE id = ?");
  if (!s) return s.error();
  s->Bind(1, id);
  auto row = s->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<Violation>();
  Violation v;
  v.id = s->Int(0);
  v.event_id = s->Text(1);
  v.rule = s->Text(2);
  v.status = ParseViolationStatus(s->Text(3)).value_or(ViolationStatus::kOpen);
  v.created_at = FromMillis(s->Int(4));
  if (!s->IsNull(5)) v.closed_at = FromMillis(s->Int(5));
  auto reviews = ReviewsOf(id);
  if (!reviews) return reviews.error();
  v.reviews = std::move(*reviews);
  return std::optional<Violation>(std::move(v));
}

Result<Violation> SqliteStore::RecordReview(std::int64_t violation_id, const ReviewEntry& review) {
  if (review.reviewer.empty() || review.reviewer.size() > 100) {
    return Error(ErrorCode::kBadRequest, "reviewer must be 1-100 bytes");
  }
  if (review.note.size() > 2000)
    return Error(ErrorCode::kBadRequest, "note longer than 2000 bytes");
  auto tx = Transaction::Begin(db_);
  if (!tx) return tx.error();
  auto current = GetViolation(violation_id);
  if (!current) return current.error();
  if (!*current) return NoViolation(violation_id);
  if (IsTerminal((*current)->status)) {
    return Error(ErrorCode::kBadRequest, "violation " + std::to_string(violation_id) + " is " +
                                             std::string(ViolationStatusName((*current)->status)) +
                                             "; a closed case takes no further reviews");
  }
  auto add = db_.Prepare(
      "INSERT INTO violation_reviews (violation_id, seq, at, reviewer, outcome, note)"
      " VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM violation_reviews"
      " WHERE violation_id = ?1), ?2, ?3, ?4, ?5)");
  if (!add) return add.error();
  add->Bind(1, violation_id)
      .Bind(2, ToMillis(review.at))
      .Bind(3, std::string_view(review.reviewer));
  add->Bind(4, ViolationStatusName(review.outcome)).Bind(5, std::string_view(review.note));
  if (auto r = add->Run(); !r) return r.error();
  auto update = db_.Prepare("UPDATE violations SET status = ?, closed_at = ? WHERE id = ?");
  if (!update) return update.error();
  update->Bind(1, ViolationStatusName(review.outcome));
  if (IsTerminal(review.outcome)) {
    update->Bind(2, ToMillis(review.at));
  } else {
    update->BindNull(2);
  }
  update->Bind(3, violation_id);
  if (auto r = update->Run(); !r) return r.error();
  if (auto r = tx->Commit(); !r) return r.error();
  auto updated = GetViolation(violation_id);
  if (!updated) return updated.error();
  return std::move(**updated);
}

Result<Notice> SqliteStore::IssueNotice(std::int64_t violation_id, std::int64_t amount_minor,
                                        const std::string& currency, TimePoint at) {
  if (amount_minor <= 0) return Error(ErrorCode::kBadRequest, "notice amount must be positive");
  if (currency.size() != 3 ||
      !std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return Error(ErrorCode::kBadRequest, "currency must be an ISO 4217 code such as UZS");
  }
  auto tx = Transaction::Begin(db_);
  if (!tx) return tx.error();
  auto violation = GetViolation(violation_id);
  if (!violation) return violation.error();
  if (!*violation) return NoViolation(violation_id);
  if ((*violation)->status != ViolationStatus::kConfirmed) {
    return Error(ErrorCode::kBadRequest, "violation " + std::to_string(violation_id) +
                                             " is not confirmed; only confirmed cases get notices");
  }
  const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(at)};
  const int year = static_cast<int>(date.year());
  auto counter = db_.Prepare(
      "INSERT INTO notice_counters (year, last) VALUES (?, 1)"
      " ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last");
  if (!counter) return counter.error();
  counter->Bind(1, std::int64_t{year});
  auto row = counter->Step();
  if (!row) return row.error();
  const std::int64_t sequence = counter->Int(0);
  if (auto r = counter->Run(); !r) return r.error();
  char number[40];
  std::snprintf(number, sizeof number, "SL-%04d-%06lld", year, static_cast<long long>(sequence));
  Notice notice{number, violation_id, at, amount_minor, currency};
  auto insert = db_.Prepare(
      "INSERT INTO notices (number, violation_id, issued_at, amount_minor, currency)"
      " VALUES (?, ?, ?, ?, ?)");
  if (!insert) return insert.error();
  insert->Bind(1, std::string_view(notice.number)).Bind(2, violation_id).Bind(3, ToMillis(at));
  insert->Bind(4, amount_minor).Bind(5, std::string_view(currency));
  if (auto r = insert->Run(); !r) return r.error();
  if (auto r = tx->Commit(); !r) return r.error();
  return notice;
}

Result<std::vector<Notice>> SqliteStore::NoticesFor(std::int64_t violation_id) {
  auto s = db_.Prepare(
      "SELECT number, violation_id, issued_at, amount_minor, currency FROM notices"
      " WHERE violation_id = ? ORDER BY number");
  if (!s) return s.error();
  s->Bind(1, violation_id);
  std::vector<Notice> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back({s->Text(0), s->Int(1), FromMillis(s->Int(2)), s->Int(3), s->Text(4)});
  }
}

}  // namespace safelane::store
