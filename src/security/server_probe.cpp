#include "security/server_probe.h"

#include <netdb.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "security/bytes.h"

namespace safelane::security {
namespace {

constexpr std::size_t kMaxResponseBytes = std::size_t{256} * 1024;

struct Target {
  std::string scheme;
  std::string host;  // without brackets
  int port = 0;
};

std::optional<Target> ParseUrl(const std::string& url) {
  Target t;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  t.scheme = url.substr(0, scheme_end);
  std::string rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('/'));
  std::string port_text;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) return std::nullopt;
    t.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port_text = rest.substr(close + 2);
  } else {
    const auto colon = rest.rfind(':');
    t.host = rest.substr(0, colon);
    if (colon != std::string::npos) port_text = rest.substr(colon + 1);
  }
  if (t.host.empty()) return std::nullopt;
  if (port_text.empty()) {
    t.port = t.scheme == "https" ? 443 : 80;
  } else {
    if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(), ::isdigit)) {
      return std::nullopt;
    }
    t.port = std::stoi(port_text);
    if (t.port < 1 || t.port > 65535) return std::nullopt;
  }
  return t;
}

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

Result<std::unique_ptr<Socket>> Connect(const Target& t, std::chrono::seconds timeout) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(t.port);
  if (const int rc = ::getaddrinfo(t.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return Error(ErrorCode::kIo, t.host + ": " + ::gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, ::freeaddrinfo);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count());
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    auto s = std::make_unique<Socket>(::socket(a->ai_family, a->ai_socktype, a->ai_protocol));
    if (s->get() < 0) continue;
    ::setsockopt(s->get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(s->get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(s->get(), a->ai_addr, a->ai_addrlen) == 0) return s;
  }
  return Error(ErrorCode::kIo, "cannot connect to " + t.host + ":" + port);
}

std::string OpenSslError() {
  const unsigned long code = ERR_get_error();  // NOLINT(google-runtime-int)
  if (code == 0) return "handshake failed";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

using SslCtx = std::unique_ptr<SSL_CTX, decltype(&::SSL_CTX_free)>;
using Ssl = std::unique_ptr<SSL, decltype(&::SSL_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&::X509_free)>;

// One TLS connection; the caller reads what it needs from `ssl`.
struct TlsConnection {
  std::unique_ptr<Socket> socket;
  SslCtx ctx{nullptr, ::SSL_CTX_free};
  Ssl ssl{nullptr, ::SSL_free};
};

Result<TlsConnection> Handshake(const Target& t, std::chrono::seconds timeout, bool legacy_only) {
  TlsConnection c;
  auto s = Connect(t, timeout);
  if (!s) return s.error();
  c.socket = std::move(*s);
  c.ctx.reset(SSL_CTX_new(TLS_client_method()));
  if (!c.ctx) return Error(ErrorCode::kIo, OpenSslError());
  // No CA check: installations use self-signed certificates, identified by fingerprint.
  SSL_CTX_set_verify(c.ctx.get(), SSL_VERIFY_NONE, nullptr);
  if (legacy_only) {
    // Offer only TLS 1.0 and 1.1, with every cipher OpenSSL still has, to see whether
    // the server would accept them.
    SSL_CTX_set_min_proto_version(c.ctx.get(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(c.ctx.get(), TLS1_1_VERSION);
    SSL_CTX_set_cipher_list(c.ctx.get(), "ALL:@SECLEVEL=0");
  }
  c.ssl.reset(SSL_new(c.ctx.get()));
  if (!c.ssl) return Error(ErrorCode::kIo, OpenSslError());
  SSL_set_fd(c.ssl.get(), c.socket->get());
  SSL_set_tlsext_host_name(c.ssl.get(), t.host.c_str());
  if (SSL_connect(c.ssl.get()) != 1) return Error(ErrorCode::kIo, OpenSslError());
  return c;
}

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

Result<HttpResponse> Get(const Target& t, std::chrono::seconds timeout, const std::string& path) {
  auto c = Handshake(t, timeout, false);
  if (!c) return c.error();
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + t.host + ":" +
                              std::to_string(t.port) +
                              "\r\nUser-Agent: safelane-doctor\r\nAccept: application/json\r\n"
                              "Connection: close\r\n\r\n";
  if (SSL_write(c->ssl.get(), request.data(), static_cast<int>(request.size())) <= 0) {
    return Error(ErrorCode::kIo, "writing the request: " + OpenSslError());
  }
  std::string raw;
  char buffer[8192];
  for (;;) {
    const int n = SSL_read(c->ssl.get(), buffer, sizeof buffer);
    if (n <= 0) break;
    raw.append(buffer, static_cast<std::size_t>(n));
    if (raw.size() > kMaxResponseBytes) break;
  }
  const auto head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return Error(ErrorCode::kIo, path + ": no HTTP response");
  HttpResponse r;
  std::istringstream head(raw.substr(0, head_end));
  std::string line;
  std::getline(head, line);
  if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12) {
    return Error(ErrorCode::kIo, path + ": not an HTTP response");
  }
  r.status = std::atoi(line.c_str() + 9);
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    r.headers[name] = value;
  }
  r.body = raw.substr(head_end + 4);
  return r;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), ::tolower);
  return text;
}

