// `safelane serve`: the HTTPS API (src/server/https_server.h) over one data directory.
// Settings come from the declared schema (src/server/serve_config.h): an optional JSON
// file (--config) and flags of the same names; unknown keys are refused.

#include <pwd.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/command.h"
#include "security/account_service.h"
#include "security/master_key.h"
#include "security/sodium_init.h"
#include "server/config_audit.h"
#include "server/https_server.h"
#include "server/request_schema.h"
#include "server/serve_config.h"
#include "store/audit_chain.h"
#include "store/audit_head.h"
#include "store/evidence_vault.h"
#include "store/retention.h"
#include "store/sqlite_store.h"
#include "store/store_opener.h"

namespace safelane::cli {
namespace {

struct ServeArgs {
  std::string config_file;
  std::map<std::string, std::string> flags;  // flag name -> value as typed
  bool allow_plain_http = false;
};

server::HttpsServer* g_server = nullptr;

void OnSignal(int /*sig*/) {
  if (g_server != nullptr) g_server->Stop();
}

Result<nlohmann::json> CollectConfig(const ServeArgs& args) {
  nlohmann::json values = nlohmann::json::object();
  if (!args.config_file.empty()) {
    std::ifstream in(args.config_file);
    if (!in) return Error(ErrorCode::kBadConfig, args.config_file + ": cannot read");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto parsed = server::ParseJsonObject(text, server::ServeConfigFields());
    if (!parsed.ok())
      return Error(ErrorCode::kBadConfig, args.config_file + ": " + parsed.error().message);
    values = *parsed;
  }
  for (const auto& [name, text] : args.flags) {
    for (const auto& rule : server::ServeConfigFields()) {
      if (rule.name != name) continue;
      if (rule.type == server::FieldType::kString) {
        values[name] = text;
      } else {
        const auto number = nlohmann::json::parse(text, nullptr, false);
        if (number.is_discarded() || !number.is_number()) {
          return Error(ErrorCode::kBadConfig, "--" + name + " must be a number");
        }
        values[name] = number;
      }
    }
  }
  if (args.allow_plain_http) values["allow_plain_http"] = true;
  return values;
}

int RunServe(const ServeArgs& args) {
  const auto fail = [](const Error& e) {
    std::cerr << "safelane serve: " << e.message << "\n";
    return 2;
  };
  if (auto e = security::InitSodium()) return fail(*e);
  auto values = CollectConfig(args);
  if (!values.ok()) return fail(values.error());
  auto config = server::LoadServeConfig(*values);
  if (!config.ok()) return fail(config.error());
  if (config->allow_plain_http && !server::IsLoopbackHost(config->host)) {
    return fail(
        Error(ErrorCode::kBadConfig, "plain HTTP is refused on non-loopback " + config->host));
  }
  auto master = security::LoadMasterKey(config->master_key);
  if (!master.ok()) return fail(master.error());
  const store::SystemClock clock;
  auto db = store::OpenStore({.backend = config->backend,
                              .data_dir = config->data,
                              .postgres = config->postgres,
                              .audit_signer = std::make_shared<const security::SigningKey>(
                                  store::AuditSigningKey(*master))},
                             clock);
  if (!db.ok()) return fail(db.error());
  // A log from before the signed head existed, or whose head was deleted, gets one now
  // through an entry that records the gap in the chain (store/audit_head.h).
  auto head = store::EnsureAuditHead(
      **db, std::filesystem::path(config->data) / store::kAuditHeadFile, clock.Now());
  if (!head.ok()) return fail(head.error());
  if (*head) std::cout << "audit head was missing: written, and recorded in the audit log\n";
  // Settings come from files and flags outside the API, so the server audits their
  // changes itself (server/config_audit.h), naming the host account that started it.
  const passwd* user = ::getpwuid(::geteuid());
  auto settings_changed = server::AuditSettingsChange(
      **db, server::RecordedServeSettings(*config),
      std::string("local:") + (user ? user->pw_name : "unknown"), clock.Now());
  if (!settings_changed.ok()) return fail(settings_changed.error());
  if (*settings_changed) std::cout << "settings changed since the last start: audited\n";
  auto vault = store::EvidenceVault::Open(std::filesystem::path(config->data) / "vault", *master);
  if (!vault.ok()) return fail(vault.error());
  // The installer's sandbox: a store and vault of its own that never mix with real data
  // (server/server_context.h WithSandbox). No audit key: the real log records the
  // installer's actions.
  const std::filesystem::path sandbox_dir = std::filesystem::path(config->data) / "sandbox";
  auto sandbox = store::SqliteStore::Open(sandbox_dir, clock);
  if (!sandbox.ok()) return fail(sandbox.error());
  auto sandbox_vault = store::EvidenceVault::Open(sandbox_dir / "vault", *master);
  if (!sandbox_vault.ok()) return fail(sandbox_vault.error());

  server::ServerOptions options;
  options.host = config->host;
  options.port = config->port;
  options.allow_plain_http = config->allow_plain_http;
  options.threads = config->threads;
  options.public_origin = config->public_origin;
  if (!config->allow_plain_http) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(config->cert).parent_path(), ec);
    auto tls = server::EnsureTlsIdentity(config->cert, config->key, config->host);
    if (!tls.ok()) return fail(tls.error());
    if (tls->generated) {
      std::cout << "generated a self-signed certificate " << config->cert << "\n";
    }
    std::cout << "certificate SHA-256 fingerprint: " << tls->sha256_fingerprint << "\n";
    options.tls = *tls;
  }
  server::ServerContext ctx(**db, *vault, *master, clock,
                            {std::chrono::seconds(config->idle_timeout_s),
                             std::chrono::seconds(config->absolute_timeout_s), 10'000},
                            {config->request_burst, config->requests_per_second, 100'000},
                            {static_cast<double>(config->sign_in_failures_per_hour),
                             config->sign_in_failures_per_hour / 3600.0, 100'000});
  security::AccountService accounts(
      [&ctx](const std::function<void(store::Store&)>& fn) { server::RunWithStore(ctx, fn); },
      *master, clock);
  ctx.accounts = &accounts;
  ctx.sandbox_store = sandbox->get();
  ctx.sandbox_vault = &*sandbox_vault;
  auto http = server::HttpsServer::Create(ctx, options);
  if (!http.ok()) return fail(http.error());
  auto port = (*http)->Bind();
  if (!port.ok()) return fail(port.error());
  std::cout << "listening on " << ((*http)->is_tls() ? "https://" : "http://") << config->host
            << ":" << *port << std::endl;
  // Retention runs beside the requests, under the same store lock, when due; the doctor
  // warns when it has not run for longer than its interval allows.
  store::RetentionPolicy policy;
  policy.unmatched_reads = std::chrono::hours(config->retention_unmatched_reads_h);
  policy.closed_violations = std::chrono::hours(config->retention_closed_violations_h);
  policy.interval = std::chrono::hours(config->retention_interval_h);
  if (auto valid = policy.Validate(); !valid.ok()) return fail(valid.error());
  store::RetentionJob retention(**db, *vault, clock, policy);
  std::mutex stop_mutex;
  std::condition_variable stop_signal;
  bool stopping = false;
  std::thread retention_loop([&] {
    std::unique_lock lock(stop_mutex);
    while (!stopping) {
      lock.unlock();
      server::RunWithStore(ctx, [&retention](store::Store& /*locked*/) {
        auto report = retention.RunIfDue();
        if (!report.ok()) {
          spdlog::error("retention: {}", report.error().message);
        } else if (report->has_value()) {
          spdlog::info("retention: {} reads, {} violations, {} evidence objects deleted",
                       (*report)->reads_deleted, (*report)->violations_deleted,
                       (*report)->evidence_objects_deleted + (*report)->orphan_objects_deleted);
        }
      });
      lock.lock();
      stop_signal.wait_for(lock, std::chrono::minutes(1), [&] { return stopping; });
    }
  });
  g_server = http->get();
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  (*http)->Run();
  g_server = nullptr;
  {
    const std::lock_guard lock(stop_mutex);
    stopping = true;
  }
  stop_signal.notify_all();
  retention_loop.join();
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the HTTPS API over a data directory");
  cmd->add_option("--config", args->config_file, "JSON file with the settings below");
  const std::pair<const char*, const char*> flags[] = {
      {"data", "Data directory"},
      {"backend", "Store backend: sqlite (in the data directory) or postgres"},
      {"postgres", "PostgreSQL connection string (password in ~/.pgpass, never here)"},
      {"master_key", "Master key file (mode 0600)"},
      {"listen", "host:port to listen on (default 127.0.0.1:8443)"},
      {"cert", "TLS certificate (PEM); generated self-signed when absent"},
      {"key", "TLS private key (PEM, mode 0600)"},
      {"threads", "Request threads"},
      {"public_origin", "Origin of our own pages, for the CSRF Origin check"},
      {"idle_timeout_s", "Session idle timeout, seconds"},
      {"absolute_timeout_s", "Session lifetime, seconds"},
      {"requests_per_second", "Requests per second per address"},
      {"request_burst", "Burst of requests per address"},
      {"sign_in_failures_per_hour", "Failed sign-ins per hour per address"},
      {"retention_unmatched_reads_h", "Hours a read that hit no rule or hotlist is kept"},
      {"retention_closed_violations_h", "Hours a violation is kept after its case closed"},
      {"retention_interval_h", "Hours between retention purges"},
  };
  for (const auto& [name, help] : flags) {
    std::string flag = std::string("--") + name;
    std::replace(flag.begin(), flag.end(), '_', '-');
    const std::string key = name;
    cmd->add_option_function<std::string>(
        flag, [args, key](const std::string& v) { args->flags[key] = v; }, help);
  }
  cmd->add_flag("--allow-plain-http", args->allow_plain_http,
                "Serve plain HTTP (loopback addresses only; tests and local proxies)");
  cmd->callback([args, &exit_code] { exit_code = RunServe(*args); });
}

}  // namespace safelane::cli
