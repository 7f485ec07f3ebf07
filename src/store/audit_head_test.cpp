// The audit log's signed head (audit_head.h) on both backends: cutting the newest entries
// off the end, deleting the head, or forging it is found by VerifyAuditChain.

#include "store/audit_head.h"

#include <chrono>
#include <fstream>

#include "store/store_test_fixture.h"

namespace safelane::store::testing {
namespace {

using std::chrono::hours;

class AuditHeadTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(Append(i).ok());
    ASSERT_TRUE(Verify().ok()) << Verify().error().message;
  }

  Result<AuditEntry> Append(int i) {
    return store_->AppendAudit({.at = kT0 + hours(i),
                                .actor = "officer.k",
                                .action = "violation.view",
                                .subject = "violation:" + std::to_string(i),
                                .source = "127.0.0.1"});
  }

  Result<Done> Verify() { return store_->VerifyAuditChain(audit_key_->public_key()); }

  std::filesystem::path HeadFile() const {
    return backend() == Backend::kPostgres ? dir_ / kAuditHeadFile : dir_ / "data" / kAuditHeadFile;
  }

  void DropTriggers() {
    ASSERT_EQ(RawExec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete",
                      "DROP TRIGGER audit_log_no_change ON audit_log"),
              "");
  }

  void ExpectFails(const std::string& why) {
    auto verified = Verify();
    ASSERT_FALSE(verified.ok()) << "verified: " << why;
    EXPECT_EQ(verified.error().code, ErrorCode::kIo);
    EXPECT_NE(verified.error().message.find(why), std::string::npos) << verified.error().message;
  }
};

TEST_P(AuditHeadTest, TheHeadNamesTheNewestEntryAndIsPrivate) {
  auto head = ReadAuditHead(HeadFile(), audit_key_->public_key());
  ASSERT_TRUE(head.ok()) << head.error().message;
  ASSERT_TRUE(head->has_value());
  EXPECT_EQ((*head)->id, 4);
  auto last = store_->ListAudit(3, 1);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ((*head)->hash, (*last)[0].hash);
  const auto perms = std::filesystem::status(HeadFile()).permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
}

TEST_P(AuditHeadTest, CuttingOffTheNewestEntriesIsFound) {
  DropTriggers();
  ASSERT_EQ(RawExec("DELETE FROM audit_log WHERE id >= 3"), "");
  ExpectFails("ends at entry 2 but its signed head names entry 4");
}

TEST_P(AuditHeadTest, RewritingTheWholeTailIsFound) {
  // The newest entry deleted and replaced by a different, correctly chained and signed
  // one (an attacker who can make the store append, e.g. by signing in): the head still
  // names the original entry's hash.
  DropTriggers();
  std::filesystem::copy_file(HeadFile(), dir_ / "saved.head");
  ASSERT_EQ(RawExec("DELETE FROM audit_log WHERE id = 4"), "");
  std::filesystem::remove(HeadFile());  // else the append keeps the head at entry 4
  auto replaced = Append(9);
  ASSERT_TRUE(replaced.ok()) << replaced.error().message;
  ASSERT_EQ(replaced->id, 4);
  std::filesystem::copy_file(dir_ / "saved.head", HeadFile(),
                             std::filesystem::copy_options::overwrite_existing);
  ExpectFails("differs from the signed audit head");
}

TEST_P(AuditHeadTest, AMissingOrForgedHeadFails) {
  std::filesystem::remove(HeadFile());
  ExpectFails("is missing");
  {
    std::ofstream out(HeadFile(), std::ios::trunc);
    out << "safelane.audit.head.v1\n2\n"
        << std::string(64, 'a') << "\n"
        << std::string(128, '0') << "\n";
  }
  ExpectFails("not signed by the audit key");
  {
    std::ofstream out(HeadFile(), std::ios::trunc);
    out << "garbage\n";
  }
  ExpectFails("malformed");
  // A bad head is kept for the investigation, not silently replaced: the append is
  // stored but reported as an error.
  auto appended = Append(5);
  ASSERT_FALSE(appended.ok());
  EXPECT_NE(appended.error().message.find("signed head was not"), std::string::npos);
}

TEST_P(AuditHeadTest, AMissingHeadIsWrittenAtStartByAnEntryThatSaysSo) {
  std::filesystem::remove(HeadFile());
  ExpectFails("entries 1..4 verify (in order, unaltered, signed)");
  auto ensured = EnsureAuditHead(*store_, HeadFile(), kT0 + hours(9));
  ASSERT_TRUE(ensured.ok()) << ensured.error().message;
  EXPECT_TRUE(*ensured);
  EXPECT_TRUE(Verify().ok()) << Verify().error().message;
  auto last = store_->ListAudit(4, 10);
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->size(), 1U);
  EXPECT_EQ((*last)[0].action, "audit.head_created");
  EXPECT_EQ((*last)[0].actor, "system:serve");
  EXPECT_NE((*last)[0].detail.find("after entry 4"), std::string::npos) << (*last)[0].detail;
  // Once there is a head, nothing more is appended; cutting the tail is found again.
  ensured = EnsureAuditHead(*store_, HeadFile(), kT0 + hours(10));
  ASSERT_TRUE(ensured.ok());
  EXPECT_FALSE(*ensured);
  DropTriggers();
  ASSERT_EQ(RawExec("DELETE FROM audit_log WHERE id = 5"), "");
  ExpectFails("ends at entry 4 but its signed head names entry 5");
}

TEST_P(AuditHeadTest, AnEmptyLogNeedsNoHead) {
  std::filesystem::remove(HeadFile());
  DropTriggers();
  ASSERT_EQ(RawExec("DELETE FROM audit_log"), "");
  EXPECT_TRUE(Verify().ok());
  auto ensured = EnsureAuditHead(*store_, HeadFile(), kT0);
  ASSERT_TRUE(ensured.ok());
  EXPECT_FALSE(*ensured) << "an empty log gets its head at its first entry";
}

SAFELANE_ALL_BACKENDS(AuditHeadTest);

}  // namespace
}  // namespace safelane::store::testing
