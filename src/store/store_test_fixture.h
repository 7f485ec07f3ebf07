#pragma once
// Shared by the store tests: a real store (SQLite in a fresh temporary directory, or a
// fresh database on a real PostgreSQL server: the test parameter picks), a real vault and
// a real master key, a ManualClock, and cameras with real Ed25519 keys that sign events
// the way a camera node does. Suites that hold for every backend are TEST_P and are
// instantiated with SAFELANE_ALL_BACKENDS; SQLite-only checks use TEST_F.

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
#include "store/postgres_store.h"
#include "store/postgres_test_server.h"
#include "store/sqlite_store.h"

namespace safelane::store::testing {

// 2026-01-01T00:00:00Z
inline const TimePoint kT0 = FromMillis(1'767'225'600'000);

enum class Backend { kSqlite, kPostgres };

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "sqlite" : "postgres";
}

// Runs every test of a TEST_P suite against both backends.
#define SAFELANE_ALL_BACKENDS(suite)                                                          \
  INSTANTIATE_TEST_SUITE_P(Backends, suite,                                                   \
                           ::testing::Values(::safelane::store::testing::Backend::kSqlite,    \
                                             ::safelane::store::testing::Backend::kPostgres), \
                           ::safelane::store::testing::BackendName)

class StoreTest : public ::testing::Test, public ::testing::WithParamInterface<Backend> {
 protected:
  // TEST_P suites take the parameter; TEST_F suites run on SQLite.
  Backend backend() const {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return info != nullptr && info->value_param() != nullptr ? GetParam() : Backend::kSqlite;
  }

  void SetUp() override {
    auto master = security::CreateMasterKeyFile(dir_ / "master.key");
    ASSERT_TRUE(master.ok()) << master.error().message;
    audit_key_ = std::make_shared<const security::SigningKey>(AuditSigningKey(*master));
    if (backend() == Backend::kPostgres) {
      conninfo_ = PostgresTestServer::Get().NewDatabase();
      ASSERT_FALSE(conninfo_.empty());
    }
    auto store = OpenStore(audit_key_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    auto vault = EvidenceVault::Open(dir_ / "data" / "vault", *master);
    ASSERT_TRUE(vault.ok()) << vault.error().message;
    vault_ = std::make_unique<EvidenceVault>(std::move(*vault));
    ingestor_ = std::make_unique<Ingestor>(*store_, *vault_, clock_);
    master_ = std::make_unique<security::MasterKey>(std::move(*master));
  }

  // A second connection to this test's store (signer may be null).
  Result<std::unique_ptr<Store>> OpenStore(std::shared_ptr<const security::SigningKey> signer) {
    if (backend() == Backend::kPostgres) {
      auto pg = PostgresStore::Open(
          {.conninfo = conninfo_, .audit_signer = signer, .audit_head_file = dir_ / kAuditHeadFile},
          clock_);
      if (!pg) return pg.error();
      return std::unique_ptr<Store>(std::move(*pg));
    }
    auto lite = SqliteStore::Open(dir_ / "data", clock_, {.audit_signer = signer});
    if (!lite) return lite.error();
    return std::unique_ptr<Store>(std::move(*lite));
  }

  // Runs SQL on the store's database behind the store's back (how the tests play an
  // attacker with write access to the database, or a failing disk). Empty: it worked.
  std::string RawExec(const std::string& sqlite_sql, const std::string& postgres_sql) {
    if (backend() == Backend::kPostgres) {
      try {
        pqxx::connection c(conninfo_);
        pqxx::work tx(c);
        tx.exec(postgres_sql);
        tx.commit();
        return "";
      } catch (const std::exception& e) {
        return std::string("failed: ") + e.what();
      }
    }
    auto raw = sqlite::Database::Open(dir_ / "data" / SqliteStore::kDatabaseFile, false);
    if (!raw) return "failed: " + raw.error().message;
    auto r = raw->Exec(sqlite_sql);
    return r ? "" : "failed: " + r.error().message;
  }
  std::string RawExec(const std::string& sql) { return RawExec(sql, sql); }

  // A byte string as a literal of the backend's SQL.
  std::string BlobLiteral(std::span<const std::uint8_t> bytes) const {
    return backend() == Backend::kPostgres ? "'\\x" + security::ToHex(bytes) + "'::bytea"
                                           : "X'" + security::ToHex(bytes) + "'";
  }

  SqliteStore& sqlite_store() { return dynamic_cast<SqliteStore&>(*store_); }

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
  std::unique_ptr<Store> store_;
  std::string conninfo_;  // PostgreSQL only
  std::unique_ptr<EvidenceVault> vault_;
  std::unique_ptr<Ingestor> ingestor_;
  std::unique_ptr<security::MasterKey> master_;
  std::map<std::string, security::SigningKey> keys_;
  std::shared_ptr<const security::SigningKey> audit_key_;
};

}  // namespace safelane::store::testing
