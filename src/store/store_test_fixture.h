#pragma once
// Shared by the store tests: a real SQLite store, a real vault and a real master key in
// a fresh temporary directory, a ManualClock, and cameras with real Ed25519 keys that
// sign events the way a camera node does.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "security/ed25519.h"
#include "security/master_key.h"
#include "security/sha256.h"
#include "security/test_temp_dir.h"
#include "store/audit_chain.h"
#include "store/event_manifest.h"
#include "store/evidence_vault.h"
#include "store/ingestor.h"
#include "store/sqlite_store.h"

namespace safelane::store::testing {

// 2026-01-01T00:00:00Z
inline const TimePoint kT0 = FromMillis(1'767'225'600'000);

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto master = security::CreateMasterKeyFile(dir_ / "master.key");
    ASSERT_TRUE(master.ok()) << master.error().message;
    audit_key_ = std::make_shared<const security::SigningKey>(AuditSigningKey(*master));
    auto store = SqliteStore::Open(dir_ / "data", clock_, {.audit_signer = audit_key_});
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    auto vault = EvidenceVault::Open(dir_ / "data" / "vault", *master);
    ASSERT_TRUE(vault.ok()) << vault.error().message;
    vault_ = std::make_unique<EvidenceVault>(std::move(*vault));
    ingestor_ = std::make_unique<Ingestor>(*store_, *vault_, clock_);
    master_ = std::make_unique<security::MasterKey>(std::move(*master));
  }

  // Registers a camera with a fresh key pair (kept to sign its events).
  Camera AddCamera(const std::string& id, double lat, double lon, const std::string& city) {
    auto key = security::SigningKey::Generate();
    EXPECT_TRUE(key.ok());
    Camera c{id, "Camera " + id, lat, lon, 90.0, city, CameraStatus::kActive, key->public_key()};
    EXPECT_TRUE(store_->RegisterCamera(c).ok());
    keys_.emplace(id, std::move(*key));
    return c;
  }

  static ReadEvent MakeEvent(const std::string& id, const std::string& camera,
                             const std::string& plate, TimePoint at) {
    return ReadEvent{id, camera, at, plate, 0.93, "uz", "car", "white", {}};
  }

  // Builds what a camera would send: evidence objects hashed into the manifest, signed.
  IncomingEvent Signed(ReadEvent event, const std::vector<std::string>& objects = {"frame"}) {
    IncomingEvent in;
    int n = 0;
    for (const std::string& text : objects) {
      const std::string body = text + " of " + event.event_id;
      in.evidence.emplace_back(body.begin(), body.end());
      event.evidence.push_back({n++ == 0 ? "overview" : "plate" + std::to_string(n),
                                security::Sha256Hex(in.evidence.back()), body.size()});
    }
    in.manifest = ManifestJson(event);
    in.signature_hex =
        security::ToHex(keys_.at(event.camera_id).Sign(security::AsBytes(in.manifest)));
    return in;
  }

  // Ingests and expects every event accepted.
  void IngestAll(const std::vector<IncomingEvent>& batch) {
    auto results = ingestor_->Ingest(batch);
    ASSERT_TRUE(results.ok()) << results.error().message;
    for (const auto& r : *results) {
      ASSERT_EQ(r.status, IngestStatus::kAccepted) << r.event_id << ": " << r.reason;
    }
  }

  safelane::testing::TempDir dir_;
  ManualClock clock_{kT0};
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<EvidenceVault> vault_;
  std::unique_ptr<Ingestor> ingestor_;
  std::unique_ptr<security::MasterKey> master_;
  std::map<std::string, security::SigningKey> keys_;
  std::shared_ptr<const security::SigningKey> audit_key_;
};

}  // namespace safelane::store::testing
