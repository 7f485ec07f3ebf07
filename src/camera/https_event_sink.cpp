#include "camera/https_event_sink.h"

#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <cctype>
#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "security/bytes.h"
#include "security/camera_request.h"
#include "store/event_manifest.h"

namespace safelane::camera {

struct HttpsEventSink::Pin {
  CertificateFingerprint expected{};
  bool matched = false;  // the last handshake's server certificate was the pinned one
  std::string seen;      // the last mismatching certificate's fingerprint, for the message
};

struct HttpsEventSink::Answer {
  int status = 0;
  std::string body;
};

namespace {

using nlohmann::json;

// Where each SSL_CTX keeps its Pin (OpenSSL ex_data; one index for the process).
int PinIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

std::string FingerprintText(std::span<const std::uint8_t> digest) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const std::uint8_t b : digest) {
    if (!out.empty()) out += ':';
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

// OpenSSL calls this for each certificate of the server's chain during the handshake. Only
// the server's own certificate (depth 0) matters: it must be the pinned one, whatever CA
// signed it (a self-signed certificate is the usual case). Returning 0 aborts the
// handshake, before the request is written.
int VerifyPinnedCertificate(int /*preverify_ok*/, X509_STORE_CTX* store) {
  if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl == nullptr) return 0;
  auto* pin =
      static_cast<HttpsEventSink::Pin*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), PinIndex()));
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  if (pin == nullptr || cert == nullptr) return 0;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (X509_digest(cert, EVP_sha256(), digest.data(), &length) != 1 || length != 32) return 0;
  if (CRYPTO_memcmp(digest.data(), pin->expected.data(), 32) != 0) {
    pin->seen = FingerprintText(std::span(digest.data(), 32));
    return 0;
  }
  pin->matched = true;
  X509_STORE_CTX_set_error(store, X509_V_OK);
  return 1;
}

std::string Base64(const security::Bytes& bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// {"manifest": ..., "signature": ..., "evidence": [base64, ...]} as ingest_route.cpp reads it.
std::string EncodeEvent(const store::IncomingEvent& event) {
  json evidence = json::array();
  for (const auto& object : event.evidence) evidence.push_back(Base64(object));
  return json{{"manifest", event.manifest},
              {"signature", event.signature_hex},
              {"evidence", std::move(evidence)}}
      .dump();
}

std::string EventIdOf(const store::IncomingEvent& event) {
  auto parsed = store::ParseManifest(event.manifest);
  return parsed ? parsed->event_id : std::string();
}

// The server's {"error", "message"} answer, or the start of the body.
std::string ServerMessage(const std::string& body) {
  const auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("message") && parsed["message"].is_string()) {
    return parsed["message"].get<std::string>();
  }
  return body.substr(0, 200);
}

constexpr std::size_t kRequestOverheadBytes = 32;  // {"events":[ ... ]} and commas

}  // namespace

Result<CertificateFingerprint> ParseCertificateFingerprint(const std::string& text) {
  std::string hex;
  for (const char ch : text) {
    if (ch != ':') hex += ch;
  }
  CertificateFingerprint out{};
  const auto bad = [&] {
    return Error(ErrorCode::kBadConfig,
                 "must be the 64 hex digits of the server certificate's "
                 "SHA-256 (as `safelane serve` prints it), got \"" +
                     text + "\"");
  };
  if (hex.size() != 64) return bad();
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char* first = hex.data() + 2 * i;
    const auto [end, ec] = std::from_chars(first, first + 2, out[i], 16);
    if (ec != std::errc() || end != first + 2) return bad();
  }
  return out;
}

Result<HttpsEndpoint> ParseHttpsUrl(const std::string& url) {
  const auto bad = [&](const std::string& why) {
    return Error(ErrorCode::kBadConfig,
                 "must be https://host[:port] (" + why + "), got \"" + url + "\"");
  };
  const std::string scheme = "https://";
  if (url.rfind(scheme, 0) != 0) return bad("HTTPS only");
  std::string rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('/') != std::string::npos) return bad("no path: the sink posts to /api/v1/ingest");
  HttpsEndpoint out;
  std::string port;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
    const auto close = rest.find(']');
    if (close == std::string::npos) return bad("unclosed [");
    out.host = rest.substr(1, close - 1);
    const std::string after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("text after ]");
      port = after.substr(1);
    }
  } else {
    const auto colon = rest.find(':');
    out.host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
  }
  if (out.host.empty()) return bad("no host");
  for (const char ch : out.host) {
    if (std::isalnum(static_cast<unsigned char>(ch)) == 0 && ch != '.' && ch != '-' && ch != ':') {
      return bad("host has a character other than letters, digits, '.', '-'");
    }
  }
  if (!port.empty()) {
    int p = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || end != port.data() + port.size() || p < 1 || p > 65535) {
      return bad("port must be 1..65535");
    }
    out.port = p;
  }
  return out;
}

