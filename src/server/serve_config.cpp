#include "server/serve_config.h"

#include <array>
#include <charconv>

namespace safelane::server {
namespace {

using FT = FieldType;

constexpr std::array kFields = {
    FieldRule{"data", FT::kString, false, 4096},
    FieldRule{"backend", FT::kString, false, 16},
    FieldRule{"postgres", FT::kString, false, 4096},
    FieldRule{"master_key", FT::kString, false, 4096},
    FieldRule{"listen", FT::kString, false, 300},
    FieldRule{"cert", FT::kString, false, 4096},
    FieldRule{"key", FT::kString, false, 4096},
    FieldRule{"allow_plain_http", FT::kBoolean},
    FieldRule{"threads", FT::kInteger},
    FieldRule{"public_origin", FT::kString, false, 300},
    FieldRule{"idle_timeout_s", FT::kInteger},
    FieldRule{"absolute_timeout_s", FT::kInteger},
    FieldRule{"requests_per_second", FT::kNumber},
    FieldRule{"request_burst", FT::kNumber},
    FieldRule{"sign_in_failures_per_hour", FT::kInteger},
    FieldRule{"retention_unmatched_reads_h", FT::kInteger},
    FieldRule{"retention_closed_violations_h", FT::kInteger},
    FieldRule{"retention_interval_h", FT::kInteger},
};

Error Bad(const std::string& m) {
  return Error(ErrorCode::kBadConfig, m);
}

Result<int> IntIn(const nlohmann::json& v, const char* key, int fallback, int lo, int hi) {
  if (!v.contains(key)) return fallback;
  const auto x = v[key].get<std::int64_t>();
  if (x < lo || x > hi) {
    return Bad(std::string(key) + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
               "]");
  }
  return static_cast<int>(x);
}

}  // namespace

std::span<const FieldRule> ServeConfigFields() {
  return kFields;
}

Result<ServeConfig> LoadServeConfig(const nlohmann::json& values) {
  auto checked = CheckJsonObject(values, kFields, "config");
  if (!checked.ok()) return Bad(checked.error().message);
  ServeConfig c;
  const auto text = [&](const char* key, std::string& out) {
    if (values.contains(key)) out = values[key].get<std::string>();
  };
  text("data", c.data);
  text("master_key", c.master_key);
  text("listen", c.listen);
  text("cert", c.cert);
  text("key", c.key);
  text("public_origin", c.public_origin);
  if (values.contains("allow_plain_http"))
    c.allow_plain_http = values["allow_plain_http"].get<bool>();
  auto threads = IntIn(values, "threads", c.threads, 1, 256);
  auto idle = IntIn(values, "idle_timeout_s", c.idle_timeout_s, 60, 86400);
  auto absolute = IntIn(values, "absolute_timeout_s", c.absolute_timeout_s, 300, 86400);
  auto failures = IntIn(values, "sign_in_failures_per_hour", c.sign_in_failures_per_hour, 1, 10000);
  auto unmatched =
      IntIn(values, "retention_unmatched_reads_h", c.retention_unmatched_reads_h, 1, 8760);
  auto closed =
      IntIn(values, "retention_closed_violations_h", c.retention_closed_violations_h, 24, 87600);
  auto interval = IntIn(values, "retention_interval_h", c.retention_interval_h, 1, 168);
  for (const auto* r : {&threads, &idle, &absolute, &failures, &unmatched, &closed, &interval}) {
    if (!r->ok()) return r->error();
  }
  c.retention_unmatched_reads_h = *unmatched;
  c.retention_closed_violations_h = *closed;
  c.retention_interval_h = *interval;
  c.threads = *threads;
  c.idle_timeout_s = *idle;
  c.absolute_timeout_s = *absolute;
  c.sign_in_failures_per_hour = *failures;
  if (values.contains("requests_per_second"))
    c.requests_per_second = values["requests_per_second"].get<double>();
  if (values.contains("request_burst")) c.request_burst = values["request_burst"].get<double>();
  if (!(c.requests_per_second > 0 && c.requests_per_second <= 100000)) {
    return Bad("requests_per_second must be in (0, 100000]");
  }
  if (!(c.request_burst >= 1 && c.request_burst <= 100000)) {
    return Bad("request_burst must be in [1, 100000]");
  }
  // host:port or [v6]:port
  const std::size_t colon = c.listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return Bad("listen must be host:port");
  c.host = c.listen.substr(0, colon);
  if (c.host.size() > 2 && c.host.front() == '[' && c.host.back() == ']') {
    c.host = c.host.substr(1, c.host.size() - 2);
  }
  const std::string port = c.listen.substr(colon + 1);
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), c.port);
  if (ec != std::errc() || end != port.data() + port.size() || c.port < 0 || c.port > 65535) {
    return Bad("listen: port must be in [0, 65535]");
  }
  if (c.data.empty()) return Bad("data must not be empty");
  if (values.contains("backend")) {
    auto backend = store::ParseBackend(values["backend"].get<std::string>());
    if (!backend.ok()) return Bad("backend: " + backend.error().message);
    c.backend = *backend;
  }
  text("postgres", c.postgres);
  if ((c.backend == store::BackendKind::kPostgres) == c.postgres.empty()) {
    return Bad(
        "postgres (a connection string) is required with backend \"postgres\" and "
        "only with it");
  }
  if (c.cert.empty() != c.key.empty()) return Bad("cert and key go together");
  if (c.cert.empty()) {
    c.cert = c.data + "/tls/server.crt";
    c.key = c.data + "/tls/server.key";
  }
  return c;
}

}  // namespace safelane::server