std::string Fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  X509_digest(cert, EVP_sha256(), md, &size);
  return ToHex(ByteSpan(md, size));
}

std::string NormaliseFingerprint(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), ':'), text.end());
  return Lower(text);
}

CheckResult CheckCertificate(X509* cert, const ProbeOptions& options) {
  const std::string fp = Fingerprint(cert);
  const time_t now = static_cast<time_t>(store::ToMillis(options.now) / 1000);
  int days = 0;
  int seconds = 0;
  std::unique_ptr<ASN1_TIME, decltype(&::ASN1_TIME_free)> now_asn(ASN1_TIME_set(nullptr, now),
                                                                  ::ASN1_TIME_free);
  const ASN1_TIME* not_before = X509_get0_notBefore(cert);
  const ASN1_TIME* not_after = X509_get0_notAfter(cert);
  if (X509_cmp_time(not_before, &const_cast<time_t&>(now)) > 0) {
    return {"server-cert", CheckStatus::kFail,
            "the certificate is not valid yet (clock or certificate wrong); sha256 " + fp};
  }
  if (X509_cmp_time(not_after, &const_cast<time_t&>(now)) < 0) {
    return {"server-cert", CheckStatus::kFail, "the certificate has expired; sha256 " + fp};
  }
  ASN1_TIME_diff(&days, &seconds, now_asn.get(), not_after);
  std::string detail = "valid for " + std::to_string(days) + " more days; sha256 " + fp;
  if (!options.expected_fingerprint.empty()) {
    if (NormaliseFingerprint(options.expected_fingerprint) != fp) {
      return {"server-cert", CheckStatus::kFail,
              "the certificate's fingerprint is not the expected one (another server, or a "
              "machine in the middle): got sha256 " +
                  fp};
    }
    detail += " (matches the expected fingerprint)";
  }
  if (days < 30) return {"server-cert", CheckStatus::kWarn, detail + ": renew it soon"};
  return {"server-cert", CheckStatus::kPass, detail};
}

CheckResult CheckHeaders(const HttpResponse& r) {
  std::vector<std::string> missing;
  auto header = [&](const char* name) {
    const auto it = r.headers.find(name);
    return it == r.headers.end() ? std::string() : Lower(it->second);
  };
  const std::string hsts = header("strict-transport-security");
  if (hsts.find("max-age=") == std::string::npos || hsts.find("max-age=0") == 0) {
    missing.emplace_back("Strict-Transport-Security with a max-age");
  }
  const std::string csp = header("content-security-policy");
  // The directive that governs scripts: script-src, else default-src.
  std::string script_rule;
  for (const char* directive : {"script-src ", "default-src "}) {
    const auto at = csp.find(directive);
    if (at == std::string::npos) continue;
    script_rule = csp.substr(at, csp.find(';', at) - at);
    break;
  }
  if (csp.empty()) {
    missing.emplace_back("Content-Security-Policy");
  } else if (script_rule.empty()) {
    missing.emplace_back("a CSP that restricts scripts (default-src or script-src)");
  } else if (script_rule.find("'unsafe-inline'") != std::string::npos ||
             script_rule.find("'unsafe-eval'") != std::string::npos ||
             script_rule.find('*') != std::string::npos) {
    missing.emplace_back("a CSP without inline, eval or wildcard scripts (" + script_rule + ")");
  }
  if (header("x-frame-options") != "deny" &&
      csp.find("frame-ancestors 'none'") == std::string::npos) {
    missing.emplace_back("X-Frame-Options: DENY");
  }
  if (header("referrer-policy") != "no-referrer")
    missing.emplace_back("Referrer-Policy: no-referrer");
  if (header("x-content-type-options") != "nosniff") {
    missing.emplace_back("X-Content-Type-Options: nosniff");
  }
  if (missing.empty()) {
    return {"server-headers", CheckStatus::kPass,
            "HSTS, CSP, X-Frame-Options, Referrer-Policy, "
            "nosniff present"};
  }
  std::string text = "missing or weak: ";
  for (std::size_t i = 0; i < missing.size(); ++i) text += (i ? "; " : "") + missing[i];
  return {"server-headers", CheckStatus::kFail, text};
}

// /proc/net/tcp{,6} rows in LISTEN state on `port`, as printable addresses.
std::vector<std::string> LocalListeners(int port) {
  std::vector<std::string> out;
  for (const char* file : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream row(line);
      std::string slot;
      std::string local;
      std::string remote;
      std::string state;
      row >> slot >> local >> remote >> state;
      const auto colon = local.find(':');
      if (state != "0A" || colon == std::string::npos) continue;
      if (std::stoi(local.substr(colon + 1), nullptr, 16) != port) continue;
      const std::string addr = local.substr(0, colon);
      if (addr == "00000000") {
        out.emplace_back("0.0.0.0");
      } else if (addr == std::string(32, '0')) {
        out.emplace_back("[::]");
      } else if (addr.size() == 8) {
        // Little-endian IPv4 as the kernel prints it.
        const unsigned long v = std::stoul(addr, nullptr, 16);  // NOLINT(google-runtime-int)
        out.push_back(std::to_string(v & 0xFFU) + "." + std::to_string((v >> 8U) & 0xFFU) + "." +
                      std::to_string((v >> 16U) & 0xFFU) + "." + std::to_string(v >> 24U));
      } else {
        out.push_back("[" + addr + "]");
      }
    }
  }
  return out;
}

}  // namespace

