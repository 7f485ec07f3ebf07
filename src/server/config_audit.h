#pragma once
// Configuration changes are audited (issue 5): the server's settings live in a file and on
// the command line, outside the API, so the server itself records them. At start it
// compares its effective settings with the last ones recorded in the audit log (subject
// "config:serve") and, when they differ or none were recorded, appends one
// "config.changed" entry whose detail is the new settings and whose reason names the keys
// that changed. An unchanged restart appends nothing, so the log shows changes, not
// restarts. Values are recorded as given, except that long strings (over 64 bytes) are
// recorded by their SHA-256 and a PostgreSQL password is never recorded.

#include <nlohmann/json.hpp>
#include <string>

#include "core/result.h"
#include "server/serve_config.h"
#include "store/store.h"

namespace safelane::server {

inline constexpr char kServeConfigSubject[] = "config:serve";

// The settings as recorded: every declared key with its effective value.
nlohmann::json RecordedServeSettings(const ServeConfig& config);

// Appends "config.changed" when `settings` differ from the last recorded ones; returns
// whether it did. `source` says where the change came from (e.g. "host:<user>").
Result<bool> AuditSettingsChange(store::Store& store, const nlohmann::json& settings,
                                 const std::string& source, store::TimePoint now);

}  // namespace safelane::server
