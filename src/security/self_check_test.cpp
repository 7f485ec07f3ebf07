#include "security/self_check.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>

#include "security/master_key.h"
#include "security/test_temp_dir.h"
#include "store/audit_chain.h"
#include "store/sqlite_store.h"

namespace safelane::security {
namespace {

using std::chrono::hours;
using store::FromMillis;

const store::TimePoint kT0 = FromMillis(1'767'225'600'000);  // 2026-01-01T00:00:00Z

const CheckResult* Find(const std::vector<CheckResult>& results, const std::string& name) {
  for (const auto& r : results) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

CheckStatus StatusOf(const std::vector<CheckResult>& results, const std::string& name) {
  const CheckResult* r = Find(results, name);
  EXPECT_NE(r, nullptr) << name;
  return r != nullptr ? r->status : CheckStatus::kFail;
}

// Runs SQL on the store's database file directly: what someone with the file can do.
void Tamper(const std::filesystem::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_file.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  const std::string text = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << text;
}

class SelfCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::mkdir((dir_ / "etc").c_str(), 0700);
    auto master = CreateMasterKeyFile(dir_ / "etc" / "master.key");
    ASSERT_TRUE(master.ok());
    master_ = std::make_unique<MasterKey>(std::move(*master));
    signer_ = std::make_shared<const SigningKey>(store::AuditSigningKey(*master_));
    auto opened = store::SqliteStore::Open(data(), clock_, {.audit_signer = signer_});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
    for (int i = 0; i < 4; ++i) Append("user.sign_in", "user:u" + std::to_string(i));
    // What an installation should look like (the database file is created under the
    // process umask: see the report on safelane.db's mode).
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(data())) {
      ::chmod(e.path().c_str(), e.is_directory() ? 0700 : 0600);
    }
  }

  std::filesystem::path data() const { return dir_ / "data"; }

  void Append(const std::string& action, const std::string& subject) {
    store::AuditEntry e;
    e.at = clock_.Now();
    e.actor = "tester";
    e.action = action;
    e.subject = subject;
    e.detail = "detail";
    e.source = "10.0.0.1";
    auto appended = store_->AppendAudit(e);
    ASSERT_TRUE(appended.ok()) << appended.error().message;
  }

  testing::TempDir dir_;
  store::ManualClock clock_{kT0};
  std::unique_ptr<MasterKey> master_;
  std::shared_ptr<const SigningKey> signer_;
  std::unique_ptr<store::SqliteStore> store_;
};

TEST_F(SelfCheckTest, PrivateDataDirectoryPasses) {
  const auto results = CheckDataFiles(data());
  EXPECT_EQ(StatusOf(results, "data-dir"), CheckStatus::kPass) << Find(results, "data-dir")->detail;
  EXPECT_EQ(StatusOf(results, "data-files"), CheckStatus::kPass)
      << Find(results, "data-files")->detail;
}

TEST_F(SelfCheckTest, AFileOpenToOthersFailsAndIsNamed) {
  ::chmod((data() / "safelane.db").c_str(), 0644);
  const auto results = CheckDataFiles(data());
  ASSERT_EQ(StatusOf(results, "data-files"), CheckStatus::kFail);
  EXPECT_NE(Find(results, "data-files")->detail.find("safelane.db (0644)"), std::string::npos);
  EXPECT_NE(Find(results, "data-files")->detail.find("chmod -R go-rwx"), std::string::npos);
}

TEST_F(SelfCheckTest, AnOpenDataDirectoryFails) {
  ::chmod(data().c_str(), 0755);
  const auto results = CheckDataFiles(data());
  EXPECT_EQ(StatusOf(results, "data-dir"), CheckStatus::kFail);
  EXPECT_NE(Find(results, "data-dir")->detail.find("0755"), std::string::npos);
  EXPECT_EQ(CheckDataFiles(dir_ / "missing").front().status, CheckStatus::kFail);
}

TEST_F(SelfCheckTest, MasterKeyMustBe0600AndOutsideTheDataDirectory) {
  auto good = CheckMasterKey(dir_ / "etc" / "master.key", data());
  EXPECT_EQ(StatusOf(good, "master-key"), CheckStatus::kPass);
  EXPECT_EQ(StatusOf(good, "master-key-location"), CheckStatus::kPass);

  ::chmod((dir_ / "etc" / "master.key").c_str(), 0640);
  auto loose = CheckMasterKey(dir_ / "etc" / "master.key", data());
  EXPECT_EQ(StatusOf(loose, "master-key"), CheckStatus::kFail);
  EXPECT_NE(Find(loose, "master-key")->detail.find("0640"), std::string::npos);

  ASSERT_TRUE(CreateMasterKeyFile(data() / "inside.key").ok());
  auto inside = CheckMasterKey(data() / "inside.key", data());
  EXPECT_EQ(StatusOf(inside, "master-key"), CheckStatus::kPass);
  EXPECT_EQ(StatusOf(inside, "master-key-location"), CheckStatus::kFail);

  ::chmod((dir_ / "etc").c_str(), 0777);
  auto writable_parent = CheckMasterKey(dir_ / "etc" / "master.key", data());
  EXPECT_EQ(StatusOf(writable_parent, "master-key-directory"), CheckStatus::kFail);
  ::chmod((dir_ / "etc").c_str(), 0700);
}

