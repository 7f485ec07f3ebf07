// `safelane evidence export|verify`: evidence packages for one violation
// (src/store/evidence_package.h). Export needs the data directory and the master key;
// verify needs nothing but the package, so it runs offline on any machine.

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/command.h"
#include "security/master_key.h"
#include "store/audit_chain.h"
#include "store/evidence_package.h"
#include "store/evidence_vault.h"
#include "store/store_opener.h"

namespace safelane::cli {
namespace {

constexpr const char* kDefaultDataDir = "/var/lib/safelane";
// Outside the data directory, so a copy of the data alone cannot decrypt evidence.
constexpr const char* kDefaultMasterKey = "/etc/safelane/master.key";
constexpr std::uintmax_t kMaxPackageBytes = 2ULL << 30;  // matches ZipLimits

struct ExportArgs {
  std::int64_t violation_id = 0;
  std::string out;
  std::string data_dir = kDefaultDataDir;
  std::string master_key = kDefaultMasterKey;
  std::string actor;
  std::string reason;
  std::string backend = "sqlite";
  std::string postgres;
};

struct VerifyArgs {
  std::string package;
  std::string store_key;
  bool json_output = false;
};

// A new file with mode 0600 (packages hold personal data); an existing file is never
// overwritten.
std::optional<Error> WriteNewFile(const std::string& path, const security::Bytes& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error(ErrorCode::kIo, path + ": " + std::strerror(errno));
  std::size_t put = 0;
  while (put < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + put, bytes.size() - put);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    put += static_cast<std::size_t>(n);
  }
  const bool ok = put == bytes.size() && ::fsync(fd) == 0;
  const std::string reason = std::strerror(errno);
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return Error(ErrorCode::kIo, path + ": " + reason);
  }
  return std::nullopt;
}

int RunExport(const ExportArgs& args) {
  auto fail = [](const Error& e, int code) {
    std::cerr << "safelane evidence export: " << e.message << "\n";
    return code;
  };
  const std::filesystem::path data_dir(args.data_dir);
  const std::filesystem::path key_path(args.master_key);
  std::error_code ec_key;
  std::error_code ec_dir;
  const auto key_real = std::filesystem::weakly_canonical(key_path, ec_key).string();
  const auto dir_real = std::filesystem::weakly_canonical(data_dir, ec_dir).string();
  if (!ec_key && !ec_dir && key_real.rfind(dir_real + "/", 0) == 0) {
    spdlog::warn("the master key lies inside the data directory; keep it elsewhere");
  }
  auto master = security::LoadMasterKey(key_path);
  if (!master) return fail(master.error(), 2);
  const store::SystemClock clock;
  auto backend = store::ParseBackend(args.backend);
  if (!backend) return fail(backend.error(), 2);
  auto db = store::OpenStore({.backend = *backend,
                              .data_dir = data_dir,
                              .postgres = args.postgres,
                              .create = false,
                              .audit_signer = std::make_shared<const security::SigningKey>(
                                  store::AuditSigningKey(*master))},
                             clock);
  if (!db) return fail(db.error(), 2);
  auto vault = store::EvidenceVault::Open(data_dir / "vault", *master);
  if (!vault) return fail(vault.error(), 2);
  auto package = store::ExportEvidencePackage(**db, *vault, *master, args.violation_id,
                                              {args.actor, "cli", args.reason}, clock.Now());
  if (!package) return fail(package.error(), 1);
  if (auto e = WriteNewFile(args.out, *package)) return fail(*e, 1);
  std::cout << fmt::format("wrote {} ({} bytes) for violation {}\n", args.out, package->size(),
                           args.violation_id);
  return 0;
}

