#pragma once
// A real server for tests: a real SQLite store with a signed audit log, a real vault and
// master key, the real AccountService, a generated TLS identity, and HttpsServer on a
// free loopback port in its own thread. Clients are real TLS clients (httplib::SSLClient
// verifying the generated certificate). Time is a ManualClock shared by the sessions,
// the rate limiters and the accounts.

#include <gtest/gtest.h>
#include <httplib.h>
#include <sodium.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "security/account_service.h"
#include "security/permission.h"
#include "security/sha256.h"
#include "security/sodium_init.h"
#include "security/test_temp_dir.h"
#include "security/totp.h"
#include "server/camera_auth.h"
#include "server/https_server.h"
#include "store/audit_chain.h"
#include "store/event_manifest.h"
#include "store/sqlite_store.h"

namespace safelane::server {

inline const store::TimePoint kServerT0 = store::FromMillis(1'767'225'600'000);  // 2026-01-01
inline constexpr char kTestPassword[] = "orange tram at dawn";

// A signed-in caller: the session cookie and the CSRF token the sign-in returned.
struct Caller {
  std::string cookie;
  std::string csrf;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }
  void TearDown() override { StopServer(); }

  virtual RateLimit RequestLimit() const { return {1e6, 1e6, 100'000}; }
  virtual RateLimit SignInLimit() const { return {10, 10.0 / 3600, 100'000}; }

  void StartServer() {
    ASSERT_FALSE(security::InitSodium().has_value());
    auto master = security::CreateMasterKeyFile(dir_ / "master.key");
    ASSERT_TRUE(master.ok()) << master.error().message;
    master_ = std::make_unique<security::MasterKey>(std::move(*master));
    auto opened = store::SqliteStore::Open(
        dir_ / "data", clock_,
        {.audit_signer =
             std::make_shared<const security::SigningKey>(store::AuditSigningKey(*master_))});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
    auto vault = store::EvidenceVault::Open(dir_ / "data" / "vault", *master_);
    ASSERT_TRUE(vault.ok()) << vault.error().message;
    vault_ = std::make_unique<store::EvidenceVault>(std::move(*vault));
    ctx_ = std::make_unique<ServerContext>(*store_, *vault_, *master_, clock_, SessionLimits{},
                                           RequestLimit(), SignInLimit());
    // The installer's sandbox, as safelane serve opens it: data/sandbox, its own vault.
    auto sandbox = store::SqliteStore::Open(dir_ / "data" / "sandbox", clock_);
    ASSERT_TRUE(sandbox.ok()) << sandbox.error().message;
    sandbox_store_ = std::move(*sandbox);
    auto sandbox_vault = store::EvidenceVault::Open(dir_ / "data" / "sandbox" / "vault", *master_);
    ASSERT_TRUE(sandbox_vault.ok()) << sandbox_vault.error().message;
    sandbox_vault_ = std::make_unique<store::EvidenceVault>(std::move(*sandbox_vault));
    ctx_->sandbox_store = sandbox_store_.get();
    ctx_->sandbox_vault = sandbox_vault_.get();
    security::AccountOptions options;
    options.hash_cost = security::PasswordHashCost::Minimum();  // real argon2id, least cost
    ServerContext* ctx = ctx_.get();
    accounts_ = std::make_unique<security::AccountService>(
        [ctx](const std::function<void(store::Store&)>& fn) { RunWithStore(*ctx, fn); }, *master_,
        clock_, options);
    ctx_->accounts = accounts_.get();
    auto tls = EnsureTlsIdentity(dir_ / "server.crt", dir_ / "server.key", "127.0.0.1");
    ASSERT_TRUE(tls.ok()) << tls.error().message;
    tls_ = *tls;
    ServerOptions server_options;
    server_options.host = "127.0.0.1";
    server_options.port = 0;
    server_options.tls = tls_;
    server_options.threads = 4;
    auto server = HttpsServer::Create(*ctx_, server_options);
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
    // Stop() before the listener runs would be lost, and TearDown would wait forever.
    for (int i = 0; i < 10'000 && !server_->is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_TRUE(server_->is_running());
  }

  void StopServer() {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  std::unique_ptr<httplib::SSLClient> Client() const {
    auto client = std::make_unique<httplib::SSLClient>("127.0.0.1", port_);
    client->set_ca_cert_path(tls_.certificate.c_str());
    client->enable_server_certificate_verification(true);
    client->set_connection_timeout(5);
    client->set_read_timeout(20);
    return client;
  }

  httplib::Result Send(const std::string& method, const std::string& path,
                       const std::string& body = "", const Caller* caller = nullptr,
                       httplib::Headers headers = {}) const {
    if (caller != nullptr) {
      headers.emplace("Cookie", std::string(kSessionCookie) + "=" + caller->cookie);
      headers.emplace(kCsrfHeader, caller->csrf);
    }
    auto client = Client();
    if (method == "GET") return client->Get(path.c_str(), headers);
    if (method == "DELETE") return client->Delete(path.c_str(), headers, body, "application/json");
    return client->Post(path.c_str(), headers, body, "application/json");
  }

  // Creates, activates and (where the role needs it) MFA-enrols a user through
  // AccountService; returns the TOTP secret (empty without MFA).
  security::Bytes MakeUser(const std::string& name, security::Role role) {
    if (!have_admin_) {
      auto first = accounts_->InitFirstAdministrator("root.admin", "Root", {"cli", "cli", ""});
      EXPECT_TRUE(first.ok()) << first.error().message;
      have_admin_ = true;
    }
    auto token = accounts_->CreateUser(name, "Name of " + name, role, {"cli", "cli", ""});
    EXPECT_TRUE(token.ok()) << token.error().message;
    auto activated = accounts_->Activate(name, token->token, kTestPassword, "cli");
    EXPECT_TRUE(activated.ok()) << activated.error().message;
    if (!security::RoleRequiresMfa(role)) return {};
    auto enrol = accounts_->EnrollTotp(name, {name, "cli", ""});
    EXPECT_TRUE(enrol.ok()) << enrol.error().message;
    auto secret = security::Base32Decode(enrol->secret_base32);
    EXPECT_TRUE(secret.ok());
    EXPECT_TRUE(accounts_->ConfirmTotp(name, Code(*secret), {name, "cli", ""}).ok());
    clock_.Advance(std::chrono::seconds(30));  // a sign-in needs a fresh TOTP step
    return *secret;
  }

  std::string Code(const security::Bytes& secret) const {
    return security::TotpCode(secret, store::ToMillis(clock_.Now()) / 1000);
  }

  // Signs in over HTTPS; an empty cookie when refused.
  Caller SignIn(const std::string& name, const security::Bytes& secret,
                const std::string& password = kTestPassword) {
    nlohmann::json body = {{"username", name}, {"password", password}};
    if (!secret.empty()) body["totp_code"] = Code(secret);
    auto res = Send("POST", "/api/v1/session", body.dump());
    if (!secret.empty()) clock_.Advance(std::chrono::seconds(30));
    if (!res || res->status != 200) return {};
    const std::string set_cookie = res->get_header_value("Set-Cookie");
    const std::string prefix = std::string(kSessionCookie) + "=";
    const auto start = set_cookie.find(prefix);
    if (start == std::string::npos) return {};
    const auto end = set_cookie.find(';', start);
    Caller caller;
    caller.cookie = set_cookie.substr(start + prefix.size(), end - start - prefix.size());
    caller.csrf = nlohmann::json::parse(res->body)["csrf_token"].get<std::string>();
    return caller;
  }

  // One signed-in caller for every role, keyed by role.
  std::map<security::Role, Caller> CallerPerRole() {
    std::map<security::Role, Caller> out;
    for (const auto role : security::AllRoles()) {
      const std::string name = "user." + std::string(security::RoleName(role));
      const auto secret = MakeUser(name, role);
      out[role] = SignIn(name, secret);
      EXPECT_FALSE(out[role].cookie.empty()) << name;
    }
    return out;
  }

  testing::TempDir dir_;
  store::ManualClock clock_{kServerT0};
  std::unique_ptr<security::MasterKey> master_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<store::EvidenceVault> vault_;
  std::unique_ptr<store::SqliteStore> sandbox_store_;
  std::unique_ptr<store::EvidenceVault> sandbox_vault_;
  std::unique_ptr<ServerContext> ctx_;
  std::unique_ptr<security::AccountService> accounts_;
  TlsIdentity tls_;
  std::unique_ptr<HttpsServer> server_;
  std::thread thread_;
  int port_ = 0;
  bool have_admin_ = false;
};

// A server with enrolled cameras that send signed events.
class CameraIngestTest : public ServerTest {
 protected:
  using json = nlohmann::json;

  // An enrolled camera through the admin API; returns its key.
  security::SigningKey Enrol(const Caller& admin, const std::string& id) {
    auto key = security::SigningKey::Generate();
    EXPECT_TRUE(key.ok());
    json body = {{"camera_id", id},
                 {"name", "Chilonzor 1"},
                 {"latitude", 41.28},
                 {"longitude", 69.20},
                 {"heading_deg", 90.0},
                 {"city", "Tashkent"},
                 {"public_key", security::ToHex(key->public_key())}};
    auto res = Send("POST", "/api/v1/cameras", body.dump(), &admin);
    EXPECT_EQ(res->status, 201) << res->body;
    return std::move(key).value();
  }

  // An ingest body: one event signed with the camera's key, as a camera node sends it.
  std::string EventsBody(const security::SigningKey& key, const std::string& camera_id,
                         const std::string& event_id, const std::string& evidence = "",
                         const std::string& plate = "01A123BC") const {
    store::ReadEvent event;
    event.event_id = event_id;
    event.camera_id = camera_id;
    event.captured_at = clock_.Now();
    event.plate = plate;
    event.confidence = 0.9;
    event.vehicle_class = "car";
    json objects = json::array();
    if (!evidence.empty()) {
      event.evidence.push_back(
          {"overview", security::Sha256Hex(security::AsBytes(evidence)), evidence.size()});
      std::string b64(sodium_base64_ENCODED_LEN(evidence.size(), sodium_base64_VARIANT_ORIGINAL),
                      '\0');
      sodium_bin2base64(b64.data(), b64.size(),
                        reinterpret_cast<const unsigned char*>(evidence.data()), evidence.size(),
                        sodium_base64_VARIANT_ORIGINAL);
      b64.resize(b64.find('\0'));
      objects.push_back(b64);
    }
    const std::string manifest = store::ManifestJson(event);
    const std::string signature = security::ToHex(key.Sign(security::AsBytes(manifest)));
    return json{
        {"events", json::array({json{
                       {"manifest", manifest}, {"signature", signature}, {"evidence", objects}}})}}
        .dump();
  }

  httplib::Result Ingest(const security::SigningKey& key, const std::string& camera_id,
                         const std::string& event_id, const std::string& evidence = "",
                         const std::string& plate = "01A123BC") {
    const std::string body = EventsBody(key, camera_id, event_id, evidence, plate);
    const std::string time = std::to_string(store::ToMillis(clock_.Now()));
    const std::string input = CameraSigningInput("POST", "/api/v1/ingest", camera_id, time, body);
    httplib::Headers headers = {
        {"X-SafeLane-Camera", camera_id},
        {"X-SafeLane-Time", time},
        {"X-SafeLane-Signature", security::ToHex(key.Sign(security::AsBytes(input)))}};
    return Send("POST", "/api/v1/ingest", body, nullptr, headers);
  }
};

}  // namespace safelane::server
