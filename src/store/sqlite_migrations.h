#pragma once
// Versioned schema for the SQLite store. Migrations are applied in order at open, each
// in its own transaction, and recorded in schema_migrations; PRAGMA user_version holds
// the current version. A database newer than this binary knows is refused, never
// "repaired". Add a migration by appending to the list in sqlite_migrations.cpp; never
// edit one that has shipped.

#include "core/result.h"
#include "store/sqlite_db.h"

namespace safelane::store::sqlite {

// The version the newest migration brings a database to.
int LatestSchemaVersion();

// Applies the missing migrations up to `up_to` (tests build an older schema with it);
// returns the version the database is at afterwards.
Result<int> ApplyMigrations(Database& db, TimePoint now, int up_to = LatestSchemaVersion());

}  // namespace safelane::store::sqlite
