#include "store/sqlite_db.h"

namespace safelane::store::sqlite {

Statement& Statement::Bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}
Statement& Statement::Bind(int index, std::span<const std::uint8_t> blob) {
  // A zero-length blob must still be a blob, not NULL: SQLite needs a non-null pointer.
  static const std::uint8_t kEmpty = 0;
  sqlite3_bind_blob64(stmt_, index, blob.empty() ? &kEmpty : blob.data(), blob.size(),
                      SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Error Statement::Fail() const {
  const char* sql = sqlite3_sql(stmt_);
  return {ErrorCode::kIo, std::string("sqlite: ") + sqlite3_errmsg(db_) + " (in: " +
                              std::string(sql != nullptr ? sql : "?").substr(0, 120) + ")"};
}

Result<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = Fail();
  sqlite3_reset(stmt_);
  return e;
}

Result<Done> Statement::Run() {
  for (;;) {
    auto more = Step();
    if (!more) return more.error();
    if (!*more) return Done{};
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::Text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), n);
}

std::span<const std::uint8_t> Statement::Blob(int column) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::span<const std::uint8_t>() : std::span(p, static_cast<std::size_t>(n));
}

Result<Database> Database::Open(const std::filesystem::path& path, bool create) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE | SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db(raw);  // owns the handle even when opening failed
  if (rc != SQLITE_OK) {
    return Error(ErrorCode::kIo, "sqlite: cannot open " + path.string() + ": " +
                                     (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  return db;
}

Result<Done> Database::Exec(std::string_view sql) {
  char* message = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string reason = message != nullptr ? message : sqlite3_errmsg(db_.get());
    sqlite3_free(message);
    return Error(ErrorCode::kIo, "sqlite: " + reason + " (in: " + text.substr(0, 120) + ")");
  }
  return Done{};
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    return Error(ErrorCode::kIo, std::string("sqlite: ") + sqlite3_errmsg(db_.get()) +
                                     " (preparing: " + std::string(sql.substr(0, 120)) + ")");
  }
  return Statement(db_.get(), stmt);
}

Result<Transaction> Transaction::Begin(Database& db) {
  if (auto r = db.Exec("BEGIN IMMEDIATE"); !r) return r.error();
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK");
}

Result<Done> Transaction::Commit() {
  auto r = db_->Exec("COMMIT");
  if (r) db_ = nullptr;
  return r;
}

}  // namespace safelane::store::sqlite
