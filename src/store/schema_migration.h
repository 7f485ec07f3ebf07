#pragma once
// What both backends' schema migrations share (sqlite_migrations.cpp,
// postgres_migrations.cpp): the shape of one migration and the two ways applying them
// fails. Each backend keeps its own list and its own runner (SQLite records the version
// in PRAGMA user_version; PostgreSQL under an advisory lock).

#include <string>

#include "core/result.h"
#include "store/store_types.h"

namespace safelane::store {

struct SchemaMigration {
  int version;              // 1, 2, ...: applied in order, each exactly once
  const char* description;  // recorded in schema_migrations
  const char* sql;          // one or more statements, run in one transaction
};

// kBadConfig when a newer SafeLane migrated the database: it is refused, never "repaired".
inline Result<Done> CheckSchemaNotNewer(int version, int latest) {
  if (version <= latest) return Done{};
  return Error(ErrorCode::kBadConfig, "database schema version " + std::to_string(version) +
                                          " is newer than this SafeLane knows (" +
                                          std::to_string(latest) + "); upgrade SafeLane");
}

// kIo naming the migration that failed and why.
inline Error MigrationFailed(const SchemaMigration& m, const std::string& why) {
  return {ErrorCode::kIo, "migration " + std::to_string(m.version) + " failed: " + why};
}

}  // namespace safelane::store
