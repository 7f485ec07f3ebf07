// The auditors' view of the audit log: plates become keyed pseudonyms, the rest stays.

#include "server/plate_redactor.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include "security/sodium_init.h"

namespace safelane::server {
namespace {

security::MasterKey RandomMasterKey() {
  EXPECT_FALSE(security::InitSodium().has_value());
  security::SymmetricKey key;
  randombytes_buf(key.data(), key.size());
  return security::MasterKey(std::move(key));
}

class PlateRedactorTest : public ::testing::Test {
 protected:
  security::MasterKey master_ = RandomMasterKey();
  PlateRedactor redactor_{master_};
  std::string P(std::string_view plate) const { return redactor_.Pseudonym(plate); }
};

TEST_F(PlateRedactorTest, OnePlateOnePseudonymUnderOneKeyOnly) {
  const std::string p = P("01A123BC");
  ASSERT_EQ(p.size(), 13U);
  EXPECT_EQ(p[0], '#');
  EXPECT_EQ(p.find_first_not_of("0123456789abcdef", 1), std::string::npos) << p;
  EXPECT_EQ(P("01a123bc"), p);
  EXPECT_NE(P("01A123BD"), p);
  const security::MasterKey other = RandomMasterKey();
  EXPECT_NE(PlateRedactor(other).Pseudonym("01A123BC"), p) << "keyed: another key, another name";
}

TEST_F(PlateRedactorTest, PlatesInFreeTextAreMaskedInAnySpelling) {
  EXPECT_EQ(redactor_.MaskPlates("01A123BC"), P("01A123BC"));
  EXPECT_EQ(redactor_.MaskPlates("seen 01 A 123 BC near Chilonzor"),
            "seen " + P("01A123BC") + " near Chilonzor");
  EXPECT_EQ(redactor_.MaskPlates("car 01-a-123-bc, then 01A 124BC."),
            "car " + P("01A123BC") + ", then " + P("01A124BC") + ".");
  EXPECT_EQ(redactor_.MaskPlates("ABC-1234 and B-AB 1234 and ABC1D23"),
            P("ABC1234") + " and " + P("BAB1234") + " and " + P("ABC1D23"));
  EXPECT_EQ(redactor_.MaskPlates("temporary T12345601 of a trailer 01 2345 AB"),
            "temporary " + P("T12345601") + " of a trailer " + P("012345AB"));
}

TEST_F(PlateRedactorTest, TextWithoutPlatesIsKept) {
  for (const char* text : {"", "stolen car report 114 on 2026-01-05 at 14:30",
                           "case 2026/9: witness statement, page 3", "Mirobod street, house 17",
                           "Ünicode: Тошкент 2026"}) {
    EXPECT_EQ(redactor_.MaskPlates(text), text);
  }
}

TEST_F(PlateRedactorTest, TheAuditorsViewHasNoPlateNoHashAndNoSignature) {
  store::AuditEntry e;
  e.id = 7;
  e.at = store::FromMillis(1'767'225'600'000);
  e.actor = "inv.one";
  e.action = "reads.search";
  e.subject = "plate:01A*";
  e.detail = "plate=01A* camera_id=cam-1 results=3";
  e.source = "10.0.0.5";
  e.reason = "case 2026/9: driver of 01 A 123 BC fled";
  e.hash = std::string(64, 'a');
  e.signature.fill(1);
  const nlohmann::json view = redactor_.AuditorView(e);
  EXPECT_EQ(view,
            (nlohmann::json{{"id", 7},
                            {"at_ms", 1'767'225'600'000},
                            {"actor", "inv.one"},
                            {"action", "reads.search"},
                            {"subject", "plate:" + P("01A*")},
                            {"detail", "plate=" + P("01A*") + " camera_id=cam-1 results=3"},
                            {"source", "10.0.0.5"},
                            {"reason", "case 2026/9: driver of " + P("01A123BC") + " fled"}}));
  e.subject = "violation:3";
  e.detail = "outcome=confirmed";
  e.reason = "";
  EXPECT_EQ(redactor_.AuditorView(e)["subject"], "violation:3");
  EXPECT_EQ(redactor_.AuditorView(e)["detail"], "outcome=confirmed");
}

}  // namespace
}  // namespace safelane::server
