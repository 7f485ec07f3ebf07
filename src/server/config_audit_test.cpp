#include "server/config_audit.h"

#include <gtest/gtest.h>

#include <chrono>

#include "security/master_key.h"
#include "security/test_temp_dir.h"
#include "store/audit_chain.h"
#include "store/sqlite_store.h"

namespace safelane::server {
namespace {

class ConfigAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto master = security::CreateMasterKeyFile(dir_ / "master.key");
    ASSERT_TRUE(master.ok()) << master.error().message;
    audit_key_ = std::make_shared<const security::SigningKey>(store::AuditSigningKey(*master));
    auto db = store::SqliteStore::Open(dir_ / "data", clock_, {.audit_signer = audit_key_});
    ASSERT_TRUE(db.ok()) << db.error().message;
    store_ = std::move(*db);
  }

  ServeConfig Config(const nlohmann::json& values) {
    auto c = LoadServeConfig(values);
    EXPECT_TRUE(c.ok()) << c.error().message;
    return c.ok() ? *c : ServeConfig{};
  }

  Result<bool> Start(const nlohmann::json& values) {
    clock_.Advance(std::chrono::minutes(1));
    return AuditSettingsChange(*store_, RecordedServeSettings(Config(values)), "host:root",
                               clock_.Now());
  }

  std::vector<store::AuditEntry> Changes() { return *store_->AuditFor(kServeConfigSubject); }

  safelane::testing::TempDir dir_;
  store::ManualClock clock_{store::FromMillis(1'767'225'600'000)};
  std::shared_ptr<const security::SigningKey> audit_key_;
  std::unique_ptr<store::SqliteStore> store_;
};

TEST_F(ConfigAuditTest, AChangeIsAuditedOnceWithTheKeysThatChangedAndARestartIsNot) {
  ASSERT_EQ(Start({{"data", "/srv/a"}}).value(), true);
  ASSERT_EQ(Start({{"data", "/srv/a"}}).value(), false);  // the same settings: nothing
  ASSERT_EQ(
      Start({{"data", "/srv/a"}, {"retention_unmatched_reads_h", 24}, {"threads", 2}}).value(),
      true);
  const auto changes = Changes();
  ASSERT_EQ(changes.size(), 2U);
  EXPECT_EQ(changes[0].action, "config.changed");
  EXPECT_EQ(changes[0].actor, "system:serve");
  EXPECT_EQ(changes[0].source, "host:root");
  EXPECT_EQ(changes[0].reason.rfind("first recorded settings; changed: ", 0), 0U);
  EXPECT_EQ(changes[1].reason, "changed: retention_unmatched_reads_h, threads");
  const auto detail = nlohmann::json::parse(changes[1].detail);
  EXPECT_EQ(detail["retention_unmatched_reads_h"], 24);
  EXPECT_EQ(detail["data"], "/srv/a");
  // Back to the defaults is a change too, recorded against the last settings.
  ASSERT_EQ(Start({{"data", "/srv/a"}}).value(), true);
  EXPECT_EQ(Changes().back().reason, "changed: retention_unmatched_reads_h, threads");
  EXPECT_TRUE(store_->VerifyAuditChain(audit_key_->public_key()).ok());
}

TEST_F(ConfigAuditTest, APostgresPasswordIsNeverRecordedButItsChangeIsSeen) {
  for (const std::string conninfo :
       {"host=db user=sl password=s3cret-one dbname=sl", "postgresql://sl:s3cret-two@db/sl",
        "host=db password = 's3cret three' dbname=sl"}) {
    auto changed = Start({{"backend", "postgres"}, {"postgres", conninfo}});
    ASSERT_TRUE(changed.ok()) << changed.error().message;
  }
  for (const auto& e : Changes()) {
    EXPECT_EQ(e.detail.find("s3cret"), std::string::npos) << e.detail;
    EXPECT_NE(e.detail.find("[not recorded]"), std::string::npos) << e.detail;
  }
  EXPECT_EQ(Changes().size(), 3U);  // the host and the form changed each time
}

TEST_F(ConfigAuditTest, LongValuesAreRecordedByTheirHashSoTheDetailFitsTheLog) {
  const std::string long_path = "/srv/" + std::string(3000, 'd');
  ASSERT_EQ(Start({{"data", long_path}}).value(), true);
  const auto detail = nlohmann::json::parse(Changes().back().detail);
  EXPECT_EQ(detail["data"].get<std::string>().rfind("sha256:", 0), 0U);
  EXPECT_EQ(Start({{"data", long_path}}).value(), false);
  EXPECT_EQ(Start({{"data", long_path + "e"}}).value(), true);
}

}  // namespace
}  // namespace safelane::server
