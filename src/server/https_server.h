#pragma once
// HttpsServer: the API over HTTPS (cpp-httplib + OpenSSL). Every request goes through one
// dispatcher, in this order:
//   1. rate limit per source address (token bucket)           -> 429
//   2. the route table (route_table.h): method + path           -> 404, no data
//   3. body size: 64 KiB (16 MiB on the camera ingest route)    -> 413
//   4. who: a session cookie (people) or a request signature (cameras) -> 401
//   5. the route's permission against the role (permission.h)  -> 403
//   6. on POST/PUT/PATCH/DELETE: Origin (if sent) is ours, and X-CSRF-Token equals the
//      session's token                                          -> 403
//   7. permissions that need them: case_number and reason in the body -> 400
//   8. the handler
// Every response carries the security headers (HSTS, CSP, X-Frame-Options DENY,
// Referrer-Policy no-referrer, nosniff, Cache-Control no-store), error or not.
//
// TLS is always on, except that `allow_plain_http` lets a loopback address serve plain
// HTTP (tests, a local reverse proxy); a non-loopback address without TLS is refused.
// HTTP response compression is off (BREACH: responses mix secrets and caller input).

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"
#include "server/server_context.h"
#include "server/tls_identity.h"

namespace httplib {
class Server;
}

namespace safelane::server {

inline constexpr std::size_t kMaxIngestBodyBytes = 16 << 20;
inline constexpr const char* kSessionCookie = "__Host-safelane_session";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8443;  // 0: any free port (tests)
  bool allow_plain_http = false;
  TlsIdentity tls;  // required unless allow_plain_http
  int threads = 8;
  // The Origin browsers send for our own pages; empty: https://<host>:<port>.
  std::string public_origin;
};

bool IsLoopbackHost(const std::string& host);

class HttpsServer {
 public:
  // Refuses (kBadConfig) plain HTTP on a non-loopback address, or TLS set-up failures.
  static Result<std::unique_ptr<HttpsServer>> Create(ServerContext& ctx, ServerOptions options);
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // Binds the socket; returns the port (useful with port 0).
  Result<int> Bind();
  // Serves until Stop(); call after Bind().
  void Run();
  void Stop();
  bool is_tls() const { return !options_.allow_plain_http; }
  // True once Run() is accepting connections (Stop() before that does nothing).
  bool is_running() const;
  const std::string& origin() const { return origin_; }

 private:
  HttpsServer(ServerContext& ctx, ServerOptions options);
  void Install();

  ServerContext& ctx_;
  ServerOptions options_;
  std::string origin_;
  std::unique_ptr<httplib::Server> http_;
};

}  // namespace safelane::server
