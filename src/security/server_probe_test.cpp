#include "security/server_probe.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "security/bytes.h"

namespace safelane::security {
namespace {

struct ServerBehaviour {
  bool allow_tls11 = false;
  long not_before_s = -3600;            // NOLINT(google-runtime-int): OpenSSL's type
  long not_after_s = 365L * 24 * 3600;  // NOLINT(google-runtime-int)
  bool security_headers = true;
  std::string csp = "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
  int anonymous_status = 401;
};

// A real TLS server on 127.0.0.1 (OpenSSL, a fresh P-256 self-signed certificate) that
// answers like a SafeLane server would, or like a misconfigured one.
class TlsTestServer {
 public:
  explicit TlsTestServer(ServerBehaviour behaviour) : behaviour_(behaviour) {
    key_ = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    cert_ = X509_new();
    X509_set_version(cert_, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert_), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert_), behaviour.not_before_s);
    X509_gmtime_adj(X509_getm_notAfter(cert_), behaviour.not_after_s);
    X509_set_pubkey(cert_, key_);
    X509_NAME* name = X509_get_subject_name(cert_);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert_, name);
    X509_sign(cert_, key_, EVP_sha256());
    ctx_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ctx_, cert_);
    SSL_CTX_use_PrivateKey(ctx_, key_);
    if (behaviour.allow_tls11) {
      SSL_CTX_set_security_level(ctx_, 0);
      SSL_CTX_set_min_proto_version(ctx_, TLS1_VERSION);
      SSL_CTX_set_cipher_list(ctx_, "ALL:@SECLEVEL=0");
    } else {
      SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    }
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;
  ~TlsTestServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    thread_.join();
    ::close(listen_fd_);
    SSL_CTX_free(ctx_);
    X509_free(cert_);
    EVP_PKEY_free(key_);
  }

  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  std::string fingerprint() const {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    X509_digest(cert_, EVP_sha256(), md, &size);
    return ToHex(ByteSpan(md, size));
  }

 private:
  void Serve() {
    while (!stopping_) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) break;
      timeval tv{2, 0};  // a silent client cannot stall the test
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) Answer(ssl);
      SSL_shutdown(ssl);
      SSL_free(ssl);
      ::close(fd);
    }
  }

  void Answer(SSL* ssl) const {
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const int n = SSL_read(ssl, buffer, sizeof buffer);
      if (n <= 0) return;
      request.append(buffer, static_cast<std::size_t>(n));
    }
    const std::string path = request.substr(4, request.find(' ', 4) - 4);
    const bool health = path == "/api/v1/health";
    const int status = health ? 200 : behaviour_.anonymous_status;
    const std::string body = health          ? R"({"status":"ok"})"
                             : status == 401 ? R"({"error":"unauthenticated","message":"sign in"})"
                                             : R"([{"plate":"01A123BC","camera":"cam-1"}])";
    std::string response = "HTTP/1.1 " + std::to_string(status) + " X\r\n";
    if (behaviour_.security_headers) {
      response +=
          "Strict-Transport-Security: max-age=63072000; includeSubDomains\r\n"
          "Content-Security-Policy: " +
          behaviour_.csp +
          "\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n"
          "X-Content-Type-Options: nosniff\r\n";
    }
    response += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\nConnection: close\r\n\r\n" + body;
    SSL_write(ssl, response.data(), static_cast<int>(response.size()));
  }

  ServerBehaviour behaviour_;
  EVP_PKEY* key_ = nullptr;
  X509* cert_ = nullptr;
  SSL_CTX* ctx_ = nullptr;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

std::vector<CheckResult> Probe(const TlsTestServer& server, const std::string& fingerprint = "") {
  return ProbeServer(
      {server.url(), fingerprint,
       std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()),
       std::chrono::seconds(10)});
}

CheckResult Get(const std::vector<CheckResult>& results, const std::string& name) {
  for (const auto& r : results) {
    if (r.name == name) return r;
  }
  const CheckResult missing{"missing", CheckStatus::kFail, "no such check"};
  ADD_FAILURE() << "no check " << name;
  return missing;
}

