#pragma once
// Versioned schema migrations for the PostgreSQL store, applied at open in order, each in
// its own transaction, under an advisory lock so two servers starting together do not
// both migrate. Same rules as sqlite_migrations.h: never edit a released migration.

#include <pqxx/connection>

#include "core/result.h"
#include "store/clock.h"

namespace safelane::store::postgres {

int LatestSchemaVersion();

// Brings the database to the latest version; returns it. kBadConfig for a database
// newer than this program.
Result<int> ApplyMigrations(pqxx::connection& db, TimePoint now);

}  // namespace safelane::store::postgres
