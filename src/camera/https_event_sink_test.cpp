// HttpsEventSink against a real `safelane serve` (server/server_test_fixture.h: the real
// HttpsServer over TLS on a loopback port, a real SQLite store, vault and audit log), with
// cameras enrolled and revoked through the real admin API. Events are signed by the
// camera's own code (read_event_signer.h) and delivered through the real EventSpool and
// EventSender where the spool's behaviour is the point.

#include "camera/https_event_sink.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "camera/event_sender.h"
#include "camera/event_spool.h"
#include "camera/read_event_signer.h"
#include "security/sha256.h"
#include "server/server_test_fixture.h"

namespace safelane::camera {
namespace {

using nlohmann::json;
using security::Role;

security::SigningKey KeyFrom(const std::array<std::uint8_t, 32>& bytes) {
  const security::SecretBytes<32> seed{std::span<const std::uint8_t, 32>(bytes)};
  return security::SigningKey::FromSeed(seed);
}

class HttpsEventSinkTest : public server::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    admin_ = SignIn("adm.sink", MakeUser("adm.sink", Role::kAdministrator));
    ASSERT_FALSE(admin_.cookie.empty());
  }

  void Revoke(const std::string& id) {
    auto res = Send("POST", "/api/v1/cameras/" + id + "/revoke", "{}", &admin_);
    ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
  }

  // A signed event with two evidence objects whose bytes differ per event.
  store::IncomingEvent Event(const security::SigningKey& key, const std::string& camera_id,
                             const std::string& event_id, std::size_t evidence_bytes = 3000) {
    store::ReadEvent event;
    event.event_id = event_id;
    event.camera_id = camera_id;
    event.captured_at = clock_.Now();
    event.plate = "01A123BC";
    event.confidence = 0.9;
    event.vehicle_class = "car";
    std::vector<EvidenceObject> objects = {{"overview", security::Bytes(evidence_bytes)},
                                           {"plate", security::Bytes(evidence_bytes / 3)}};
    for (auto& o : objects) {
      for (std::size_t i = 0; i < o.bytes.size(); ++i) {
        o.bytes[i] =
            static_cast<std::uint8_t>((i * 31 + event_id.size() * 7 + event_id.back()) & 0xff);
      }
    }
    auto signed_event = SignReadEvent(event, objects, key);
    EXPECT_TRUE(signed_event.ok()) << signed_event.error().message;
    return *signed_event;
  }

