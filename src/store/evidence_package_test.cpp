#include "store/evidence_package.h"

#include <gtest/gtest.h>

#include <cctype>

#include "store/store_test_fixture.h"
#include "store/stored_zip.h"

namespace safelane::store {
namespace {

using security::Bytes;
using testing::kT0;
using testing::StoreTest;

class PackageTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    AddCamera("cam", 41.3111, 69.2797, "Tashkent");
    IngestAll({Signed(MakeEvent("e1", "cam", "01A123BC", kT0), {"overview", "crop"})});
    auto v = store_->CreateViolation("e1", "red_light", kT0 + hours(1));
    ASSERT_TRUE(v.ok());
    violation_id_ = v->id;
    const std::string subject = "violation:" + std::to_string(violation_id_);
    ASSERT_TRUE(store_
                    ->AppendAudit({.at = kT0 + hours(2),
                                   .actor = "officer.a",
                                   .action = "violation.view",
                                   .subject = subject,
                                   .source = "127.0.0.1",
                                   .reason = "case 7: review"})
                    .ok());
    ASSERT_TRUE(store_
                    ->RecordReview(violation_id_, {kT0 + hours(2), "officer.a",
                                                   ViolationStatus::kConfirmed, "clear"})
                    .ok());
    ASSERT_TRUE(store_->IssueNotice(violation_id_, 375'000'00, "UZS", kT0 + hours(3)).ok());
  }

  Bytes Export() {
    auto zip = ExportEvidencePackage(*store_, *vault_, *master_, violation_id_,
                                     {"clerk.b", "cli", "court request 12"}, kT0 + hours(4));
    EXPECT_TRUE(zip.ok()) << zip.error().message;
    return zip.ok() ? *zip : Bytes{};
  }

  // Rewrites one entry with a valid archive around it, as a careful forger would.
  static Bytes Rezip(const Bytes& zip, const std::string& name, const std::string& content) {
    auto entries = *ReadStoredZip(zip);
    for (auto& e : entries) {
      if (e.name == name) e.data.assign(content.begin(), content.end());
    }
    return *WriteStoredZip(entries);
  }
  static std::string Entry(const Bytes& zip, const std::string& name) {
    const auto entries = ReadStoredZip(zip);
    for (const auto& e : *entries) {
      if (e.name == name) return {e.data.begin(), e.data.end()};
    }
    return {};
  }

  std::int64_t violation_id_ = 0;
};

TEST_P(PackageTest, ExportVerifiesOfflineWithItsCustody) {
  const Bytes zip = Export();
  auto report = VerifyEvidencePackage(zip, PackageSigningKey(*master_).public_key());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->violation_id, violation_id_);
  EXPECT_EQ(report->event_id, "e1");
  EXPECT_EQ(report->plate, "01A123BC");
  EXPECT_EQ(report->camera_key_hex, security::ToHex(keys_.at("cam").public_key()));
  EXPECT_EQ(report->exported_by, "clerk.b");
  EXPECT_EQ(report->evidence_objects, 2U);
  EXPECT_EQ(report->custody_entries, 2U);  // the view, then this export

  const std::string custody = Entry(zip, "custody.json");
  EXPECT_NE(custody.find("violation.view"), std::string::npos);
  EXPECT_NE(custody.find("evidence.export"), std::string::npos);
  const std::string violation = Entry(zip, "violation.json");
  EXPECT_NE(violation.find("SL-2026-000001"), std::string::npos);
  EXPECT_NE(violation.find("officer.a"), std::string::npos);
  // The export itself is on the record.
  auto audit = store_->AuditFor("violation:" + std::to_string(violation_id_));
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->back().action, "evidence.export");
  EXPECT_EQ(audit->back().actor, "clerk.b");
  EXPECT_EQ(audit->back().source, "cli");
  EXPECT_EQ(audit->back().reason, "court request 12");
  EXPECT_NE(custody.find("court request 12"), std::string::npos);
  EXPECT_TRUE(store_->VerifyAuditChain(audit_key_->public_key()).ok());
}

TEST_P(PackageTest, AnyChangedByteIsDetected) {
  const Bytes zip = Export();
  ASSERT_TRUE(VerifyEvidencePackage(zip, std::nullopt).ok());
  for (std::size_t i = 0; i < zip.size(); ++i) {
    Bytes altered = zip;
    altered[i] ^= 0x01;
    EXPECT_FALSE(VerifyEvidencePackage(altered, std::nullopt).ok()) << "byte " << i;
  }
}

TEST_P(PackageTest, ForgedEntriesInAWellFormedArchiveAreDetected) {
  const Bytes zip = Export();
  std::string custody = Entry(zip, "custody.json");
  custody.replace(custody.find("officer.a"), 9, "officer.z");
  auto r = VerifyEvidencePackage(Rezip(zip, "custody.json", custody), std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("custody.json does not match its SHA-256"), std::string::npos);

  std::string sig = Entry(zip, "package.sig");
  for (char& c : sig) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  r = VerifyEvidencePackage(Rezip(zip, "package.sig", sig), std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("lower-case hex"), std::string::npos);

  auto entries = *ReadStoredZip(zip);
  entries.push_back({"extra.txt", Bytes{'x'}});
  r = VerifyEvidencePackage(*WriteStoredZip(entries), std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("extra.txt is not listed"), std::string::npos);
}

TEST_P(PackageTest, APackageResignedByAnotherStoreFailsAgainstTheTrustedKey) {
  auto other_master = security::CreateMasterKeyFile(dir_ / "other.key");
  ASSERT_TRUE(other_master.ok());
  auto forged = ExportEvidencePackage(*store_, *vault_, *other_master, violation_id_,
                                      {"forger", "cli", ""}, kT0 + hours(5));
  ASSERT_TRUE(forged.ok());
  EXPECT_TRUE(VerifyEvidencePackage(*forged, std::nullopt).ok());  // integrity alone holds
  auto r = VerifyEvidencePackage(*forged, PackageSigningKey(*master_).public_key());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not the trusted key"), std::string::npos);
}

TEST_P(PackageTest, UnknownViolationAndDamagedVaultAreReported) {
  auto missing = ExportEvidencePackage(*store_, *vault_, *master_, 999, {"clerk", "cli", ""}, kT0);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kBadRequest);

  const auto sha = (*store_->GetRead("e1"))->event.evidence[0].sha256;
  ASSERT_TRUE(*vault_->Remove(sha));
  auto damaged =
      ExportEvidencePackage(*store_, *vault_, *master_, violation_id_, {"clerk", "cli", ""}, kT0);
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.error().code, ErrorCode::kIo);
}

SAFELANE_ALL_BACKENDS(PackageTest);

}  // namespace
}  // namespace safelane::store
