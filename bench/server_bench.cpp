// safelane-bench-server: the real HTTPS server (src/server) on loopback for the wrk load
// test in bench/server_load.sh. It opens a fresh store in a temporary directory with 200
// open violations, creates an auditor and an operator through AccountService (real
// argon2id at the production cost; the operator with TOTP, as the role demands), signs
// both in over HTTPS like any client (password, and password + TOTP code), prints
// "URL AUDITOR_COOKIE OPERATOR_COOKIE" on stdout and serves until stdin closes. The
// per-address rate limit is raised so that wrk measures the server, not the limiter.

#include <httplib.h>
#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): mkdtemp is POSIX

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "security/account_service.h"
#include "security/sodium_init.h"
#include "security/totp.h"
#include "server/https_server.h"
#include "store/audit_chain.h"
#include "store/sqlite_store.h"

namespace {

using namespace safelane;  // NOLINT(google-build-using-namespace): a small program

int Fail(const std::string& what) {
  std::cerr << "safelane-bench-server: " << what << "\n";
  return 1;
}

}  // namespace

int main() {
  if (auto e = security::InitSodium()) return Fail(e->message);
  std::string pattern = (std::filesystem::temp_directory_path() / "safelane-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return Fail("mkdtemp");
  const std::filesystem::path dir = pattern;
  auto master = security::CreateMasterKeyFile(dir / "master.key");
  if (!master.ok()) return Fail(master.error().message);
  const store::SystemClock clock;
  auto db = store::SqliteStore::Open(dir / "data", clock,
                                     {.audit_signer = std::make_shared<const security::SigningKey>(
                                          store::AuditSigningKey(*master))});
  if (!db.ok()) return Fail(db.error().message);
  auto vault = store::EvidenceVault::Open(dir / "data" / "vault", *master);
  if (!vault.ok()) return Fail(vault.error().message);
  server::ServerContext ctx(**db, *vault, *master, clock, {}, {1e9, 1e9, 100'000},
                            {20, 20.0 / 3600, 100'000});
  security::AccountService accounts(
      [&ctx](const std::function<void(store::Store&)>& fn) { server::RunWithStore(ctx, fn); },
      *master, clock);
  ctx.accounts = &accounts;
  const security::Actor cli{"cli", "cli", "load test"};
  if (auto admin = accounts.InitFirstAdministrator("bench.admin", "Bench", cli); !admin.ok()) {
    return Fail(admin.error().message);
  }
  auto token = accounts.CreateUser("bench.auditor", "Bench", security::Role::kAuditor, cli);
  if (!token.ok()) return Fail(token.error().message);
  const std::string password = "violet lanterns over the river";
  if (auto a = accounts.Activate("bench.auditor", token->token, password, "cli"); !a.ok()) {
    return Fail(a.error().message);
  }
  // The operator: password, then TOTP enrolment confirmed with the current code. Sign-in
  // below uses the next step's code (inside the +-1 step window), as a fresh step must.
  auto op_token = accounts.CreateUser("bench.operator", "Bench", security::Role::kOperator, cli);
  if (!op_token.ok()) return Fail(op_token.error().message);
  if (auto a = accounts.Activate("bench.operator", op_token->token, password, "cli"); !a.ok()) {
    return Fail(a.error().message);
  }
  const security::Actor op{"bench.operator", "cli", ""};
  auto enrol = accounts.EnrollTotp("bench.operator", op);
  if (!enrol.ok()) return Fail(enrol.error().message);
  auto secret = security::Base32Decode(enrol->secret_base32);
  if (!secret.ok()) return Fail(secret.error().message);
  const std::int64_t now_s = store::ToMillis(clock.Now()) / 1000;
  if (auto c = accounts.ConfirmTotp("bench.operator", security::TotpCode(*secret, now_s), op);
      !c.ok()) {
    return Fail(c.error().message);
  }
  const std::string op_code = security::TotpCode(*secret, now_s + security::kTotpStepSeconds);

  // A review queue to page through: one camera, 200 reads, a violation each.
  store::Camera camera;
  camera.id = "bench-cam";
  camera.name = "Bench";
  camera.city = "Tashkent";
  if (auto r = (*db)->RegisterCamera(camera); !r.ok()) return Fail(r.error().message);
  std::vector<store::SignedRead> reads(200);
  for (std::size_t i = 0; i < reads.size(); ++i) {
    reads[i].event = {"bench-" + std::to_string(i),
                      "bench-cam",
                      clock.Now(),
                      "01A123BC",
                      0.9,
                      "uz",
                      "car",
                      "white",
                      {}};
  }
  if (auto r = (*db)->InsertReads(reads, clock.Now()); !r.ok()) return Fail(r.error().message);
  for (const auto& r : reads) {
    if (auto v = (*db)->CreateViolation(r.event.event_id, "red_light", clock.Now()); !v.ok()) {
      return Fail(v.error().message);
    }
  }

  auto tls = server::EnsureTlsIdentity(dir / "server.crt", dir / "server.key", "127.0.0.1");
  if (!tls.ok()) return Fail(tls.error().message);
  server::ServerOptions options;
  options.port = 0;
  options.tls = *tls;
  options.threads = 8;
  auto http = server::HttpsServer::Create(ctx, options);
  if (!http.ok()) return Fail(http.error().message);
  auto port = (*http)->Bind();
  if (!port.ok()) return Fail(port.error().message);
  std::thread serving([&] { (*http)->Run(); });
  while (!(*http)->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  httplib::SSLClient client("127.0.0.1", *port);
  client.set_ca_cert_path(tls->certificate.c_str());
  client.enable_server_certificate_verification(true);
  const auto sign_in = [&](const std::string& body) -> std::string {
    auto res = client.Post("/api/v1/session", body, "application/json");
    if (!res || res->status != 200) return "";
    const std::string cookie = res->get_header_value("Set-Cookie");
    const auto start = cookie.find('=') + 1;
    return cookie.substr(start, cookie.find(';') - start);
  };
  const std::string auditor =
      sign_in(R"({"username":"bench.auditor","password":")" + password + R"("})");
  const std::string operator_cookie = sign_in(R"({"username":"bench.operator","password":")" +
                                              password + R"(","totp_code":")" + op_code + R"("})");
  if (auditor.empty() || operator_cookie.empty()) return Fail("sign-in failed");
  std::cout << "https://127.0.0.1:" << *port << " " << auditor << " " << operator_cookie
            << std::endl;

  std::string line;
  while (std::getline(std::cin, line)) {
  }
  (*http)->Stop();
  serving.join();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
