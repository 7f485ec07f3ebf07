// `safelane audit verify|list|public-key`: the audit log from the machine itself.
// verify walks the whole chain (order, hashes, signatures) with the audit public key and
// names the first entry that fails; exit 0 only when every entry verifies. The public key
// comes from the master key, or is given in hex by an auditor who does not hold the
// master key (printed by `safelane admin init` and `safelane audit public-key`).

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/command.h"
#include "security/master_key.h"
#include "store/audit_chain.h"
#include "store/store_opener.h"

namespace safelane::cli {
namespace {

constexpr const char* kDefaultDataDir = "/var/lib/safelane";
constexpr const char* kDefaultMasterKey = "/etc/safelane/master.key";

struct AuditArgs {
  std::string data_dir = kDefaultDataDir;
  std::string backend = "sqlite";
  std::string postgres;
  std::string master_key = kDefaultMasterKey;
  std::string public_key;  // hex; wins over the master key when given
  std::int64_t after = 0;
  int limit = 100;
  bool json_output = false;
};

int Fail(const char* command, const Error& e, int code) {
  std::cerr << "safelane audit " << command << ": " << e.message << "\n";
  return code;
}

Result<security::PublicKey> AuditKey(const AuditArgs& args) {
  if (!args.public_key.empty()) return security::PublicKeyFromHex(args.public_key);
  auto master = security::LoadMasterKey(args.master_key);
  if (!master) return master.error();
  return store::AuditSigningKey(*master).public_key();
}

Result<std::unique_ptr<store::Store>> OpenStore(const AuditArgs& args) {
  static const store::SystemClock clock;
  auto backend = store::ParseBackend(args.backend);
  if (!backend) return backend.error();
  // No signer: these commands never append.
  return store::OpenStore(
      {.backend = *backend, .data_dir = args.data_dir, .postgres = args.postgres, .create = false},
      clock);
}

int RunVerify(const AuditArgs& args) {
  auto key = AuditKey(args);
  if (!key) return Fail("verify", key.error(), 2);
  auto db = OpenStore(args);
  if (!db) return Fail("verify", db.error(), 2);
  auto verified = (*db)->VerifyAuditChain(*key);
  if (!verified) {
    std::cout << "NOT VERIFIED: " << verified.error().message << "\n";
    return 1;
  }
  std::int64_t last = 0;
  std::string last_hash;
  for (;;) {
    auto page = (*db)->ListAudit(last, 1000);
    if (!page) return Fail("verify", page.error(), 2);
    if (page->empty()) break;
    last = page->back().id;
    last_hash = page->back().hash;
  }
  std::cout << fmt::format("VERIFIED: {} audit entries, in order, unaltered, signed by {}\n", last,
                           security::ToHex(*key));
  // Kept off this machine, the newest id and hash catch even a restored old head file.
  if (last > 0) std::cout << fmt::format("head: entry {} hash {}\n", last, last_hash);
  return 0;
}

int RunList(const AuditArgs& args) {
  auto db = OpenStore(args);
  if (!db) return Fail("list", db.error(), 2);
  auto page = (*db)->ListAudit(args.after, args.limit);
  if (!page) return Fail("list", page.error(), 1);
  for (const auto& e : *page) {
    if (args.json_output) {
      const nlohmann::json line = {{"id", e.id},           {"at_ms", store::ToMillis(e.at)},
                                   {"actor", e.actor},     {"action", e.action},
                                   {"subject", e.subject}, {"detail", e.detail},
                                   {"source", e.source},   {"reason", e.reason}};
      std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      std::cout << fmt::format("{:>8} {} {} {} {} from {}: {}{}\n", e.id, store::ToMillis(e.at),
                               e.actor, e.action, e.subject, e.source, e.detail,
                               e.reason.empty() ? "" : " (why: " + e.reason + ")");
    }
  }
  return 0;
}

void AddPaths(CLI::App* cmd, AuditArgs& args) {
  cmd->add_option("--data,--data-dir", args.data_dir, "Store data directory")
      ->default_val(kDefaultDataDir);
  cmd->add_option("--backend", args.backend, "Store backend: sqlite or postgres")
      ->default_val("sqlite");
  cmd->add_option("--postgres", args.postgres,
                  "PostgreSQL connection string (password in ~/.pgpass, not here)");
}

}  // namespace

void RegisterAuditCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("audit", "Verify and read the signed audit log");
  cmd->require_subcommand(1);
  auto args = std::make_shared<AuditArgs>();

  auto* verify = cmd->add_subcommand(
      "verify", "Check every entry's order, hash and signature; names the first bad one");
  AddPaths(verify, *args);
  verify->add_option("--master-key", args->master_key, "Master key file (mode 0600)")
      ->default_val(kDefaultMasterKey);
  verify->add_option("--public-key", args->public_key,
                     "The audit public key (64 hex digits) instead of the master key");
  verify->callback([args, &exit_code] { exit_code = RunVerify(*args); });

  auto* list = cmd->add_subcommand("list", "Entries after an id, oldest first");
  AddPaths(list, *args);
  list->add_option("--after", args->after, "Show entries with a larger id")->default_val(0);
  list->add_option("--limit", args->limit, "At most this many")
      ->default_val(100)
      ->check(CLI::Range(1, 1000));
  list->add_flag("--json", args->json_output, "One JSON object a line");
  list->callback([args, &exit_code] { exit_code = RunList(*args); });

  auto* key = cmd->add_subcommand("public-key", "Print the audit public key");
  key->add_option("--master-key", args->master_key, "Master key file (mode 0600)")
      ->default_val(kDefaultMasterKey);
  key->callback([args, &exit_code] {
    auto k = AuditKey(*args);
    if (!k) {
      exit_code = Fail("public-key", k.error(), 2);
      return;
    }
    std::cout << security::ToHex(*k) << "\n";
    exit_code = 0;
  });
}

}  // namespace safelane::cli
