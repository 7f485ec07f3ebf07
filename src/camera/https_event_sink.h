#pragma once
// HttpsEventSink: the central server as an EventSink, over HTTPS. Each Send POSTs the batch
// to <url>/api/v1/ingest of a `safelane serve`, signed with the camera's Ed25519 key as
// security/camera_request.h specifies (the server checks it in server/camera_auth.cpp).
//
// Trust: the server is authenticated either by PINNING its certificate (the SHA-256
// fingerprint `safelane serve` prints; checked by OpenSSL's verify callback during the
// handshake, so a wrong certificate ends the connection before a byte of the request is
// written) or by a CA file (chain and host name verified). There is no "verify off".
// TLS 1.2 or newer only.
//
// What the answers become (EventSender then retries, removes or sets aside):
//   no connection, TLS failure, timeout, 429, 5xx, an unreadable answer   -> Error kIo
//   401 (the server does not know this camera, it was revoked, the key or
//        the clock is wrong) and 404 (not a SafeLane ingest URL)           -> Error kBadConfig
//        (the events stay in the spool: a camera enrolled later, or a corrected clock,
//        delivers them)
//   200 with one result per event                                        -> those results
//   another 4xx for one event (400 malformed, 403 not this camera's
//        event, 413 too large)                                            -> refused, with
//        the server's message; a batch answered so is resent one event at a time, so one
//        bad event never holds the others back.
// Batches are cut into requests of at most max_request_bytes (the server takes 16 MiB);
// an event that cannot fit alone is refused without being sent. An Error after some
// requests of a batch went through is harmless: the resend is answered "duplicate".
// Not thread-safe (the EventSender calls it from one thread).

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "camera/event_sink.h"
#include "core/result.h"
#include "security/ed25519.h"
#include "store/clock.h"

namespace httplib {
class SSLClient;
}

namespace safelane::camera {

// The server's limit on one ingest request body (server/https_server.h kMaxIngestBodyBytes).
inline constexpr std::uint64_t kServerIngestLimitBytes = 16ULL << 20;
inline constexpr const char* kIngestPath = "/api/v1/ingest";

struct HttpsSinkOptions {
  std::string url;                 // https://host[:port] (443 by default), no path
  std::string server_fingerprint;  // SHA-256 of the server's DER certificate (pin), or
  std::filesystem::path ca_file;   // a PEM CA file; exactly one of the two
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds io_timeout{30'000};  // each read or write on the connection
  std::uint64_t max_request_bytes = 15ULL << 20;
};

using CertificateFingerprint = std::array<std::uint8_t, 32>;

// 64 hex digits, upper or lower case, optionally separated by ':' (as `safelane serve`
// prints it); kBadConfig ("must be ...") otherwise.
Result<CertificateFingerprint> ParseCertificateFingerprint(const std::string& text);

struct HttpsEndpoint {
  std::string host;
  int port = 443;
};
// kBadConfig ("must be ...") unless "https://host[:port]" with an optional trailing '/'.
Result<HttpsEndpoint> ParseHttpsUrl(const std::string& url);

class HttpsEventSink final : public EventSink {
 public:
  // kBadConfig for a bad URL, fingerprint or CA file, or both/neither of them. `clock`
  // stamps each request (X-SafeLane-Time); it must outlive the sink.
  static Result<std::unique_ptr<HttpsEventSink>> Create(HttpsSinkOptions options,
                                                        std::string camera_id,
                                                        security::SigningKey key,
                                                        const store::Clock& clock);
  ~HttpsEventSink() override;
  HttpsEventSink(const HttpsEventSink&) = delete;
  HttpsEventSink& operator=(const HttpsEventSink&) = delete;

  Result<std::vector<store::IngestResult>> Send(
      std::span<const store::IncomingEvent> batch) override;

  struct Pin;  // the pinned fingerprint and what the last handshake saw (https_event_sink.cpp)

 private:
  HttpsEventSink(HttpsSinkOptions options, std::string camera_id, security::SigningKey key,
                 const store::Clock& clock);
  Result<store::Done> Connect(const HttpsEndpoint& endpoint);
  // One request; events_json is the JSON array text of the events.
  struct Answer;
  Result<Answer> Post(const std::string& events_json, std::size_t count);
  Result<std::vector<store::IngestResult>> SendChunk(std::span<const store::IncomingEvent> events,
                                                     std::span<const std::string> encoded);

  HttpsSinkOptions options_;
  std::string camera_id_;
  security::SigningKey key_;
  const store::Clock& clock_;
  std::unique_ptr<Pin> pin_;
  std::unique_ptr<httplib::SSLClient> client_;
};

}  // namespace safelane::camera
