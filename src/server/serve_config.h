#pragma once
// `safelane serve` configuration, declared once (kServeConfigFields): the same names are
// the keys of the optional JSON config file and the command-line flags (--data, --listen
// ...). Unknown keys are refused; every value has a default, bounds and units below.
// Secrets are never inline: the master key and the TLS key are file paths.

#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "core/result.h"
#include "server/request_schema.h"
#include "store/store_opener.h"

namespace safelane::server {

struct ServeConfig {
  std::string data = "/var/lib/safelane";  // data directory (safelane.db, vault/)
  // The store: "sqlite" (in `data`) or "postgres" (libpq connection string in `postgres`,
  // password in ~/.pgpass, never inline); opened by store/store_opener.h as everywhere.
  store::BackendKind backend = store::BackendKind::kSqlite;
  std::string postgres;
  std::string master_key = "/etc/safelane/master.key";  // 0600 key file, outside `data`
  std::string listen = "127.0.0.1:8443";                // host:port, [v6]:port
  std::string cert;  // PEM certificate; default <data>/tls/server.crt (generated if absent)
  std::string key;   // PEM private key, mode 0600; default <data>/tls/server.key
  bool allow_plain_http = false;       // plain HTTP, loopback only (tests, a local proxy)
  int threads = 8;                     // request threads, [1, 256]
  std::string public_origin;           // the Origin of our pages; default https://<listen>
  int idle_timeout_s = 900;            // session idle timeout, seconds, [60, 86400]
  int absolute_timeout_s = 28800;      // session lifetime, seconds, [300, 86400]
  double requests_per_second = 50;     // per address, refill rate, (0, 100000]
  double request_burst = 200;          // per address, bucket size, [1, 100000]
  int sign_in_failures_per_hour = 20;  // per address, [1, 10000]
  // Retention (store/retention.h), run by the server on this schedule: reads that hit no
  // rule and no hotlist, hours [1, 8760]; violations after their case closed, hours
  // [24, 87600]; how often the purge runs, hours [1, 168].
  int retention_unmatched_reads_h = 72;
  int retention_closed_violations_h = 24 * 90;
  int retention_interval_h = 1;

  std::string host;  // from listen
  int port = 0;
};

std::span<const FieldRule> ServeConfigFields();

// Reads the keys of `values` over the defaults; checks every bound.
Result<ServeConfig> LoadServeConfig(const nlohmann::json& values);

}  // namespace safelane::server
