// The real `safelane` binary: `admin init` on an empty installation, `admin activate`
// with the one-time token, `audit verify` on the real SQLite file before and after
// someone with the file edits, deletes or reorders audit rows, and `doctor`.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <regex>
#include <string>

#include "security/test_temp_dir.h"

namespace safelane::cli {
namespace {

struct CommandRun {
  int exit_code;
  std::string output;  // stdout and stderr together
};

CommandRun Safelane(const std::string& args, const std::string& stdin_text = "") {
  std::string command = std::string(SAFELANE_BINARY) + " " + args + " 2>&1";
  if (!stdin_text.empty()) command = "printf '" + stdin_text + "' | " + command;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string output;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    output.append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

void Sql(const std::filesystem::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_file.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  const std::string text = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << text;
}

// One installation is set up once (init, activate, three accounts: each a run of the
// binary with the production argon2id cost); every test works on its own copy.
class AccountsCommandTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    template_ = new safelane::testing::TempDir();
    const std::string paths = Paths(template_->path());
    const auto init = Safelane("admin init --username chief " + paths);
    ASSERT_EQ(init.exit_code, 0) << init.output;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(init.output, m, std::regex("\n([0-9a-f]{64})\n"))) << init.output;
    token_ = new std::string(m[1]);
    const auto activate =
        Safelane("admin activate --username chief " + paths, *token_ + "\\norange tram at dawn\\n");
    ASSERT_EQ(activate.exit_code, 0) << activate.output;
    for (const char* name : {"op.one", "aud.one", "inv.one"}) {
      const std::string role = name[0] == 'o'   ? "operator"
                               : name[0] == 'a' ? "auditor"
                                                : "investigator";
      const auto created = Safelane("admin create-user --username " + std::string(name) +
                                    " --role " + role + " --reason 'new staff' " + paths);
      ASSERT_EQ(created.exit_code, 0) << created.output;
    }
  }
  static void TearDownTestSuite() {
    delete template_;
    delete token_;
  }

  void SetUp() override {
    ASSERT_NE(token_, nullptr) << "the suite's installation was not set up";
    std::filesystem::copy(template_->path(), dir_.path(),
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::overwrite_existing);
    paths_ = Paths(dir_.path());
  }

  static std::string Paths(const std::filesystem::path& root) {
    return "--data " + (root / "data").string() + " --master-key " +
           (root / "keys" / "master.key").string();
  }

  std::filesystem::path db() const { return dir_ / "data" / "safelane.db"; }

  static safelane::testing::TempDir* template_;
  static std::string* token_;
  safelane::testing::TempDir dir_;
  std::string paths_;
};

safelane::testing::TempDir* AccountsCommandTest::template_ = nullptr;
std::string* AccountsCommandTest::token_ = nullptr;

TEST_F(AccountsCommandTest, InitRunsOnceAndCreatesPrivateFiles) {
  const auto again = Safelane("admin init --username other " + paths_);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("already exist"), std::string::npos) << again.output;
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "keys" / "master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777U, 0600U);
  ASSERT_EQ(::stat(db().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077U, 0U) << "the database is private";
  // The token was consumed by activate.
  const auto reuse =
      Safelane("admin activate --username chief " + paths_, *token_ + "\\nanother long phrase\\n");
  EXPECT_EQ(reuse.exit_code, 1);
  const auto users = Safelane("admin users " + paths_);
  EXPECT_NE(users.output.find("chief"), std::string::npos);
  EXPECT_NE(users.output.find("setup pending"), std::string::npos) << users.output;
}

TEST_F(AccountsCommandTest, AuditVerifyPassesOnTheRealLog) {
  const auto verify = Safelane("audit verify " + paths_);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("VERIFIED: 5 audit entries"), std::string::npos) << verify.output;
  const auto key =
      Safelane("audit public-key --master-key " + (dir_ / "keys" / "master.key").string());
  ASSERT_EQ(key.exit_code, 0);
  const auto by_key = Safelane("audit verify --data " + (dir_ / "data").string() +
                               " --public-key " + key.output.substr(0, 64));
  EXPECT_EQ(by_key.exit_code, 0) << by_key.output;
  const auto wrong_key = Safelane("audit verify --data " + (dir_ / "data").string() +
                                  " --public-key " + std::string(64, '1'));
  EXPECT_NE(wrong_key.exit_code, 0);
}

TEST_F(AccountsCommandTest, AuditVerifyNamesAnEditedEntry) {
  Sql(db(),
      "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = 'nothing happened' WHERE "
      "id = 3;");
  const auto verify = Safelane("audit verify " + paths_);
  EXPECT_EQ(verify.exit_code, 1) << verify.output;
  EXPECT_NE(verify.output.find("NOT VERIFIED"), std::string::npos);
  EXPECT_NE(verify.output.find('3'), std::string::npos) << verify.output;
}

TEST_F(AccountsCommandTest, AuditVerifyDetectsADeletedEntry) {
  Sql(db(), "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 2;");
  const auto verify = Safelane("audit verify " + paths_);
  EXPECT_EQ(verify.exit_code, 1) << verify.output;
  EXPECT_NE(verify.output.find("NOT VERIFIED"), std::string::npos) << verify.output;
}

TEST_F(AccountsCommandTest, AuditVerifyDetectsTheNewestEntriesCutOff) {
  // What is left is a valid chain; the signed head beside the database names entry 5.
  Sql(db(), "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id >= 4;");
  const auto verify = Safelane("audit verify " + paths_);
  EXPECT_EQ(verify.exit_code, 1) << verify.output;
  EXPECT_NE(verify.output.find("ends at entry 3 but its signed head names entry 5"),
            std::string::npos)
      << verify.output;
}

TEST_F(AccountsCommandTest, AuditVerifyDetectsReorderedEntries) {
  Sql(db(),
      "DROP TRIGGER audit_log_no_update;"
      "UPDATE audit_log SET id = 100 WHERE id = 2;"
      "UPDATE audit_log SET id = 2 WHERE id = 3;"
      "UPDATE audit_log SET id = 3 WHERE id = 100;");
  const auto verify = Safelane("audit verify " + paths_);
  EXPECT_EQ(verify.exit_code, 1) << verify.output;
  EXPECT_NE(verify.output.find("NOT VERIFIED"), std::string::npos) << verify.output;
}

TEST_F(AccountsCommandTest, DoctorFailsOnMissingMfaAndOnAFileOpenToOthers) {
  auto doctor = Safelane("doctor " + paths_);
  EXPECT_EQ(doctor.exit_code, 1) << doctor.output;
  // The administrator has a password but no MFA yet.
  EXPECT_NE(doctor.output.find("FAIL  accounts-mfa"), std::string::npos) << doctor.output;
  EXPECT_NE(doctor.output.find("PASS  data-files"), std::string::npos) << doctor.output;
  EXPECT_NE(doctor.output.find("PASS  audit-chain"), std::string::npos) << doctor.output;
  EXPECT_NE(doctor.output.find("PASS  master-key "), std::string::npos) << doctor.output;
  ::chmod(db().c_str(), 0644);
  doctor = Safelane("doctor --json " + paths_);
  EXPECT_EQ(doctor.exit_code, 1);
  EXPECT_NE(doctor.output.find(R"({"check":"data-files","detail":)"), std::string::npos)
      << doctor.output;
  EXPECT_NE(doctor.output.find("safelane.db (0644)"), std::string::npos) << doctor.output;
}

}  // namespace
}  // namespace safelane::cli