const std::vector<std::string>& ProtectedProbePaths() {
  static const std::vector<std::string> paths = {"/api/v1/cameras", "/api/v1/live", "/api/v1/users",
                                                 "/api/v1/audit", "/api/v1/me"};
  return paths;
}

std::vector<CheckResult> ProbeServer(const ProbeOptions& options) {
  // A server that closes mid-request must be a failed check, not a process killed by
  // SIGPIPE (OpenSSL writes with write(2)).
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<CheckResult> out;
  const auto target = ParseUrl(options.url);
  if (!target) {
    out.push_back({"server-url", CheckStatus::kFail,
                   "cannot read '" + options.url + "' as https://host:port"});
    return out;
  }
  if (target->scheme != "https") {
    out.push_back({"server-tls", CheckStatus::kFail,
                   options.url + " is not HTTPS: passwords and plates would cross the network "
                                 "in clear"});
    return out;
  }
  const auto listeners = LocalListeners(target->port);
  if (listeners.empty()) {
    out.push_back({"server-listen", CheckStatus::kWarn,
                   "nothing listens on port " + std::to_string(target->port) +
                       " on this machine (a remote server, or not running)"});
  } else {
    std::string joined;
    bool wildcard = false;
    for (const auto& a : listeners) {
      joined += (joined.empty() ? "" : ", ") + a;
      wildcard = wildcard || a == "0.0.0.0" || a == "[::]";
    }
    out.push_back({"server-listen", wildcard ? CheckStatus::kWarn : CheckStatus::kPass,
                   "listening on " + joined + " port " + std::to_string(target->port) +
                       (wildcard ? ": every network this machine is on can reach it; bind "
                                   "to the one address that needs it"
                                 : "")});
  }
  auto modern = Handshake(*target, options.timeout, false);
  if (!modern) {
    out.push_back({"server-tls", CheckStatus::kFail,
                   "no TLS handshake with " + options.url + ": " + modern.error().message});
    return out;
  }
  const int version = SSL_version(modern->ssl.get());
  const std::string version_name = SSL_get_version(modern->ssl.get());
  const std::string cipher = SSL_get_cipher_name(modern->ssl.get());
  X509Ptr cert(SSL_get1_peer_certificate(modern->ssl.get()), ::X509_free);
  // Closed before the next connection: a server may serve one connection at a time.
  SSL_shutdown(modern->ssl.get());
  modern = Error(ErrorCode::kIo, "closed");
  std::string legacy_version;
  if (auto legacy = Handshake(*target, options.timeout, true)) {
    legacy_version = SSL_get_version(legacy->ssl.get());
    SSL_shutdown(legacy->ssl.get());
  }
  if (version < TLS1_2_VERSION) {
    out.push_back({"server-tls", CheckStatus::kFail,
                   "negotiated " + version_name + "; TLS 1.2 or newer is required"});
  } else if (!legacy_version.empty()) {
    out.push_back({"server-tls", CheckStatus::kFail,
                   "negotiated " + version_name + " but also accepts " + legacy_version +
                       ": turn TLS 1.0/1.1 off"});
  } else {
    out.push_back({"server-tls", CheckStatus::kPass,
                   version_name + " (" + cipher + "); TLS 1.0 and 1.1 refused"});
  }
  if (!cert) {
    out.push_back({"server-cert", CheckStatus::kFail, "the server sent no certificate"});
  } else {
    out.push_back(CheckCertificate(cert.get(), options));
  }
  auto health = Get(*target, options.timeout, "/api/v1/health");
  if (!health) {
    out.push_back({"server-headers", CheckStatus::kFail, health.error().message});
  } else {
    out.push_back(CheckHeaders(*health));
  }
  std::vector<std::string> open;
  for (const std::string& path : ProtectedProbePaths()) {
    auto r = Get(*target, options.timeout, path);
    if (!r) {
      open.push_back(path + " (" + r.error().message + ")");
    } else if (r->status != 401) {
      open.push_back(path + " answered " + std::to_string(r->status));
    } else if (r->body.find("\"error\"") == std::string::npos || r->body.size() > 1024) {
      open.push_back(path + " answered 401 with a body that is not a short error");
    }
  }
  if (open.empty()) {
    out.push_back({"server-anonymous", CheckStatus::kPass,
                   std::to_string(ProtectedProbePaths().size()) +
                       " protected routes answer an anonymous caller 401 with no data"});
  } else {
    std::string text = "anonymous access not refused: ";
    for (std::size_t i = 0; i < open.size(); ++i) text += (i ? "; " : "") + open[i];
    out.push_back({"server-anonymous", CheckStatus::kFail, text});
  }
  return out;
}

}  // namespace safelane::security