  HttpsSinkOptions Pinned() const {
    HttpsSinkOptions o;
    o.url = "https://127.0.0.1:" + std::to_string(port_);
    o.server_fingerprint = tls_.sha256_fingerprint;
    o.connect_timeout = std::chrono::milliseconds(2000);
    o.io_timeout = std::chrono::milliseconds(10'000);
    return o;
  }

  std::unique_ptr<HttpsEventSink> Sink(const security::SigningKey& key, const std::string& id,
                                       HttpsSinkOptions options) {
    auto sink = HttpsEventSink::Create(std::move(options), id, CopyOf(key), clock_);
    EXPECT_TRUE(sink.ok()) << sink.error().message;
    return sink.ok() ? std::move(*sink) : nullptr;
  }

  // SigningKey is move-only; tests keep the original and hand the sink a twin.
  security::SigningKey CopyOf(const security::SigningKey& key) {
    const auto it = seeds_.find(security::ToHex(key.public_key()));
    EXPECT_TRUE(it != seeds_.end());
    return KeyFrom(it->second);
  }

  // Keys whose seed the test knows (so the sink can get its own copy).
  security::SigningKey EnrolWithSeed(const std::string& id, std::uint8_t fill) {
    std::array<std::uint8_t, 32> bytes{};
    bytes.fill(fill);
    auto key = KeyFrom(bytes);
    seeds_[security::ToHex(key.public_key())] = bytes;
    const json body = {{"camera_id", id},
                       {"name", "Yunusobod " + id},
                       {"latitude", 41.36},
                       {"longitude", 69.29},
                       {"heading_deg", 180.0},
                       {"city", "Tashkent"},
                       {"public_key", security::ToHex(key.public_key())}};
    auto res = Send("POST", "/api/v1/cameras", body.dump(), &admin_);
    EXPECT_TRUE(res && res->status == 201) << (res ? res->body : "no answer");
    return key;
  }

  security::SigningKey UnenrolledWithSeed(std::uint8_t fill) {
    std::array<std::uint8_t, 32> bytes{};
    bytes.fill(fill);
    auto key = KeyFrom(bytes);
    seeds_[security::ToHex(key.public_key())] = bytes;
    return key;
  }

  std::optional<store::StoredRead> Stored(const std::string& id) {
    auto read = ctx_->WithStore([&](store::Store& s) { return s.GetRead(id); });
    EXPECT_TRUE(read.ok());
    return read.ok() ? *read : std::nullopt;
  }

  // The server goes away and comes back on the same port (same store, same certificate).
  void StartAgainOnSamePort() {
    server::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = port_;
    options.tls = tls_;
    options.threads = 4;
    auto server = server::HttpsServer::Create(*ctx_, options);
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok()) << port.error().message;
    ASSERT_EQ(*port, port_);
    thread_ = std::thread([this] { server_->Run(); });
    for (int i = 0; i < 10'000 && !server_->is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_TRUE(server_->is_running());
  }

  server::Caller admin_;
  std::map<std::string, std::array<std::uint8_t, 32>> seeds_;
};

TEST_F(HttpsEventSinkTest, SignedEventsArriveWithTheirEvidenceAndAResendIsADuplicate) {
  const auto key = EnrolWithSeed("cam-1", 1);
  auto sink = Sink(key, "cam-1", Pinned());
  ASSERT_NE(sink, nullptr);
  std::vector<store::IncomingEvent> batch;
  for (int i = 0; i < 3; ++i) batch.push_back(Event(key, "cam-1", "cam-1-ev-" + std::to_string(i)));
  auto results = sink->Send(batch);
  ASSERT_TRUE(results.ok()) << results.error().message;
  ASSERT_EQ(results->size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*results)[i].status, store::IngestStatus::kAccepted) << (*results)[i].reason;
    EXPECT_EQ((*results)[i].event_id, "cam-1-ev-" + std::to_string(i));
    // In the server's store, each object listed with the SHA-256 of the bytes sent, and the
    // vault gives back exactly those bytes.
    const auto stored = Stored((*results)[i].event_id);
    ASSERT_TRUE(stored.has_value());
    ASSERT_EQ(stored->event.evidence.size(), 2U);
    for (std::size_t k = 0; k < 2; ++k) {
      const auto& ref = stored->event.evidence[k];
      EXPECT_EQ(ref.sha256, security::Sha256Hex(batch[i].evidence[k]));
      auto bytes = vault_->Get(ref.sha256);
      ASSERT_TRUE(bytes.ok()) << bytes.error().message;
      EXPECT_EQ(*bytes, batch[i].evidence[k]);
    }
  }
  auto again = sink->Send(batch);
  ASSERT_TRUE(again.ok()) << again.error().message;
  for (const auto& r : *again) EXPECT_EQ(r.status, store::IngestStatus::kDuplicate);
}

