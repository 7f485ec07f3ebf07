#pragma once
// Opens the configured Store backend: what every command and service that needs a store
// calls, so `--backend sqlite|postgres` means the same everywhere.
//
// - sqlite: the database lives in data_dir (sqlite_store.h).
// - postgres: a libpq connection string (postgres_store.h); a password belongs in
//   ~/.pgpass or PGPASSFILE, never on a command line.
// The evidence vault stays in data_dir/vault with either backend.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "security/ed25519.h"
#include "store/clock.h"
#include "store/store.h"

namespace safelane::store {

enum class BackendKind { kSqlite, kPostgres };

// "sqlite" or "postgres"; kBadConfig otherwise.
Result<BackendKind> ParseBackend(std::string_view name);

struct StoreLocation {
  BackendKind backend = BackendKind::kSqlite;
  std::filesystem::path data_dir;  // sqlite: the database directory
  std::string postgres;            // postgres: the connection string
  bool create = true;              // sqlite: create the directory and database if missing
  std::shared_ptr<const security::SigningKey> audit_signer{};  // audit_chain.h
};

Result<std::unique_ptr<Store>> OpenStore(const StoreLocation& where, const Clock& clock);

}  // namespace safelane::store
