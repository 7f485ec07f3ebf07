// The server end to end over real TLS: the route-permission walk over the route table
// itself, brute force, sessions, CSRF, headers, protocol versions, camera ingest.

#include <openssl/ssl.h>
#include <sodium.h>
#include <sys/socket.h>

#include <array>
#include <random>
#include <set>
#include <vector>

#include "security/sha256.h"
#include "server/camera_auth.h"
#include "server/route_table.h"
#include "server/server_test_fixture.h"
#include "store/event_manifest.h"
#include "store/evidence_package.h"

namespace safelane::server {
namespace {

using nlohmann::json;
using security::Permission;
using security::Role;

// A concrete path for a pattern: every {name} becomes a plausible value.
std::string ConcretePath(std::string_view pattern) {
  std::string out;
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      const std::size_t end = pattern.find('}', i);
      out += pattern.substr(i, end - i) == "{sha256" ? std::string(64, 'a') : "1";
      i = end + 1;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

// A refusal carries {"error", "message"} and nothing else.
void ExpectNoData(const httplib::Result& res, const std::string& what) {
  ASSERT_TRUE(res) << what;
  const json body = json::parse(res->body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << what << ": " << res->body;
  std::set<std::string> keys;
  for (const auto& [k, v] : body.items()) keys.insert(k);
  EXPECT_EQ(keys, (std::set<std::string>{"error", "message"})) << what << ": " << res->body;
}

// A body that satisfies a route's case-number rule, so the refusal tested is the one of
// the route's permission, not a missing field.
std::string BodyFor(const Route& route) {
  if (route.access.kind() == RouteAccess::Kind::kSession &&
      security::RequiresCaseReason(route.access.permission())) {
    return json{{"case_number", "2026/1"}, {"reason", "route permission walk"}}.dump();
  }
  return "{}";
}

TEST_F(ServerTest, EveryRouteRefusesAnonymousCallersAndWrongRolesWithoutData) {
  const auto callers = CallerPerRole();
  int checked = 0;
  for (const Route& route : Routes()) {  // the table itself
    const std::string path = ConcretePath(route.pattern);
    const std::string what = std::string(route.method) + " " + path;
    if (route.access.kind() == RouteAccess::Kind::kPublic) continue;
    auto anonymous = Send(std::string(route.method), path, BodyFor(route));
    ASSERT_TRUE(anonymous) << what;
    EXPECT_EQ(anonymous->status, 401) << what;
    ExpectNoData(anonymous, what + " anonymous");
    ++checked;
    for (const auto& [role, caller] : callers) {
      const std::string who = what + " as " + std::string(security::RoleName(role));
      const bool camera_route = route.access.kind() == RouteAccess::Kind::kCamera;
      if (!camera_route && security::RoleHas(role, route.access.permission())) continue;
      auto res = Send(std::string(route.method), path, BodyFor(route), &caller);
      ASSERT_TRUE(res) << who;
      EXPECT_EQ(res->status, camera_route ? 401 : 403) << who;
      ExpectNoData(res, who);
      ++checked;
    }
  }
  EXPECT_GT(checked, 60);
  // The walk proves refusals; these prove the sessions were real.
  auto me = Send("GET", "/api/v1/me", "", &callers.at(Role::kAuditor));
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
  auto audit = Send("GET", "/api/v1/audit?limit=5", "", &callers.at(Role::kAuditor));
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->status, 200) << audit->body;
}

TEST_F(ServerTest, UnknownPathsAre404WithoutDataAndCarrySecurityHeaders) {
  for (const std::string path : {"/", "/api", "/api/v1/", "/api/v1/users/../audit",
                                 "/api/v1/reads/a b", "/admin", "/api/v2/health"}) {
    auto res = Send("GET", path);
    ASSERT_TRUE(res) << path;
    EXPECT_TRUE(res->status == 404 || res->status == 400) << path << " " << res->status;
    EXPECT_EQ(res->get_header_value("X-Frame-Options"), "DENY") << path;
  }
  auto res = Send("GET", "/api/v1/nothing");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  ExpectNoData(res, "unknown path");
  for (const auto* r : {&res}) {
    const auto& h = **r;
    EXPECT_NE(h.get_header_value("Strict-Transport-Security").find("max-age="), std::string::npos);
    const std::string csp = h.get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
    EXPECT_NE(csp.find("object-src 'none'"), std::string::npos);
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(h.get_header_value("X-Frame-Options"), "DENY");
    EXPECT_EQ(h.get_header_value("Referrer-Policy"), "no-referrer");
    EXPECT_EQ(h.get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(h.get_header_value("Cache-Control"), "no-store");
  }
  auto health = Send("GET", "/api/v1/health", "", nullptr, {{"Accept-Encoding", "gzip, br"}});
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->get_header_value("Cache-Control"), "no-store");
  EXPECT_FALSE(health->has_header("Content-Encoding")) << "no HTTP compression (BREACH)";
}

TEST_F(ServerTest, SessionCookieFlagsIdleAndAbsoluteTimeouts) {
  const auto secret = MakeUser("aud.one", Role::kAuditor);
  json body = {{"username", "aud.one"}, {"password", kTestPassword}};
  auto res = Send("POST", "/api/v1/session", body.dump());
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const std::string cookie = res->get_header_value("Set-Cookie");
  EXPECT_EQ(cookie.rfind(std::string(kSessionCookie) + "=", 0), 0u) << cookie;
  for (const char* flag : {"; HttpOnly", "; Secure", "; SameSite=Strict", "; Path=/"}) {
    EXPECT_NE(cookie.find(flag), std::string::npos) << flag << " in " << cookie;
  }
  EXPECT_EQ(cookie.find("Domain="), std::string::npos);

  Caller caller = SignIn("aud.one", secret);
  ASSERT_FALSE(caller.cookie.empty());
  clock_.Advance(std::chrono::minutes(14));
  EXPECT_EQ(Send("GET", "/api/v1/me", "", &caller)->status, 200) << "within idle timeout";
  clock_.Advance(std::chrono::minutes(15));
  EXPECT_EQ(Send("GET", "/api/v1/me", "", &caller)->status, 401) << "idle timeout";

  caller = SignIn("aud.one", secret);
  for (int i = 0; i < 47; ++i) {  // active every 10 minutes for 7 h 50 min
    clock_.Advance(std::chrono::minutes(10));
    ASSERT_EQ(Send("GET", "/api/v1/me", "", &caller)->status, 200) << i;
  }
  clock_.Advance(std::chrono::minutes(10));
  EXPECT_EQ(Send("GET", "/api/v1/me", "", &caller)->status, 401) << "absolute timeout";
}

TEST_F(ServerTest, SignInRotatesTheSessionAndSignOutEndsIt) {
  MakeUser("aud.two", Role::kAuditor);
  const Caller first = SignIn("aud.two", {});
  const Caller second = SignIn("aud.two", {});
  ASSERT_FALSE(first.cookie.empty());
  EXPECT_NE(first.cookie, second.cookie);
  EXPECT_NE(first.csrf, second.csrf);
  // Signing in while presenting a session drops it.
  httplib::Headers planted = {{"Cookie", std::string(kSessionCookie) + "=" + first.cookie}};
  auto res =
      Send("POST", "/api/v1/session",
           json{{"username", "aud.two"}, {"password", kTestPassword}}.dump(), nullptr, planted);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/me", "", &first)->status, 401);
  EXPECT_EQ(Send("DELETE", "/api/v1/session", "", &second)->status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/me", "", &second)->status, 401);
}

TEST_F(ServerTest, StateChangingRequestsNeedTheCsrfTokenAndOurOrigin) {
  MakeUser("aud.three", Role::kAuditor);
  Caller caller = SignIn("aud.three", {});
  Caller no_token{caller.cookie, ""};
  auto res = Send("DELETE", "/api/v1/session", "", &no_token);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  ExpectNoData(res, "no csrf token");
  Caller wrong_token{caller.cookie, std::string(64, '0')};
  EXPECT_EQ(Send("DELETE", "/api/v1/session", "", &wrong_token)->status, 403);
  res = Send("DELETE", "/api/v1/session", "", &caller, {{"Origin", "https://evil.example"}});
  EXPECT_EQ(res->status, 403);
  res = Send("POST", "/api/v1/session",
             json{{"username", "aud.three"}, {"password", kTestPassword}}.dump(), nullptr,
             {{"Origin", "https://evil.example"}});
  EXPECT_EQ(res->status, 403) << "login CSRF";
  EXPECT_EQ(Send("GET", "/api/v1/me", "", &caller)->status, 200) << "still signed in";
  res = Send("DELETE", "/api/v1/session", "", &caller,
             {{"Origin", "https://127.0.0.1:" + std::to_string(port_)}});
  EXPECT_EQ(res->status, 200) << res->body;
}

TEST_F(ServerTest, LockoutHoldsPerAccountAndPerAddress) {
  MakeUser("aud.four", Role::kAuditor);
  // Per account: AccountService locks after 5 failures; the right password is then refused.
  for (int i = 0; i < 5; ++i) {
    auto res =
        Send("POST", "/api/v1/session",
             json{{"username", "aud.four"}, {"password", "guess " + std::to_string(i)}}.dump());
    ASSERT_EQ(res->status, 401);
    ExpectNoData(res, "refused sign-in");
  }
  EXPECT_TRUE(SignIn("aud.four", {}).cookie.empty()) << "locked account signed in";
  // Per address: the server's failure budget (10 an hour here) then refuses everyone from
  // this address, before any password is checked, whatever the account.
  MakeUser("aud.five", Role::kAuditor);
  int refused_early = 0;
  for (int i = 0; i < 12; ++i) {
    auto res = Send("POST", "/api/v1/session",
                    json{{"username", "nobody" + std::to_string(i)}, {"password", "x"}}.dump());
    refused_early += res->status == 429 ? 1 : 0;
  }
  EXPECT_GE(refused_early, 6);
  EXPECT_TRUE(SignIn("aud.five", {}).cookie.empty()) << "address budget spent";
  clock_.Advance(std::chrono::hours(2));  // the bucket refills
  EXPECT_FALSE(SignIn("aud.five", {}).cookie.empty());
}

TEST_F(ServerTest, InvestigatorSearchNeedsCaseAndReasonWhichAreAudited) {
  const auto secret = MakeUser("inv.one", Role::kInvestigator);
  Caller caller = SignIn("inv.one", secret);
  ASSERT_FALSE(caller.cookie.empty());
  auto res = Send("POST", "/api/v1/reads/search", json{{"plate", "01A*"}}.dump(), &caller);
  EXPECT_EQ(res->status, 400);
  ExpectNoData(res, "no case");
  res = Send("POST", "/api/v1/vehicles/journey",
             json{{"plate", "01A123BC"}, {"case_number", "2026/7"}}.dump(), &caller);
  EXPECT_EQ(res->status, 400) << "no reason";
  res = Send("POST", "/api/v1/reads/search",
             json{{"plate", "01A*"},
                  {"case_number", "2026/7"},
                  {"reason", "stolen car report 114"},
                  {"colour", 3}}
                 .dump(),
             &caller);
  EXPECT_EQ(res->status, 400) << "wrong type";
  EXPECT_NE(res->body.find("colour"), std::string::npos) << res->body;
  res = Send("POST", "/api/v1/reads/search",
             json{{"plate", "01A*"},
                  {"case_number", "2026/7"},
                  {"reason", "stolen car report 114"},
                  {"extra", true}}
                 .dump(),
             &caller);
  EXPECT_EQ(res->status, 400) << "unknown field";
  res = Send("POST", "/api/v1/reads/search",
             json{{"plate", "01A*"}, {"case_number", "2026/7"}, {"reason", "stolen car report 114"}}
                 .dump(),
             &caller);
  ASSERT_EQ(res->status, 200) << res->body;
  auto entries = ctx_->WithStore([](store::Store& s) { return s.ListAudit(0, 1000); });
  ASSERT_TRUE(entries.ok());
  bool found = false;
  for (const auto& e : *entries) {
    if (e.action != "reads.search") continue;
    found = true;
    EXPECT_EQ(e.actor, "inv.one");
    EXPECT_EQ(e.source, "127.0.0.1");
    EXPECT_EQ(e.reason, "case 2026/7: stolen car report 114");
    EXPECT_EQ(e.subject, "plate:01A*");
  }
  EXPECT_TRUE(found);
}

// Raw OpenSSL client limited to one protocol version and (up to TLS 1.2) the given
// cipher suites.
bool HandshakeWith(int port, int version, const char* ciphers = "ALL:@SECLEVEL=0") {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_security_level(ctx, 0);  // let the client offer old versions at all
  SSL_CTX_set_min_proto_version(ctx, version);
  SSL_CTX_set_max_proto_version(ctx, version);
  SSL_CTX_set_cipher_list(ctx, ciphers);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    ok = SSL_connect(ssl) == 1;
    SSL_free(ssl);
  }
  ::close(fd);
  SSL_CTX_free(ctx);
  return ok;
}

TEST_F(ServerTest, OnlyTls12AndLaterAreAccepted) {
  EXPECT_FALSE(HandshakeWith(port_, TLS1_VERSION));
  EXPECT_FALSE(HandshakeWith(port_, TLS1_1_VERSION));
  EXPECT_TRUE(HandshakeWith(port_, TLS1_2_VERSION));
  EXPECT_TRUE(HandshakeWith(port_, TLS1_3_VERSION));
}

// Sends `request` as raw bytes over TLS, ends the write side, returns what came back.
std::string RawTlsExchange(int port, const std::string& request) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{0, 400'000};  // a request the server still waits on counts as unanswered
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1) {
      SSL_write(ssl, request.data(), static_cast<int>(request.size()));
      SSL_shutdown(ssl);  // close_notify: the server sees the end of the request stream
      std::array<char, 4096> buffer{};
      for (int n = 0; (n = SSL_read(ssl, buffer.data(), buffer.size())) > 0;) {
        answer.append(buffer.data(), static_cast<std::size_t>(n));
      }
    }
    SSL_free(ssl);
  }
  ::close(fd);
  SSL_CTX_free(ctx);
  return answer;
}

// Mutation fuzzing of the whole HTTP request (request line, headers, framing, body) against
// the real server (bounded: 120 requests). Every answer is an HTTP refusal or a public
// route's answer, never a 5xx or data; afterwards the server still answers.
TEST_F(ServerTest, SurvivesMutatedRawHttpRequests) {
  const std::vector<std::string> seeds = {
      "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
      "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: 33\r\nConnection: close\r\n\r\n{\"username\":\"a.b\",\"password\":\"x\"}",
      "GET /api/v1/audit?after=0&limit=5 HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: "
      "__Host-safelane_session=abc\r\nConnection: close\r\n\r\n",
      "POST /api/v1/reads/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n5\r\n{\"a\":\r\n0\r\n\r\n",
  };
  const std::string alphabet = "\r\n :/?&=%{}\"0123456789abcdefGHIJ\x00\xff\t-";
  std::mt19937 rng(5);
  int answered = 0;
  for (int i = 0; i < 120; ++i) {
    std::string request = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % request.size();
      switch (rng() % 4) {
        case 0: request[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: request.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        case 2: request.erase(at, 1 + rng() % 4); break;
        default: request.insert(at, request.substr(rng() % request.size(), rng() % 24)); break;
      }
    }
    const std::string answer = RawTlsExchange(port_, request);
    if (answer.empty()) continue;  // the server may close a malformed stream
    ++answered;
    ASSERT_EQ(answer.rfind("HTTP/1.1 ", 0), 0U) << answer;
    const int status = std::stoi(answer.substr(9, 3));
    EXPECT_LT(status, 500) << request << "\n" << answer;
    if (status == 200) {
      EXPECT_NE(answer.find("\"status\""), std::string::npos)
          << "only health answers 200: " << answer;
    }
  }
  EXPECT_GT(answered, 30) << "most mutated requests get an answer";
  auto health = Send("GET", "/api/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(ServerTest, Tls12OffersOnlyForwardSecretAeadCiphers) {
  // The server's key is P-256, so an ECDSA suite fails only by the server's cipher list.
  EXPECT_TRUE(HandshakeWith(port_, TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256"));
  EXPECT_TRUE(HandshakeWith(port_, TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305"));
  for (const char* weak : {"ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384",
                           "ECDHE-ECDSA-AES128-SHA256", "AES128-GCM-SHA256", "DES-CBC3-SHA"}) {
    EXPECT_FALSE(HandshakeWith(port_, TLS1_2_VERSION, weak)) << weak;
  }
}

TEST_F(ServerTest, PlainHttpIsRefusedOffLoopback) {
  ServerOptions options;
  options.host = "0.0.0.0";
  options.allow_plain_http = true;
  auto refused = HttpsServer::Create(*ctx_, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kBadConfig);
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_FALSE(IsLoopbackHost("192.168.1.10"));
  EXPECT_FALSE(IsLoopbackHost("::"));
}

TEST_F(CameraIngestTest, EnrolledCamerasIngestRevokedAndUnknownOnesAreRefused) {
  const auto secret = MakeUser("adm.one", Role::kAdministrator);
  const Caller admin = SignIn("adm.one", secret);
  ASSERT_FALSE(admin.cookie.empty());
  const auto key = Enrol(admin, "cam-1");
  auto res = Ingest(key, "cam-1", "ev-1");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["results"][0]["status"], "accepted") << res->body;

  auto stranger = security::SigningKey::Generate();
  EXPECT_EQ(Ingest(*stranger, "cam-9", "ev-2")->status, 401) << "unknown camera";
  EXPECT_EQ(Ingest(*stranger, "cam-1", "ev-3")->status, 401) << "wrong key";
  EXPECT_EQ(Send("POST", "/api/v1/cameras", "{}", &admin)->status, 400);
  auto again = Send("POST", "/api/v1/cameras/cam-1/revoke", "{}", &admin);
  ASSERT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(Ingest(key, "cam-1", "ev-4")->status, 401) << "revoked camera";
  const auto key2 = Enrol(admin, "cam-2");
  EXPECT_EQ(Ingest(key2, "cam-2", "ev-5")->status, 200) << "other cameras unaffected";
}

// A case from camera to package: ingest with evidence, the operator views the violation
// and its evidence, the supervisor confirms and approves a notice, the investigator
// exports the package with a case number; every look-up is in the audit log.
TEST_F(CameraIngestTest, ViolationEvidenceDecisionNoticeAndExportAreServedAndAudited) {
  const Caller admin = SignIn("adm.two", MakeUser("adm.two", Role::kAdministrator));
  const Caller op = SignIn("op.two", MakeUser("op.two", Role::kOperator));
  const Caller sup = SignIn("sup.two", MakeUser("sup.two", Role::kSupervisor));
  const Caller inv = SignIn("inv.two", MakeUser("inv.two", Role::kInvestigator));
  const auto key = Enrol(admin, "cam-7");
  const std::string photo = "not really a jpeg, but bytes all the same";
  auto ingested = Ingest(key, "cam-7", "ev-70", photo);
  ASSERT_EQ(ingested->status, 200) << ingested->body;
  ASSERT_EQ(json::parse(ingested->body)["results"][0]["status"], "accepted") << ingested->body;
  auto violation = ctx_->WithStore(
      [&](store::Store& s) { return s.CreateViolation("ev-70", "red_light", clock_.Now()); });
  ASSERT_TRUE(violation.ok()) << violation.error().message;
  const std::string base = "/api/v1/violations/" + std::to_string(violation->id);

  auto view = Send("GET", base, "", &op);
  ASSERT_EQ(view->status, 200) << view->body;
  EXPECT_EQ(json::parse(view->body)["read"]["plate"], "01A123BC");
  const std::string sha = security::Sha256Hex(security::AsBytes(photo));
  auto bytes = Send("GET", "/api/v1/reads/ev-70/evidence/" + sha, "", &op);
  ASSERT_EQ(bytes->status, 200);
  EXPECT_EQ(bytes->body, photo);
  EXPECT_EQ(Send("GET", "/api/v1/reads/ev-70/evidence/" + std::string(64, 'b'), "", &op)->status,
            404);

  EXPECT_EQ(Send("POST", base + "/decision", json{{"outcome", "maybe"}}.dump(), &sup)->status, 400);
  auto decided = Send("POST", base + "/decision",
                      json{{"outcome", "confirmed"}, {"note", "clear red light"}}.dump(), &sup);
  ASSERT_EQ(decided->status, 200) << decided->body;
  auto notice = Send("POST", base + "/notices",
                     json{{"amount_minor", 50000000}, {"currency", "UZS"}}.dump(), &sup);
  ASSERT_EQ(notice->status, 201) << notice->body;

  auto package =
      Send("POST", base + "/export",
           json{{"case_number", "2026/9"}, {"reason", "court hearing 12 March"}}.dump(), &inv);
  ASSERT_EQ(package->status, 200) << package->body;
  EXPECT_EQ(package->get_header_value("Content-Type"), "application/zip");
  auto verified = store::VerifyEvidencePackage(security::AsBytes(package->body), std::nullopt);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->exported_by, "inv.two");

  auto entries = ctx_->WithStore([](store::Store& s) { return s.ListAudit(0, 1000); });
  ASSERT_TRUE(entries.ok());
  std::set<std::string> actions;
  for (const auto& e : *entries) actions.insert(e.action + " by " + e.actor);
  for (const char* expected :
       {"camera.enrol by adm.two", "violation.view by op.two", "evidence.view by op.two",
        "violation.decide by sup.two", "notice.approve by sup.two", "evidence.export by inv.two"}) {
    EXPECT_TRUE(actions.count(expected)) << expected;
  }
  auto intact = ctx_->WithStore([&](store::Store& s) {
    return s.VerifyAuditChain(store::AuditSigningKey(*master_).public_key());
  });
  EXPECT_TRUE(intact.ok()) << intact.error().message;
}

// A role that must use MFA but has none yet gets a session that can only enrol.
TEST_F(ServerTest, WithoutMfaAPlateRoleCanOnlyEnrol) {
  auto token = accounts_->CreateUser("op.three", "Op", Role::kOperator, {"cli", "cli", ""});
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(accounts_->Activate("op.three", token->token, kTestPassword, "cli").ok());
  Caller caller = SignIn("op.three", {});
  ASSERT_FALSE(caller.cookie.empty());
  EXPECT_EQ(Send("GET", "/api/v1/live", "", &caller)->status, 403);
  EXPECT_EQ(Send("GET", "/api/v1/me", "", &caller)->status, 200);
  auto enrol = Send("POST", "/api/v1/me/mfa", "{}", &caller);
  ASSERT_EQ(enrol->status, 200) << enrol->body;
  auto secret =
      security::Base32Decode(json::parse(enrol->body)["secret_base32"].get<std::string>());
  ASSERT_TRUE(secret.ok());
  auto confirmed =
      Send("POST", "/api/v1/me/mfa/confirm", json{{"totp_code", Code(*secret)}}.dump(), &caller);
  ASSERT_EQ(confirmed->status, 200) << confirmed->body;
  EXPECT_EQ(Send("GET", "/api/v1/me", "", &caller)->status, 401) << "sign in again with MFA";
  clock_.Advance(std::chrono::seconds(30));
  caller = SignIn("op.three", *secret);
  ASSERT_FALSE(caller.cookie.empty());
  EXPECT_EQ(Send("GET", "/api/v1/live", "", &caller)->status, 200);
}

}  // namespace
}  // namespace safelane::server