HttpsEventSink::HttpsEventSink(HttpsSinkOptions options, std::string camera_id,
                               security::SigningKey key, const store::Clock& clock)
    : options_(std::move(options)),
      camera_id_(std::move(camera_id)),
      key_(std::move(key)),
      clock_(clock),
      pin_(std::make_unique<Pin>()) {}

HttpsEventSink::~HttpsEventSink() = default;

Result<std::unique_ptr<HttpsEventSink>> HttpsEventSink::Create(HttpsSinkOptions options,
                                                               std::string camera_id,
                                                               security::SigningKey key,
                                                               const store::Clock& clock) {
  auto endpoint = ParseHttpsUrl(options.url);
  if (!endpoint) return Error(ErrorCode::kBadConfig, "url " + endpoint.error().message);
  if (options.server_fingerprint.empty() == options.ca_file.empty()) {
    return Error(ErrorCode::kBadConfig,
                 "give exactly one of server_fingerprint (pin the server's certificate) and "
                 "ca_file (verify it against a CA)");
  }
  if (options.max_request_bytes < 1024 || options.max_request_bytes > kServerIngestLimitBytes) {
    return Error(ErrorCode::kBadConfig, "max_request_bytes must be in [1 KiB, 16 MiB]");
  }
  std::unique_ptr<HttpsEventSink> sink(
      new HttpsEventSink(std::move(options), std::move(camera_id), std::move(key), clock));
  if (auto connected = sink->Connect(*endpoint); !connected) return connected.error();
  return sink;
}

Result<store::Done> HttpsEventSink::Connect(const HttpsEndpoint& endpoint) {
  client_ = std::make_unique<httplib::SSLClient>(endpoint.host, endpoint.port);
  SSL_CTX* ctx = client_->ssl_context();
  if (ctx == nullptr) return Error(ErrorCode::kIo, "cannot create a TLS context");
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // No session resumption: every connection shows its certificate to the check below.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  if (!options_.server_fingerprint.empty()) {
    auto pin = ParseCertificateFingerprint(options_.server_fingerprint);
    if (!pin) return Error(ErrorCode::kBadConfig, "server_fingerprint " + pin.error().message);
    pin_->expected = *pin;
    if (SSL_CTX_set_ex_data(ctx, PinIndex(), pin_.get()) != 1) {
      return Error(ErrorCode::kIo, "cannot attach the certificate pin to the TLS context");
    }
    // httplib's own check (CA chain + host name) would refuse a self-signed certificate;
    // the pin replaces it and is stricter: exactly one certificate is trusted.
    client_->enable_server_certificate_verification(false);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, VerifyPinnedCertificate);
  } else {
    std::ifstream ca(options_.ca_file);
    if (!ca) {
      return Error(ErrorCode::kBadConfig, "cannot read ca_file " + options_.ca_file.string());
    }
    client_->set_ca_cert_path(options_.ca_file.c_str());
    client_->enable_server_certificate_verification(true);
  }
  const auto seconds = [](std::chrono::milliseconds ms) {
    return std::pair<time_t, time_t>(ms.count() / 1000, (ms.count() % 1000) * 1000);
  };
  const auto [connect_s, connect_us] = seconds(options_.connect_timeout);
  const auto [io_s, io_us] = seconds(options_.io_timeout);
  client_->set_connection_timeout(connect_s, connect_us);
  client_->set_read_timeout(io_s, io_us);
  client_->set_write_timeout(io_s, io_us);
  client_->set_keep_alive(false);
  client_->set_follow_location(false);
  client_->set_compress(false);
  return store::Done{};
}

Result<HttpsEventSink::Answer> HttpsEventSink::Post(const std::string& events_json,
                                                    std::size_t count) {
  std::string body = "{\"events\":";
  body += events_json;
  body += '}';
  const std::string time = std::to_string(store::ToMillis(clock_.Now()));
  const std::string input =
      security::CameraSigningInput("POST", kIngestPath, camera_id_, time, body);
  const httplib::Headers headers = {
      {security::kCameraIdHeader, camera_id_},
      {security::kCameraTimeHeader, time},
      {security::kCameraSignatureHeader, security::ToHex(key_.Sign(security::AsBytes(input)))}};
  pin_->matched = false;
  pin_->seen.clear();
  const bool pinned = !options_.server_fingerprint.empty();
  auto res = client_->Post(kIngestPath, headers, body, "application/json");
  if (!res) {
    if (pinned && !pin_->seen.empty()) {
      return Error(ErrorCode::kIo, "server " + options_.url + " presented certificate SHA-256 " +
                                       pin_->seen +
                                       ", not the pinned server_fingerprint; nothing sent");
    }
    std::string why = httplib::to_string(res.error());
    if (const long verify = client_->get_openssl_verify_result(); !pinned && verify != X509_V_OK) {
      why += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
    }
    return Error(ErrorCode::kIo, "server " + options_.url + " unreachable sending " +
                                     std::to_string(count) + " events: " + why);
  }
  if (pinned && !pin_->matched) {
    // Cannot happen with OpenSSL's verify callback contract; refuse the answer if it does.
    return Error(ErrorCode::kIo, "server " + options_.url +
                                     " answered without its certificate being checked against "
                                     "the pin; answer ignored");
  }
  return Answer{res->status, res->body};
}

