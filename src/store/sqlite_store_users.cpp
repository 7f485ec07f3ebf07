// SqliteStore: user accounts (the accounts code in src/security decides what they may do).

#include "store/sqlite_store.h"
#include "store/validation.h"

namespace safelane::store {

using sqlite::Statement;

namespace {

constexpr const char* kUserColumns =
    "id, username, display_name, role, password_hash, totp_secret_sealed, mfa_enabled, disabled,"
    " failed_logins, locked_until, created_at, last_login_at, totp_last_step";

std::optional<TimePoint> OptionalTime(const Statement& s, int column) {
  if (s.IsNull(column)) return std::nullopt;
  return FromMillis(s.Int(column));
}

User UserRow(const Statement& s) {
  User u;
  u.id = s.Int(0);
  u.username = s.Text(1);
  u.display_name = s.Text(2);
  u.role = s.Text(3);
  u.password_hash = s.Text(4);
  const auto sealed = s.Blob(5);
  u.totp_secret_sealed.assign(sealed.begin(), sealed.end());
  u.mfa_enabled = s.Int(6) != 0;
  u.disabled = s.Int(7) != 0;
  u.failed_logins = static_cast<int>(s.Int(8));
  u.locked_until = OptionalTime(s, 9);
  u.created_at = FromMillis(s.Int(10));
  u.last_login_at = OptionalTime(s, 11);
  u.totp_last_step = s.Int(12);
  return u;
}

void BindOptionalTime(Statement& s, int index, const std::optional<TimePoint>& t) {
  if (t) {
    s.Bind(index, ToMillis(*t));
  } else {
    s.BindNull(index);
  }
}

// Binds the fields UpdateUser may change, at positions first..first+9.
void BindMutable(Statement& s, int first, const User& u) {
  s.Bind(first, std::string_view(u.display_name)).Bind(first + 1, std::string_view(u.role));
  s.Bind(first + 2, std::string_view(u.password_hash));
  s.Bind(first + 3, std::span<const std::uint8_t>(
                        reinterpret_cast<const std::uint8_t*>(u.totp_secret_sealed.data()),
                        u.totp_secret_sealed.size()));
  s.Bind(first + 4, std::int64_t{u.mfa_enabled ? 1 : 0});
  s.Bind(first + 5, std::int64_t{u.disabled ? 1 : 0});
  s.Bind(first + 6, std::int64_t{u.failed_logins});
  BindOptionalTime(s, first + 7, u.locked_until);
  BindOptionalTime(s, first + 8, u.last_login_at);
  s.Bind(first + 9, u.totp_last_step);
}

Result<std::optional<User>> OneUser(Statement& s) {
  auto row = s.Step();
  if (!row) return row.error();
  if (!*row) return std::optional<User>();
  return std::optional<User>(UserRow(s));
}

}  // namespace

Result<User> SqliteStore::CreateUser(const User& user) {
  if (auto v = ValidateUser(user); !v) return v.error();
  auto tx = sqlite::Transaction::Begin(db_);
  if (!tx) return tx.error();
  auto taken = FindUser(user.username);
  if (!taken) return taken.error();
  if (*taken) return Error(ErrorCode::kBadRequest, "username '" + user.username + "' is taken");
  auto s = db_.Prepare(
      "INSERT INTO users (display_name, role, password_hash, totp_secret_sealed, mfa_enabled,"
      " disabled, failed_logins, locked_until, last_login_at, totp_last_step, username,"
      " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!s) return s.error();
  BindMutable(*s, 1, user);
  s->Bind(11, std::string_view(user.username)).Bind(12, ToMillis(user.created_at));
  if (auto r = s->Run(); !r) return r.error();
  User created = user;
  created.id = db_.LastInsertId();
  if (auto r = tx->Commit(); !r) return r.error();
  return created;
}

Result<std::optional<User>> SqliteStore::GetUser(std::int64_t id) {
  auto s = db_.Prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?");
  if (!s) return s.error();
  s->Bind(1, id);
  return OneUser(*s);
}

Result<std::optional<User>> SqliteStore::FindUser(const std::string& username) {
  auto s = db_.Prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE username = ?");
  if (!s) return s.error();
  s->Bind(1, std::string_view(username));
  return OneUser(*s);
}

Result<std::vector<User>> SqliteStore::ListUsers() {
  auto s = db_.Prepare(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY id");
  if (!s) return s.error();
  std::vector<User> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(UserRow(*s));
  }
}

Result<Done> SqliteStore::UpdateUser(const User& user) {
  if (auto v = ValidateUser(user); !v) return v.error();
  auto s = db_.Prepare(
      "UPDATE users SET display_name = ?, role = ?, password_hash = ?, totp_secret_sealed = ?,"
      " mfa_enabled = ?, disabled = ?, failed_logins = ?, locked_until = ?, last_login_at = ?,"
      " totp_last_step = ? WHERE id = ?");
  if (!s) return s.error();
  BindMutable(*s, 1, user);
  s->Bind(11, user.id);
  if (auto r = s->Run(); !r) return r.error();
  if (db_.Changes() == 0) {
    return Error(ErrorCode::kBadRequest, "no user " + std::to_string(user.id));
  }
  return Done{};
}

Result<std::int64_t> SqliteStore::CountUsers() {
  auto s = db_.Prepare("SELECT count(*) FROM users");
  if (!s) return s.error();
  auto row = s->Step();
  if (!row) return row.error();
  return s->Int(0);
}

}  // namespace safelane::store