store::User MakeUser(const std::string& name, const std::string& role, bool mfa) {
  store::User u;
  u.username = name;
  u.role = role;
  u.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
  u.mfa_enabled = mfa;
  return u;
}

TEST(SelfCheckAccounts, EveryPlateSeeingAccountWithoutMfaFails) {
  std::vector<store::User> users = {MakeUser("chief", "administrator", true),
                                    MakeUser("op.one", "operator", true),
                                    MakeUser("aud.one", "auditor", false)};
  auto good = CheckAccounts(users, kT0);
  EXPECT_EQ(StatusOf(good, "accounts-mfa"), CheckStatus::kPass);
  EXPECT_EQ(Find(good, "accounts-admin"), nullptr);

  users.push_back(MakeUser("inv.one", "investigator", false));
  users.push_back(MakeUser("chief2", "administrator", false));
  auto bad = CheckAccounts(users, kT0);
  ASSERT_EQ(StatusOf(bad, "accounts-mfa"), CheckStatus::kFail);
  EXPECT_NE(Find(bad, "accounts-mfa")->detail.find("inv.one (investigator)"), std::string::npos);
  EXPECT_NE(Find(bad, "accounts-mfa")->detail.find("chief2"), std::string::npos);
  EXPECT_EQ(Find(bad, "accounts-mfa")->detail.find("aud.one"), std::string::npos);
}

TEST(SelfCheckAccounts, DisabledLockedPendingAndNoAdministratorAreWarnings) {
  std::vector<store::User> users = {MakeUser("op.one", "operator", true)};
  users.push_back(MakeUser("gone", "operator", false));
  users.back().disabled = true;  // disabled: its missing MFA does not matter
  users.push_back(MakeUser("locked", "auditor", false));
  users.back().locked_until = kT0 + hours(1);
  users.push_back(MakeUser("was.locked", "auditor", false));
  users.back().locked_until = kT0 - hours(1);
  users.push_back(MakeUser("new.one", "supervisor", false));
  users.back().password_hash.clear();
  const auto results = CheckAccounts(users, kT0);
  EXPECT_EQ(StatusOf(results, "accounts-mfa"), CheckStatus::kPass);
  EXPECT_EQ(StatusOf(results, "accounts-admin"), CheckStatus::kWarn);
  EXPECT_EQ(StatusOf(results, "accounts-disabled"), CheckStatus::kWarn);
  EXPECT_EQ(StatusOf(results, "accounts-locked"), CheckStatus::kWarn);
  EXPECT_EQ(Find(results, "accounts-locked")->detail.find("was.locked"), std::string::npos);
  EXPECT_NE(Find(results, "accounts-pending")->detail.find("new.one"), std::string::npos);
}

TEST_F(SelfCheckTest, AuditChainPassesThenAnEditedRowFailsByName) {
  const auto key = signer_->public_key();
  EXPECT_EQ(CheckAuditChain(*store_, key).status, CheckStatus::kPass);
  const auto other = SigningKey::Generate();
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(CheckAuditChain(*store_, other->public_key()).status, CheckStatus::kFail)
      << "another key did not sign this log";
  store_.reset();
  Tamper(data() / "safelane.db",
         "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'someone else' WHERE "
         "id = 3;");
  auto reopened = store::SqliteStore::Open(data(), clock_, {.create = false});
  ASSERT_TRUE(reopened.ok());
  const CheckResult r = CheckAuditChain(**reopened, key);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_NE(r.detail.find('3'), std::string::npos) << r.detail;
}

TEST_F(SelfCheckTest, RetentionMustHaveRunRecently) {
  EXPECT_EQ(CheckRetention(*store_, kT0 + hours(24)).status, CheckStatus::kWarn);
  EXPECT_EQ(CheckRetention(*store_, kT0 + hours(24 * 8)).status, CheckStatus::kFail);
  clock_.Set(kT0 + hours(24 * 8));
  Append("retention.purge", "store");
  EXPECT_EQ(CheckRetention(*store_, kT0 + hours(24 * 9)).status, CheckStatus::kPass);
  const CheckResult stale = CheckRetention(*store_, kT0 + hours(24 * 16));
  EXPECT_EQ(stale.status, CheckStatus::kFail);
  EXPECT_NE(stale.detail.find("192 h ago"), std::string::npos) << stale.detail;
}

}  // namespace
}  // namespace safelane::security
