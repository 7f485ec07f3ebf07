#include "server/config_audit.h"

#include <regex>
#include <vector>

#include "security/bytes.h"
#include "security/sha256.h"

namespace safelane::server {
namespace {

constexpr std::size_t kLongString = 64;

std::string WithoutPassword(const std::string& connection) {
  // key=value form (password=secret, password = 'a b') and URI form (scheme://user:secret@).
  static const std::regex kKeyValue(R"(password\s*=\s*('([^'\\]|\\.)*'|\S+))", std::regex::icase);
  static const std::regex kUri(R"(://([^:/@]*):[^@/]*@)");
  std::string out = std::regex_replace(connection, kKeyValue, "password=[not recorded]");
  return std::regex_replace(out, kUri, "://$1:[not recorded]@");
}

nlohmann::json Recorded(const std::string& value) {
  if (value.size() <= kLongString) return value;
  return "sha256:" + security::Sha256Hex(security::AsBytes(value));
}

}  // namespace

nlohmann::json RecordedServeSettings(const ServeConfig& c) {
  return {
      {"data", Recorded(c.data)},
      {"backend", c.backend == store::BackendKind::kPostgres ? "postgres" : "sqlite"},
      {"postgres", Recorded(WithoutPassword(c.postgres))},
      {"master_key", Recorded(c.master_key)},
      {"listen", Recorded(c.listen)},
      {"cert", Recorded(c.cert)},
      {"key", Recorded(c.key)},
      {"allow_plain_http", c.allow_plain_http},
      {"threads", c.threads},
      {"public_origin", Recorded(c.public_origin)},
      {"idle_timeout_s", c.idle_timeout_s},
      {"absolute_timeout_s", c.absolute_timeout_s},
      {"requests_per_second", c.requests_per_second},
      {"request_burst", c.request_burst},
      {"sign_in_failures_per_hour", c.sign_in_failures_per_hour},
      {"retention_unmatched_reads_h", c.retention_unmatched_reads_h},
      {"retention_closed_violations_h", c.retention_closed_violations_h},
      {"retention_interval_h", c.retention_interval_h},
  };
}

Result<bool> AuditSettingsChange(store::Store& store, const nlohmann::json& settings,
                                 const std::string& source, store::TimePoint now) {
  auto history = store.AuditFor(kServeConfigSubject);
  if (!history.ok()) return history.error();
  nlohmann::json previous = nlohmann::json::object();
  for (auto it = history->rbegin(); it != history->rend(); ++it) {
    if (it->action != "config.changed") continue;
    // An entry this code did not write (not JSON) counts as unknown settings: all changed.
    previous = nlohmann::json::parse(it->detail, nullptr, /*allow_exceptions=*/false);
    if (!previous.is_object()) previous = nlohmann::json::object();
    break;
  }
  std::vector<std::string> changed;
  for (const auto& [key, value] : settings.items()) {
    if (!previous.contains(key) || previous[key] != value) changed.push_back(key);
  }
  for (const auto& [key, value] : previous.items()) {
    if (!settings.contains(key)) changed.push_back(key + " (removed)");
  }
  if (changed.empty()) return false;
  std::string reason = history->empty() ? "first recorded settings; " : "";
  reason += "changed: ";
  for (std::size_t i = 0; i < changed.size(); ++i) reason += (i ? ", " : "") + changed[i];
  auto appended = store.AppendAudit({.at = now,
                                     .actor = "system:serve",
                                     .action = "config.changed",
                                     .subject = kServeConfigSubject,
                                     .detail = settings.dump(),
                                     .source = source,
                                     .reason = reason.substr(0, 2000)});
  if (!appended.ok()) return appended.error();
  return true;
}

}  // namespace safelane::server