TEST_F(HttpsEventSinkTest, BadEventsAreRefusedOneByOneAndTheOthersStillArrive) {
  const auto key = EnrolWithSeed("cam-1", 1);
  const auto other = EnrolWithSeed("cam-2", 2);
  auto options = Pinned();
  options.max_request_bytes = 64 * 1024;  // the first three go in one request
  auto sink = Sink(key, "cam-1", options);
  ASSERT_NE(sink, nullptr);
  std::vector<store::IncomingEvent> batch = {
      Event(key, "cam-1", "good-1"),
      Event(key, "cam-1", "tampered"),          // evidence changed after signing: the store refuses
      Event(other, "cam-2", "not-mine"),        // another camera's event: 403 for the whole request
      Event(key, "cam-1", "too-big", 100'000),  // cannot fit one request: never sent
      Event(key, "cam-1", "good-2")};
  batch[1].evidence[0][10] ^= 1;
  auto results = sink->Send(batch);
  ASSERT_TRUE(results.ok()) << results.error().message;
  ASSERT_EQ(results->size(), batch.size());
  EXPECT_EQ((*results)[0].status, store::IngestStatus::kAccepted);
  EXPECT_EQ((*results)[1].status, store::IngestStatus::kRefused);
  EXPECT_NE((*results)[1].reason.find("SHA-256"), std::string::npos) << (*results)[1].reason;
  EXPECT_EQ((*results)[2].status, store::IngestStatus::kRefused);
  EXPECT_NE((*results)[2].reason.find("HTTP 403"), std::string::npos) << (*results)[2].reason;
  EXPECT_EQ((*results)[2].event_id, "not-mine");
  EXPECT_EQ((*results)[3].status, store::IngestStatus::kRefused);
  EXPECT_EQ((*results)[3].event_id, "too-big");
  EXPECT_NE((*results)[3].reason.find("bytes encoded"), std::string::npos) << (*results)[3].reason;
  EXPECT_EQ((*results)[4].status, store::IngestStatus::kAccepted);
  EXPECT_TRUE(Stored("good-1").has_value());
  EXPECT_TRUE(Stored("good-2").has_value());
  EXPECT_FALSE(Stored("tampered").has_value());
  EXPECT_FALSE(Stored("not-mine").has_value());
  EXPECT_FALSE(Stored("too-big").has_value());
}

TEST_F(HttpsEventSinkTest, AnotherCertificateIsRefusedBeforeAnythingIsSent) {
  const auto key = EnrolWithSeed("cam-1", 1);
  auto options = Pinned();
  // The right fingerprint with its last digit changed.
  std::string& fp = options.server_fingerprint;
  fp.back() = fp.back() == '0' ? '1' : '0';
  auto sink = Sink(key, "cam-1", options);
  ASSERT_NE(sink, nullptr);
  const std::vector<store::IncomingEvent> batch = {Event(key, "cam-1", "pinned-1")};
  auto results = sink->Send(batch);
  ASSERT_FALSE(results.ok());
  EXPECT_EQ(results.error().code, ErrorCode::kIo);
  // The message names the certificate that was shown: the handshake stopped there.
  EXPECT_NE(results.error().message.find(tls_.sha256_fingerprint), std::string::npos)
      << results.error().message;
  EXPECT_NE(results.error().message.find("nothing sent"), std::string::npos);
  EXPECT_FALSE(Stored("pinned-1").has_value());

  // A CA file instead of a pin: the server's own (self-signed) certificate verifies, with
  // its host name; another CA does not.
  HttpsSinkOptions with_ca = Pinned();
  with_ca.server_fingerprint.clear();
  with_ca.ca_file = tls_.certificate;
  auto ca_sink = Sink(key, "cam-1", with_ca);
  ASSERT_NE(ca_sink, nullptr);
  auto accepted = ca_sink->Send(batch);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted->front().status, store::IngestStatus::kAccepted);

  auto stranger = server::EnsureTlsIdentity(dir_ / "other.crt", dir_ / "other.key", "127.0.0.1");
  ASSERT_TRUE(stranger.ok()) << stranger.error().message;
  with_ca.ca_file = stranger->certificate;
  auto wrong_ca = Sink(key, "cam-1", with_ca);
  ASSERT_NE(wrong_ca, nullptr);
  const std::vector<store::IncomingEvent> second = {Event(key, "cam-1", "pinned-2")};
  auto refused = wrong_ca->Send(second);
  ASSERT_FALSE(refused.ok());
  EXPECT_FALSE(Stored("pinned-2").has_value());
}

TEST_F(HttpsEventSinkTest, UnenrolledAndRevokedCamerasAreRefusedAndTheirEventsStaySpooled) {
  const auto key = UnenrolledWithSeed(3);
  auto sink = Sink(key, "cam-3", Pinned());
  ASSERT_NE(sink, nullptr);
  auto spool = EventSpool::Open({.dir = dir_ / "spool"});
  ASSERT_TRUE(spool.ok()) << spool.error().message;
  EventSender sender(**spool, *sink, {.batch = 16, .retry_interval = std::chrono::seconds(60)});
  ASSERT_TRUE((*spool)->Push(Event(key, "cam-3", "cam-3-a")).ok());
  ASSERT_TRUE((*spool)->Push(Event(key, "cam-3", "cam-3-b")).ok());

  auto drained = sender.DrainOnce();
  ASSERT_FALSE(drained.ok());
  EXPECT_EQ(drained.error().code, ErrorCode::kBadConfig);
  EXPECT_NE(drained.error().message.find("HTTP 401"), std::string::npos) << drained.error().message;
  EXPECT_EQ((*spool)->size(), 2U) << "an unenrolled camera's events wait, they are not dropped";
  EXPECT_EQ(sender.counters().refused, 0);

  // Enrolled later (the same key): the spool goes through.
  const json body = {{"camera_id", "cam-3"},
                     {"name", "Sergeli"},
                     {"latitude", 41.22},
                     {"longitude", 69.22},
                     {"heading_deg", 0.0},
                     {"city", "Tashkent"},
                     {"public_key", security::ToHex(key.public_key())}};
  auto enrolled = Send("POST", "/api/v1/cameras", body.dump(), &admin_);
  ASSERT_TRUE(enrolled && enrolled->status == 201) << (enrolled ? enrolled->body : "no answer");
  auto delivered = sender.DrainOnce();
  ASSERT_TRUE(delivered.ok()) << delivered.error().message;
  EXPECT_EQ(*delivered, 2U);
  EXPECT_TRUE(Stored("cam-3-a").has_value());

  // Revoked: refused again, and nothing of the new event is stored.
  Revoke("cam-3");
  ASSERT_TRUE((*spool)->Push(Event(key, "cam-3", "cam-3-c")).ok());
  auto after = sender.DrainOnce();
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, ErrorCode::kBadConfig);
  EXPECT_EQ((*spool)->size(), 1U);
  EXPECT_FALSE(Stored("cam-3-c").has_value());
}