Result<std::vector<store::IngestResult>> HttpsEventSink::SendChunk(
    std::span<const store::IncomingEvent> events, std::span<const std::string> encoded) {
  std::string array = "[";
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (i > 0) array += ',';
    array += encoded[i];
  }
  array += ']';
  auto answer = Post(array, events.size());
  if (!answer) return answer.error();
  const int status = answer->status;
  const std::string what = "server " + options_.url + " answered HTTP " + std::to_string(status) +
                           ": " + ServerMessage(answer->body);
  if (status == 200) {
    const auto parsed = json::parse(answer->body, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("results") || !parsed["results"].is_array() ||
        parsed["results"].size() != events.size()) {
      return Error(ErrorCode::kIo, "server " + options_.url + " answered " +
                                       std::to_string(events.size()) +
                                       " events with an unreadable result list");
    }
    std::vector<store::IngestResult> out;
    for (const auto& r : parsed["results"]) {
      store::IngestResult result;
      const std::string s = r.value("status", "");
      if (s == "accepted") {
        result.status = store::IngestStatus::kAccepted;
      } else if (s == "duplicate") {
        result.status = store::IngestStatus::kDuplicate;
      } else if (s == "refused") {
        result.status = store::IngestStatus::kRefused;
      } else {
        return Error(ErrorCode::kIo,
                     "server " + options_.url + " answered an unknown status \"" + s + "\"");
      }
      result.event_id = r.value("event_id", "");
      result.reason = r.value("reason", "");
      out.push_back(std::move(result));
    }
    return out;
  }
  if (status == 401) {
    return Error(ErrorCode::kBadConfig,
                 what + " (the server does not accept this camera's signature: camera " +
                     camera_id_ +
                     " not enrolled there or revoked, another key, or the clocks differ by more "
                     "than 5 minutes); events stay spooled");
  }
  if (status == 404) return Error(ErrorCode::kBadConfig, what + " (not a SafeLane ingest URL)");
  if (status >= 400 && status < 500 && status != 408 && status != 429) {
    if (events.size() > 1) {
      // Find the event the server objects to: the others still go through.
      std::vector<store::IngestResult> out;
      for (std::size_t i = 0; i < events.size(); ++i) {
        auto one = SendChunk(events.subspan(i, 1), encoded.subspan(i, 1));
        if (!one) return one.error();
        out.push_back(std::move(one->front()));
      }
      return out;
    }
    return std::vector<store::IngestResult>{
        {store::IngestStatus::kRefused, EventIdOf(events.front()), what}};
  }
  return Error(ErrorCode::kIo, what);
}

Result<std::vector<store::IngestResult>> HttpsEventSink::Send(
    std::span<const store::IncomingEvent> batch) {
  std::vector<std::optional<store::IngestResult>> results(batch.size());
  std::vector<std::string> encoded(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    encoded[i] = EncodeEvent(batch[i]);
    if (encoded[i].size() + kRequestOverheadBytes > options_.max_request_bytes) {
      results[i] = store::IngestResult{
          store::IngestStatus::kRefused, EventIdOf(batch[i]),
          "event is " + std::to_string(encoded[i].size()) + " bytes encoded, more than the " +
              std::to_string(options_.max_request_bytes) + " bytes one request may carry"};
      encoded[i].clear();
    }
  }
  // Runs of consecutive sendable events, each cut to fit one request.
  std::size_t i = 0;
  while (i < batch.size()) {
    if (results[i]) {
      ++i;
      continue;
    }
    std::size_t end = i;
    std::uint64_t bytes = kRequestOverheadBytes;
    while (end < batch.size() && !results[end] &&
           (end == i || bytes + encoded[end].size() + 1 <= options_.max_request_bytes)) {
      bytes += encoded[end].size() + 1;
      ++end;
    }
    auto chunk = SendChunk(batch.subspan(i, end - i),
                           std::span<const std::string>(encoded).subspan(i, end - i));
    if (!chunk) return chunk.error();
    for (std::size_t k = i; k < end; ++k) results[k] = std::move((*chunk)[k - i]);
    i = end;
  }
  std::vector<store::IngestResult> out;
  out.reserve(results.size());
  for (auto& r : results) out.push_back(std::move(*r));
  return out;
}

}  // namespace safelane::camera
