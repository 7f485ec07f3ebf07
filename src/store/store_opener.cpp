#include "store/store_opener.h"

#include "store/audit_head.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace safelane::store {

Result<BackendKind> ParseBackend(std::string_view name) {
  if (name == "sqlite") return BackendKind::kSqlite;
  if (name == "postgres") return BackendKind::kPostgres;
  return Error(ErrorCode::kBadConfig,
               "unknown store backend '" + std::string(name) + "' (sqlite or postgres)");
}

Result<std::unique_ptr<Store>> OpenStore(const StoreLocation& where, const Clock& clock) {
  if (where.backend == BackendKind::kPostgres) {
    if (where.postgres.empty()) {
      return Error(ErrorCode::kBadConfig,
                   "the postgres backend needs a connection string (--postgres)");
    }
    // The audit log's signed head stays in the data directory (audit_head.h).
    const std::filesystem::path head =
        where.data_dir.empty() ? std::filesystem::path() : where.data_dir / kAuditHeadFile;
    auto pg = PostgresStore::Open(
        {.conninfo = where.postgres, .audit_signer = where.audit_signer, .audit_head_file = head},
        clock);
    if (!pg) return pg.error();
    return std::unique_ptr<Store>(std::move(*pg));
  }
  auto lite = SqliteStore::Open(where.data_dir, clock,
                                {.create = where.create, .audit_signer = where.audit_signer});
  if (!lite) return lite.error();
  return std::unique_ptr<Store>(std::move(*lite));
}

}  // namespace safelane::store