TEST_F(HttpsEventSinkTest, WhileTheServerIsDownEventsWaitInTheSpoolAndArriveWhenItIsBack) {
  const auto key = EnrolWithSeed("cam-1", 1);
  auto sink = Sink(key, "cam-1", Pinned());
  ASSERT_NE(sink, nullptr);
  auto spool = EventSpool::Open({.dir = dir_ / "spool"});
  ASSERT_TRUE(spool.ok()) << spool.error().message;
  EventSender sender(**spool, *sink,
                     {.batch = 2, .retry_interval = std::chrono::milliseconds(100)});
  sender.Start();
  StopServer();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE((*spool)->Push(Event(key, "cam-1", "down-" + std::to_string(i))).ok());
    sender.Wake();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ((*spool)->size(), 5U);
  EXPECT_GE(sender.counters().failed_sends, 2) << "it kept retrying";
  EXPECT_NE(sender.counters().last_error.find("unreachable"), std::string::npos)
      << sender.counters().last_error;

  StartAgainOnSamePort();
  for (int i = 0; i < 200 && (*spool)->size() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sender.Stop();
  EXPECT_EQ((*spool)->size(), 0U);
  EXPECT_EQ(sender.counters().accepted, 5);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(Stored("down-" + std::to_string(i)).has_value()) << i;
}

// A server that takes the TCP connection and then says nothing: the sink gives up after
// its timeout instead of hanging the sender.
TEST_F(HttpsEventSinkTest, ASilentServerIsATimeoutNotAHang) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 8), 0);  // never accepted: the handshake gets no answer
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const auto key = UnenrolledWithSeed(4);
  auto options = Pinned();
  options.url = "https://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  options.connect_timeout = std::chrono::milliseconds(300);
  options.io_timeout = std::chrono::milliseconds(300);
  auto sink = Sink(key, "cam-4", options);
  ASSERT_NE(sink, nullptr);
  const std::vector<store::IncomingEvent> batch = {Event(key, "cam-4", "silent-1")};
  const auto t0 = std::chrono::steady_clock::now();
  auto results = sink->Send(batch);
  const auto waited = std::chrono::steady_clock::now() - t0;
  ::close(fd);
  ASSERT_FALSE(results.ok());
  EXPECT_EQ(results.error().code, ErrorCode::kIo);
  EXPECT_LT(waited, std::chrono::seconds(3));
}

TEST(HttpsSinkConfig, UrlsAndFingerprintsAreCheckedBeforeAnythingConnects) {
  EXPECT_TRUE(ParseHttpsUrl("https://127.0.0.1:8443").ok());
  EXPECT_EQ(ParseHttpsUrl("https://safelane.example").value().port, 443);
  EXPECT_EQ(ParseHttpsUrl("https://[::1]:9443/").value().host, "::1");
  for (const char* bad :
       {"http://127.0.0.1:8443", "https://", "https://host:0", "https://host:99999",
        "https://host/api", "https://ho st", "127.0.0.1:8443"}) {
    EXPECT_FALSE(ParseHttpsUrl(bad).ok()) << bad;
  }
  const std::string fp(64, 'a');
  EXPECT_TRUE(ParseCertificateFingerprint(fp).ok());
  EXPECT_TRUE(ParseCertificateFingerprint("AB:" + std::string(62, 'C')).ok());
  EXPECT_FALSE(ParseCertificateFingerprint(std::string(62, 'a')).ok());
  EXPECT_FALSE(ParseCertificateFingerprint(std::string(63, 'a') + "g").ok());

  const store::SystemClock clock;
  auto key = security::SigningKey::Generate();
  ASSERT_TRUE(key.ok());
  HttpsSinkOptions neither;
  neither.url = "https://127.0.0.1:8443";
  auto refused = HttpsEventSink::Create(neither, "cam-1", std::move(*key), clock);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kBadConfig);
  EXPECT_NE(refused.error().message.find("exactly one"), std::string::npos);
}

}  // namespace
}  // namespace safelane::camera
