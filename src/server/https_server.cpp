#include "server/https_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <exception>

#include "server/camera_auth.h"
#include "server/request_schema.h"
#include "server/route_table.h"

namespace safelane::server {
namespace {

bool IsStateChanging(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::string CookieValue(const httplib::Request& req, std::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string_view item(header.data() + pos, end - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() > name.size() && item.substr(0, name.size()) == name &&
        item[name.size()] == '=') {
      return std::string(item.substr(name.size() + 1));
    }
    pos = end + 1;
  }
  return {};
}

void Write(const ApiResponse& api, httplib::Response& res) {
  res.status = api.status;
  for (const auto& [k, v] : api.headers) res.set_header(k, v);
  if (api.raw_body) {
    res.set_content(*api.raw_body, api.raw_content_type);
  } else {
    res.set_content(api.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    "application/json");
  }
}

// Case number and reason, demanded by permissions that reveal a vehicle's movements.
std::optional<ApiResponse> TakeCaseAndReason(ApiRequest& req) {
  const nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  const auto text = [&](const char* key) -> std::string {
    if (!body.is_object() || !body.contains(key) || !body[key].is_string()) return {};
    return body[key].get<std::string>();
  };
  req.case_number = text("case_number");
  req.reason = text("reason");
  if (req.case_number.empty() || req.case_number.size() > 64) {
    return ErrorResponse(400, "bad_request",
                         "body: field 'case_number' (1..64 bytes) is required for this route");
  }
  if (req.reason.size() < 10 || req.reason.size() > 2000) {
    return ErrorResponse(400, "bad_request",
                         "body: field 'reason' (a written reason, 10..2000 bytes) is required "
                         "for this route");
  }
  return std::nullopt;
}

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr addr{};
  if (inet_pton(AF_INET, host.c_str(), &addr) != 1) return false;
  return (ntohl(addr.s_addr) >> 24) == 127;
}

HttpsServer::HttpsServer(ServerContext& ctx, ServerOptions options)
    : ctx_(ctx), options_(std::move(options)) {}

HttpsServer::~HttpsServer() {
  Stop();
}

Result<std::unique_ptr<HttpsServer>> HttpsServer::Create(ServerContext& ctx,
                                                         ServerOptions options) {
  if (options.allow_plain_http && !IsLoopbackHost(options.host)) {
    return Error(ErrorCode::kBadConfig, "refusing to serve plain HTTP on non-loopback address " +
                                            options.host + ": TLS is required off loopback");
  }
  if (options.threads < 1 || options.threads > 256) {
    return Error(ErrorCode::kBadConfig, "threads must be in [1, 256]");
  }
  // A peer that hangs up mid-handshake makes OpenSSL write() to a closed socket; without
  // this the SIGPIPE would end the whole server.
  std::signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<HttpsServer> server(new HttpsServer(ctx, std::move(options)));
  const ServerOptions& o = server->options_;
  if (o.allow_plain_http) {
    server->http_ = std::make_unique<httplib::Server>();
  } else {
    if (o.tls.certificate.empty() || o.tls.private_key.empty()) {
      return Error(ErrorCode::kBadConfig, "TLS certificate and key are required");
    }
    const TlsIdentity identity = o.tls;
    auto tls = std::make_unique<httplib::SSLServer>(
        [identity](SSL_CTX& ssl) { return ConfigureTlsContext(ssl, identity); });
    if (!tls->is_valid()) {
      return Error(ErrorCode::kBadConfig, "TLS set-up failed for " + identity.certificate.string());
    }
    server->http_ = std::move(tls);
  }
  server->Install();
  return server;
}

void HttpsServer::Install() {
  httplib::Server& http = *http_;
  const int threads = options_.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(kMaxIngestBodyBytes);
  http.set_keep_alive_max_count(1000);
  http.set_tcp_nodelay(true);  // small JSON answers: no Nagle + delayed-ACK 40 ms stalls
  http.set_read_timeout(10);
  http.set_write_timeout(10);
  http.set_default_headers({
      {"Strict-Transport-Security", "max-age=31536000; includeSubDomains"},
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Content-Type-Options", "nosniff"},
      {"Cache-Control", "no-store"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
  });
  http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    // No HTTP compression (BREACH). The request object is the server's own, not const;
    // cpp-httplib 0.11 has no switch for this, so the header is dropped before routing.
    const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");  // NOLINT
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, const std::exception_ptr&) {
        Write(ErrorResponse(500, "internal", "internal error"), res);
      });
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) {
      Write(ErrorResponse(res.status, "http_error", "request refused"), res);
    }
  });

  const auto dispatch = [this](const httplib::Request& hreq, httplib::Response& hres) {
    const auto reply = [&](const ApiResponse& api) { Write(api, hres); };
    if (!ctx_.requests.Take(hreq.remote_addr)) {
      return reply(ErrorResponse(429, "rate_limited", "too many requests; slow down"));
    }
    auto match = MatchRoute(hreq.method, hreq.path);
    if (!match) return reply(ErrorResponse(404, "not_found", "no such route"));
    const Route& route = *match->route;
    // Events with their evidence: camera ingest and the installer's sandbox uploads.
    const bool carries_events = route.access.kind() == RouteAccess::Kind::kCamera ||
                                route.access.permission() == security::Permission::kSandbox;
    const std::size_t limit = carries_events ? kMaxIngestBodyBytes : kMaxJsonBodyBytes;
    if (hreq.body.size() > limit) {
      return reply(ErrorResponse(413, "too_large", "body is larger than this route accepts"));
    }

    ApiRequest req;
    req.method = hreq.method;
    req.path = hreq.path;
    req.path_params = std::move(match->params);
    for (const auto& [k, v] : hreq.params) req.query.emplace(k, v);
    req.body = hreq.body;
    req.source = hreq.remote_addr;

    switch (route.access.kind()) {
      case RouteAccess::Kind::kPublic:
        req.session_id = CookieValue(hreq, kSessionCookie);  // sign-in rotates it away
        break;
      case RouteAccess::Kind::kCamera: {
        auto camera = ctx_.WithStore([&](store::Store& s) {
          return AuthenticateCamera(s, ctx_.clock, hreq.method, hreq.path,
                                    hreq.get_header_value("X-SafeLane-Camera"),
                                    hreq.get_header_value("X-SafeLane-Time"),
                                    hreq.get_header_value("X-SafeLane-Signature"), hreq.body);
        });
        if (!camera.ok()) {
          spdlog::warn("camera request from {} refused: {}", hreq.remote_addr,
                       camera.error().message);
          if (camera.error().code != ErrorCode::kBadRequest)
            return reply(FromError(camera.error()));
          return reply(ErrorResponse(401, "unauthenticated", "camera not authenticated"));
        }
        req.principal = Principal{"camera:" + *camera, std::nullopt};
        break;
      }
      case RouteAccess::Kind::kSession: {
        const std::string id = CookieValue(hreq, kSessionCookie);
        auto session = id.empty() ? std::nullopt : ctx_.sessions.Touch(id);
        if (!session) return reply(ErrorResponse(401, "unauthenticated", "sign in first"));
        if (!security::RoleHas(session->role, route.access.permission()) ||
            (session->enrolment_only &&
             route.access.permission() != security::Permission::kOwnAccount)) {
          return reply(ErrorResponse(403, "forbidden", "your role may not do this"));
        }
        if (IsStateChanging(hreq.method) &&
            !TokensEqual(hreq.get_header_value(kCsrfHeader), session->csrf_token)) {
          return reply(ErrorResponse(403, "csrf", "missing or wrong X-CSRF-Token"));
        }
        req.principal = Principal{session->username, session->role};
        req.session_id = session->id;
        break;
      }
    }
    if (IsStateChanging(hreq.method) && hreq.has_header("Origin") &&
        hreq.get_header_value("Origin") != origin_) {
      return reply(ErrorResponse(403, "csrf", "cross-origin request refused"));
    }
    if (route.access.kind() == RouteAccess::Kind::kSession &&
        security::RequiresCaseReason(route.access.permission())) {
      if (auto refused = TakeCaseAndReason(req)) return reply(*refused);
    }
    reply(route.handler(ctx_, req));
  };
  http.Get(".*", dispatch);
  http.Post(".*", dispatch);
  http.Put(".*", dispatch);
  http.Patch(".*", dispatch);
  http.Delete(".*", dispatch);
  http.Options(".*", dispatch);
}

Result<int> HttpsServer::Bind() {
  int port = options_.port;
  if (port == 0) {
    port = http_->bind_to_any_port(options_.host);
  } else if (!http_->bind_to_port(options_.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return Error(ErrorCode::kIo,
                 "cannot listen on " + options_.host + ":" + std::to_string(options_.port));
  }
  const std::string host =
      options_.host.find(':') != std::string::npos ? "[" + options_.host + "]" : options_.host;
  origin_ = !options_.public_origin.empty() ? options_.public_origin
                                            : std::string(is_tls() ? "https://" : "http://") +
                                                  host + ":" + std::to_string(port);
  return port;
}

void HttpsServer::Run() {
  http_->listen_after_bind();
}

bool HttpsServer::is_running() const {
  return http_ && http_->is_running();
}

void HttpsServer::Stop() {
  if (http_) http_->stop();
}

}  // namespace safelane::server
