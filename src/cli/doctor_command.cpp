// `safelane doctor`: the security self-check of an installation (security/self_check.h)
// and, with --url, of its running server (security/server_probe.h). One line per check,
// PASS / WARN / FAIL; exit 1 when anything FAILs, 2 when the check itself cannot run.

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/command.h"
#include "security/master_key.h"
#include "security/self_check.h"
#include "security/server_probe.h"
#include "store/audit_chain.h"
#include "store/store_opener.h"

namespace safelane::cli {
namespace {

struct DoctorArgs {
  std::string data_dir = "/var/lib/safelane";
  std::string master_key = "/etc/safelane/master.key";
  std::string backend = "sqlite";
  std::string postgres;
  std::string url;
  std::string fingerprint;
  bool json_output = false;
};

int RunDoctor(const DoctorArgs& args) {
  using security::CheckResult;
  using security::CheckStatus;
  const store::SystemClock clock;
  std::vector<CheckResult> results = security::CheckDataFiles(args.data_dir);
  auto append = [&results](std::vector<CheckResult> more) {
    results.insert(results.end(), more.begin(), more.end());
  };
  append(security::CheckMasterKey(args.master_key, args.data_dir));
  auto backend = store::ParseBackend(args.backend);
  auto db = backend ? store::OpenStore({.backend = *backend,
                                        .data_dir = args.data_dir,
                                        .postgres = args.postgres,
                                        .create = false},
                                       clock)
                    : Result<std::unique_ptr<store::Store>>(backend.error());
  if (!db) {
    results.push_back({"store", CheckStatus::kFail, db.error().message});
  } else {
    auto users = (*db)->ListUsers();
    if (!users) {
      results.push_back({"accounts", CheckStatus::kFail, users.error().message});
    } else {
      append(security::CheckAccounts(*users, clock.Now()));
    }
    results.push_back(security::CheckRetention(**db, clock.Now()));
    auto master = security::LoadMasterKey(args.master_key);
    if (!master) {
      results.push_back(
          {"audit-chain", CheckStatus::kFail,
           "cannot check signatures without the master key: " + master.error().message});
    } else {
      results.push_back(
          security::CheckAuditChain(**db, store::AuditSigningKey(*master).public_key()));
    }
  }
  if (!args.url.empty()) {
    append(security::ProbeServer({args.url, args.fingerprint, clock.Now()}));
  }
  int fails = 0;
  int warns = 0;
  for (const auto& r : results) {
    fails += r.status == CheckStatus::kFail ? 1 : 0;
    warns += r.status == CheckStatus::kWarn ? 1 : 0;
    if (args.json_output) {
      const nlohmann::json line = {
          {"check", r.name}, {"status", security::CheckStatusName(r.status)}, {"detail", r.detail}};
      std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      std::cout << fmt::format("{}  {:<22} {}\n", security::CheckStatusName(r.status), r.name,
                               r.detail);
    }
  }
  if (!args.json_output) {
    std::cout << fmt::format("{} checks: {} failed, {} warnings\n", results.size(), fails, warns);
  }
  return fails > 0 ? 1 : 0;
}

}  // namespace

void RegisterDoctorCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DoctorArgs>();
  auto* cmd = app.add_subcommand(
      "doctor",
      "Security self-check: permissions, keys, accounts, retention, audit chain, "
      "and with --url the running server's TLS, certificate and access control");
  cmd->add_option("--data,--data-dir", args->data_dir, "Store data directory")
      ->default_val(args->data_dir);
  cmd->add_option("--master-key", args->master_key, "Master key file (mode 0600)")
      ->default_val(args->master_key);
  cmd->add_option("--backend", args->backend, "Store backend: sqlite or postgres")
      ->default_val(args->backend);
  cmd->add_option("--postgres", args->postgres,
                  "PostgreSQL connection string (password in ~/.pgpass, not here)");
  cmd->add_option("--url", args->url, "The running server, https://host:port");
  cmd->add_option("--fingerprint", args->fingerprint,
                  "The certificate's SHA-256 fingerprint `safelane serve` printed");
  cmd->add_flag("--json", args->json_output, "One JSON object a check");
  cmd->callback([args, &exit_code] { exit_code = RunDoctor(*args); });
}

}  // namespace safelane::cli