TEST(ServerProbe, AWellConfiguredServerPassesEveryCheck) {
  TlsTestServer server({});
  const auto results = Probe(server, server.fingerprint());
  for (const char* name : {"server-tls", "server-cert", "server-headers", "server-anonymous"}) {
    EXPECT_EQ(Get(results, name).status, CheckStatus::kPass)
        << name << ": " << Get(results, name).detail;
  }
  EXPECT_NE(Get(results, "server-tls").detail.find("TLSv1.3"), std::string::npos);
  EXPECT_NE(Get(results, "server-cert").detail.find(server.fingerprint()), std::string::npos);
  // Bound to 127.0.0.1 only: not a wildcard.
  EXPECT_EQ(Get(results, "server-listen").status, CheckStatus::kPass)
      << Get(results, "server-listen").detail;
}

TEST(ServerProbe, AcceptingTls11Fails) {
  TlsTestServer server({.allow_tls11 = true});
  const auto tls = Get(Probe(server), "server-tls");
  EXPECT_EQ(tls.status, CheckStatus::kFail);
  EXPECT_NE(tls.detail.find("TLSv1"), std::string::npos) << tls.detail;
}

TEST(ServerProbe, ExpiredSoonExpiringAndUnexpectedCertificates) {
  TlsTestServer expired({.not_before_s = -7200, .not_after_s = -3600});
  EXPECT_EQ(Get(Probe(expired), "server-cert").status, CheckStatus::kFail);
  TlsTestServer soon({.not_after_s = 5L * 24 * 3600});
  EXPECT_EQ(Get(Probe(soon), "server-cert").status, CheckStatus::kWarn);
  TlsTestServer pinned({});
  const auto wrong = Get(Probe(pinned, std::string(64, 'a')), "server-cert");
  EXPECT_EQ(wrong.status, CheckStatus::kFail);
  EXPECT_NE(wrong.detail.find("not the expected one"), std::string::npos);
}

TEST(ServerProbe, MissingSecurityHeadersFail) {
  TlsTestServer server({.security_headers = false});
  const auto headers = Get(Probe(server), "server-headers");
  EXPECT_EQ(headers.status, CheckStatus::kFail);
  EXPECT_NE(headers.detail.find("Strict-Transport-Security"), std::string::npos);
  EXPECT_NE(headers.detail.find("Referrer-Policy"), std::string::npos);
}

TEST(ServerProbe, InlineScriptsInTheCspFail) {
  TlsTestServer server({.csp = "default-src 'self'; script-src 'self' 'unsafe-inline'"});
  const auto headers = Get(Probe(server), "server-headers");
  EXPECT_EQ(headers.status, CheckStatus::kFail);
  EXPECT_NE(headers.detail.find("script-src 'self' 'unsafe-inline'"), std::string::npos)
      << headers.detail;
}

TEST(ServerProbe, AnOpenDashboardFails) {
  // The 2025 exposure: data to anyone who asks.
  TlsTestServer server({.anonymous_status = 200});
  const auto anonymous = Get(Probe(server), "server-anonymous");
  EXPECT_EQ(anonymous.status, CheckStatus::kFail);
  EXPECT_NE(anonymous.detail.find("/api/v1/cameras answered 200"), std::string::npos);
}

TEST(ServerProbe, PlainHttpAndNothingListeningFail) {
  const auto plain = ProbeServer({"http://127.0.0.1:1", "", {}, std::chrono::seconds(2)});
  EXPECT_EQ(Get(plain, "server-tls").status, CheckStatus::kFail);
  const auto nothing = ProbeServer({"https://127.0.0.1:1", "", {}, std::chrono::seconds(2)});
  EXPECT_EQ(Get(nothing, "server-tls").status, CheckStatus::kFail);
  EXPECT_EQ(Get(ProbeServer({"not a url", "", {}, std::chrono::seconds(2)}), "server-url").status,
            CheckStatus::kFail);
}

}  // namespace
}  // namespace safelane::security
