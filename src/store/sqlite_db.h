#pragma once
// Thin RAII over the SQLite C API: a connection, prepared statements and transactions.
// Every failure becomes Error(kIo) carrying SQLite's message, never an exception.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/store_types.h"

namespace safelane::store::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept
      : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  // Binders take 1-based positions, as SQLite does.
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, std::span<const std::uint8_t> blob);
  Statement& BindNull(int index);

  // true: a row is ready; false: done. Errors carry the statement's SQL.
  Result<bool> Step();
  // Step until done (for statements that return no rows).
  Result<Done> Run();
  // Clears bindings and rewinds, for reuse in a loop.
  void Reset();

  std::int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double Real(int column) const { return sqlite3_column_double(stmt_, column); }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::string Text(int column) const;
  std::span<const std::uint8_t> Blob(int column) const;

 private:
  Error Fail() const;

  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  // Opens (creating if asked) the file with extended error codes and no shared cache.
  static Result<Database> Open(const std::filesystem::path& path, bool create);

  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;

  // Runs one or more statements that return no rows.
  Result<Done> Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  std::int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_.get()); }
  int Changes() const { return sqlite3_changes(db_.get()); }
  sqlite3* handle() const { return db_.get(); }

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  explicit Database(sqlite3* db) : db_(db) {}

  std::unique_ptr<sqlite3, Closer> db_;
};

// BEGIN IMMEDIATE on construction (takes the write lock up front, so a transaction never
// fails half-way for lack of it); rolls back unless Commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Result<Done> Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace safelane::store::sqlite
