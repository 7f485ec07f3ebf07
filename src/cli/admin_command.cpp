// `safelane admin init|activate|reset-password|unlock|users`: accounts from the machine
// itself. Whoever runs these holds the master key file, so they already control the
// installation; the commands still go through AccountService (policy, hashing, audit)
// and are audited with source "cli".
//
// Secrets never travel on the command line (other users see it in ps): the setup token
// and the new password are read from standard input, one a line, without echo on a
// terminal.

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.h"
#include "security/account_service.h"
#include "security/master_key.h"
#include "security/permission.h"
#include "store/audit_chain.h"
#include "store/store_opener.h"

namespace safelane::cli {
namespace {

constexpr const char* kDefaultDataDir = "/var/lib/safelane";
constexpr const char* kDefaultMasterKey = "/etc/safelane/master.key";

struct AdminArgs {
  std::string data_dir = kDefaultDataDir;
  std::string backend = "sqlite";
  std::string postgres;
  std::string master_key = kDefaultMasterKey;
  std::string username;
  std::string display_name;
  std::string role;
  std::string reason;
};

// Everything a command needs, opened in order; `error` says what failed.
struct Installation {
  std::unique_ptr<security::MasterKey> master;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<security::AccountService> accounts;
};

const store::SystemClock& Clock() {
  static const store::SystemClock clock;
  return clock;
}

Result<Installation> Open(const AdminArgs& args, bool first_start) {
  Installation out;
  auto master = security::LoadMasterKey(args.master_key);
  if (!master && first_start && !std::filesystem::exists(args.master_key)) {
    // First start: the key is generated here, 0600, in its own directory.
    std::error_code ec;
    const auto parent = std::filesystem::path(args.master_key).parent_path();
    if (!parent.empty() && !std::filesystem::exists(parent)) {
      std::filesystem::create_directories(parent, ec);
      if (!ec) std::filesystem::permissions(parent, std::filesystem::perms::owner_all, ec);
    }
    master = security::CreateMasterKeyFile(args.master_key);
    if (master) std::cerr << "created the master key " << args.master_key << " (mode 0600)\n";
  }
  if (!master) return master.error();
  out.master = std::make_unique<security::MasterKey>(std::move(*master));
  auto backend = store::ParseBackend(args.backend);
  if (!backend) return backend.error();
  auto db = store::OpenStore({.backend = *backend,
                              .data_dir = args.data_dir,
                              .postgres = args.postgres,
                              .create = first_start,
                              .audit_signer = std::make_shared<const security::SigningKey>(
                                  store::AuditSigningKey(*out.master))},
                             Clock());
  if (!db) return db.error();
  out.store = std::move(*db);
  out.accounts = std::make_unique<security::AccountService>(security::DirectStore(*out.store),
                                                            *out.master, Clock());
  return out;
}

// One line from stdin; without echo when stdin is a terminal.
std::string ReadSecretLine(const char* prompt) {
  const bool tty = ::isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (tty) {
    std::cerr << prompt << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int Fail(const char* command, const Error& e, int code = 1) {
  std::cerr << "safelane admin " << command << ": " << e.message << "\n";
  return code;
}

security::Actor CliActor(const AdminArgs& args) {
  const char* login = ::getlogin();
  return {std::string("cli:") + (login != nullptr ? login : "uid" + std::to_string(::getuid())),
          "cli", args.reason};
}

void PrintToken(const security::SetupToken& token) {
  std::cout << fmt::format(
      "one-time setup token for '{}' (shown once, valid until {} ms since the epoch, UTC):\n"
      "{}\n"
      "the account has no password until it is used: safelane admin activate --username {}\n",
      token.username, store::ToMillis(token.expires_at), token.token, token.username);
}

int RunInit(const AdminArgs& args) {
  auto inst = Open(args, true);
  if (!inst) return Fail("init", inst.error(), 2);
  auto token = inst->accounts->InitFirstAdministrator(
      args.username, args.display_name.empty() ? args.username : args.display_name, CliActor(args));
  if (!token) return Fail("init", token.error());
  PrintToken(*token);
  std::cout << "audit public key (verify the log with it): "
            << security::ToHex(store::AuditSigningKey(*inst->master).public_key()) << "\n";
  return 0;
}

int RunActivate(const AdminArgs& args) {
  auto inst = Open(args, false);
  if (!inst) return Fail("activate", inst.error(), 2);
  const std::string token = ReadSecretLine("setup token: ");
  const std::string password = ReadSecretLine("new password (at least 12 characters): ");
  auto done = inst->accounts->Activate(args.username, token, password, "cli");
  if (!done) return Fail("activate", done.error());
  std::cout << "password set for '" << args.username << "'";
  const auto user = inst->store->FindUser(args.username);
  if (user && *user) {
    const auto role = security::ParseRole((*user)->role);
    if (role && security::RoleRequiresMfa(*role)) {
      std::cout << "; sign in once to enrol TOTP (MFA is mandatory for this role)";
    }
  }
  std::cout << "\n";
  return 0;
}

int RunCreate(const AdminArgs& args) {
  const auto role = security::ParseRole(args.role);
  if (!role) {
    return Fail("create-user", Error(ErrorCode::kBadRequest, "unknown role '" + args.role + "'"),
                2);
  }
  auto inst = Open(args, false);
  if (!inst) return Fail("create-user", inst.error(), 2);
  auto token = inst->accounts->CreateUser(
      args.username, args.display_name.empty() ? args.username : args.display_name, *role,
      CliActor(args));
  if (!token) return Fail("create-user", token.error());
  PrintToken(*token);
  return 0;
}

int RunResetPassword(const AdminArgs& args) {
  auto inst = Open(args, false);
  if (!inst) return Fail("reset-password", inst.error(), 2);
  auto token = inst->accounts->IssueSetupToken(args.username, CliActor(args));
  if (!token) return Fail("reset-password", token.error());
  PrintToken(*token);
  std::cout << "the old password and MFA no longer work; MFA is enrolled again at sign-in\n";
  return 0;
}

int RunUnlock(const AdminArgs& args) {
  auto inst = Open(args, false);
  if (!inst) return Fail("unlock", inst.error(), 2);
  auto done = inst->accounts->Unlock(args.username, CliActor(args));
  if (!done) return Fail("unlock", done.error());
  std::cout << "unlocked '" << args.username << "'\n";
  return 0;
}

int RunUsers(const AdminArgs& args) {
  auto inst = Open(args, false);
  if (!inst) return Fail("users", inst.error(), 2);
  auto users = inst->accounts->ListUsers();
  if (!users) return Fail("users", users.error());
  const auto now = Clock().Now();
  std::cout << fmt::format("{:<24} {:<14} {:<5} {}\n", "USERNAME", "ROLE", "MFA", "STATE");
  for (const auto& u : *users) {
    std::string state = "active";
    if (u.disabled) {
      state = "disabled";
    } else if (u.password_hash.empty()) {
      state = "setup pending";
    } else if (u.locked_until && *u.locked_until > now) {
      state = "locked";
    }
    std::cout << fmt::format("{:<24} {:<14} {:<5} {}\n", u.username, u.role,
                             u.mfa_enabled ? "yes" : "no", state);
  }
  return 0;
}

void AddPaths(CLI::App* cmd, AdminArgs& args) {
  cmd->add_option("--data,--data-dir", args.data_dir, "Store data directory")
      ->default_val(kDefaultDataDir);
  cmd->add_option("--master-key", args.master_key, "Master key file (mode 0600)")
      ->default_val(kDefaultMasterKey);
  cmd->add_option("--backend", args.backend, "Store backend: sqlite or postgres")
      ->default_val("sqlite");
  cmd->add_option("--postgres", args.postgres,
                  "PostgreSQL connection string (password in ~/.pgpass, not here)");
}

}  // namespace

void RegisterAdminCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("admin", "Accounts: first administrator, activation, unlock");
  cmd->require_subcommand(1);
  auto args = std::make_shared<AdminArgs>();

  auto* init =
      cmd->add_subcommand("init",
                          "Create the first administrator (only while no account exists); prints a "
                          "one-time setup token");
  AddPaths(init, *args);
  init->add_option("--username", args->username, "The administrator's username")->required();
  init->add_option("--display-name", args->display_name, "Full name");
  init->callback([args, &exit_code] { exit_code = RunInit(*args); });

  auto* activate = cmd->add_subcommand(
      "activate", "Set a password with a one-time setup token (both read from stdin)");
  AddPaths(activate, *args);
  activate->add_option("--username", args->username, "Account")->required();
  activate->callback([args, &exit_code] { exit_code = RunActivate(*args); });

  auto* create = cmd->add_subcommand("create-user", "Create an account with a setup token");
  AddPaths(create, *args);
  create->add_option("--username", args->username, "Account")->required();
  create
      ->add_option("--role", args->role,
                   "operator, supervisor, investigator, auditor, administrator or installer")
      ->required();
  create->add_option("--display-name", args->display_name, "Full name");
  create->add_option("--reason", args->reason, "Why (recorded in the audit log)")->required();
  create->callback([args, &exit_code] { exit_code = RunCreate(*args); });

  auto* reset = cmd->add_subcommand(
      "reset-password", "Replace an account's password (and MFA) with a new setup token");
  AddPaths(reset, *args);
  reset->add_option("--username", args->username, "Account")->required();
  reset->add_option("--reason", args->reason, "Why (recorded in the audit log)")->required();
  reset->callback([args, &exit_code] { exit_code = RunResetPassword(*args); });

  auto* unlock = cmd->add_subcommand("unlock", "Lift a lockout after failed sign-ins");
  AddPaths(unlock, *args);
  unlock->add_option("--username", args->username, "Account")->required();
  unlock->add_option("--reason", args->reason, "Why (recorded in the audit log)")->required();
  unlock->callback([args, &exit_code] { exit_code = RunUnlock(*args); });

  auto* users = cmd->add_subcommand("users", "List accounts, their roles, MFA and state");
  AddPaths(users, *args);
  users->callback([args, &exit_code] { exit_code = RunUsers(*args); });
}

}  // namespace safelane::cli