int RunVerify(const VerifyArgs& args) {
  std::optional<security::PublicKey> trusted;
  if (!args.store_key.empty()) {
    auto key = security::PublicKeyFromHex(args.store_key);
    if (!key) {
      std::cerr << "safelane evidence verify: --store-key: " << key.error().message << "\n";
      return 2;
    }
    trusted = *key;
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(args.package, ec);
  if (ec || size > kMaxPackageBytes) {
    std::cerr << "safelane evidence verify: " << args.package << ": "
              << (ec ? ec.message() : "larger than 2 GiB") << "\n";
    return 2;
  }
  std::ifstream in(args.package, std::ios::binary);
  const security::Bytes bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto report = store::VerifyEvidencePackage(bytes, trusted);
  if (args.json_output) {
    nlohmann::json out = {{"package", args.package}, {"verified", report.ok()}};
    if (report) {
      out["violation_id"] = report->violation_id;
      out["event_id"] = report->event_id;
      out["plate"] = report->plate;
      out["camera_id"] = report->camera_id;
      out["camera_key"] = report->camera_key_hex;
      out["store_key"] = report->store_key_hex;
      out["store_key_trusted"] = trusted.has_value();
      out["exported_by"] = report->exported_by;
      out["evidence_objects"] = report->evidence_objects;
      out["custody_entries"] = report->custody_entries;
    } else {
      out["error"] = report.error().message;
    }
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else if (report) {
    std::cout << fmt::format(
        "VERIFIED {}: violation {}, event {}, plate {}, camera {}\n"
        "  camera key {}\n  store key  {} ({})\n"
        "  {} evidence objects, {} custody entries, exported by {}\n",
        args.package, report->violation_id, report->event_id, report->plate, report->camera_id,
        report->camera_key_hex, report->store_key_hex,
        trusted ? "matches --store-key" : "not checked against a trusted key: pass --store-key",
        report->evidence_objects, report->custody_entries, report->exported_by);
  } else {
    std::cout << fmt::format("NOT VERIFIED {}: {}\n", args.package, report.error().message);
  }
  return report ? 0 : 1;
}

}  // namespace

void RegisterEvidenceCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("evidence", "Export and verify evidence packages");
  cmd->require_subcommand(1);

  auto export_args = std::make_shared<ExportArgs>();
  auto* exp = cmd->add_subcommand("export", "Write a signed evidence package for a violation");
  exp->add_option("violation", export_args->violation_id, "Violation id")
      ->required()
      ->check(CLI::PositiveNumber);
  exp->add_option("--out", export_args->out, "Package file to create (never overwritten)")
      ->required();
  exp->add_option("--actor", export_args->actor, "Who exports (recorded in the chain of custody)")
      ->required();
  exp->add_option("--reason", export_args->reason,
                  "Why (e.g. a case number and a written reason), recorded in the audit log");
  exp->add_option("--data-dir", export_args->data_dir, "Store data directory")
      ->default_val(kDefaultDataDir);
  exp->add_option("--backend", export_args->backend, "Store backend: sqlite or postgres")
      ->default_val("sqlite");
  exp->add_option("--postgres", export_args->postgres,
                  "PostgreSQL connection string (password in ~/.pgpass, not here)");
  exp->add_option("--master-key", export_args->master_key, "Master key file (mode 0600)")
      ->default_val(kDefaultMasterKey);
  exp->callback([export_args, &exit_code] { exit_code = RunExport(*export_args); });

  auto verify_args = std::make_shared<VerifyArgs>();
  auto* ver = cmd->add_subcommand("verify", "Check a package offline; any changed byte fails");
  ver->add_option("package", verify_args->package, "Package file")->required();
  ver->add_option("--store-key", verify_args->store_key,
                  "The store's published package key (64 hex digits): also proves origin");
  ver->add_flag("--json", verify_args->json_output, "One JSON line");
  ver->callback([verify_args, &exit_code] { exit_code = RunVerify(*verify_args); });

  auto key_path = std::make_shared<std::string>(kDefaultMasterKey);
  auto* key = cmd->add_subcommand("public-key", "Print the key this store signs packages with");
  key->add_option("--master-key", *key_path, "Master key file (mode 0600)")
      ->default_val(kDefaultMasterKey);
  key->callback([key_path, &exit_code] {
    auto master = security::LoadMasterKey(*key_path);
    if (!master) {
      std::cerr << "safelane evidence public-key: " << master.error().message << "\n";
      exit_code = 2;
      return;
    }
    std::cout << security::ToHex(store::PackageSigningKey(*master).public_key()) << "\n";
    exit_code = 0;
  });
}

}  // namespace safelane::cli
