#include "security/password_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace safelane::security {
namespace {

std::string Refusal(std::string_view password, std::string_view username = "j.doe") {
  auto reason = PasswordPolicy::Check(password, username);
  return reason ? *reason : std::string();
}

TEST(PasswordPolicy, AcceptsLongPassphrasesSpacesAndAnyUnicodeWithoutCompositionRules) {
  EXPECT_EQ(Refusal("correct horse battery staple"), "");
  EXPECT_EQ(Refusal("tramvay kechikdi yana"), "");  // all lower case, no digit: fine
  EXPECT_EQ(Refusal("Ўзбекистон тоғлари баланд"), "");
  EXPECT_EQ(Refusal("日本語のパスワードです12"), "");
  EXPECT_EQ(Refusal(std::string(64, 'x').replace(10, 5, "abcde")), "");
}

TEST(PasswordPolicy, LengthCountsCharactersNotBytes) {
  // 11 Cyrillic characters are 22 bytes and still too short.
  EXPECT_NE(Refusal("парольпарол").find("11 characters"), std::string::npos);
  EXPECT_NE(Refusal("short").find("at least 12"), std::string::npos);
  EXPECT_EQ(Refusal("twelve chars"), "");
  std::string longest;
  for (std::size_t i = 0; i < kMaxPasswordChars; ++i) longest.push_back("qz7 xk#b"[i % 8]);
  EXPECT_EQ(Refusal(longest), "");
  EXPECT_NE(Refusal(longest + "m").find("at most 128"), std::string::npos);
}

TEST(PasswordPolicy, RefusesControlCharactersAndInvalidUtf8) {
  EXPECT_NE(Refusal("correct horse\nbattery").find("control character"), std::string::npos);
  EXPECT_NE(Refusal(std::string("correct horse\0battery", 21)).find("control"), std::string::npos);
  EXPECT_NE(Refusal("correct horse \xC0\xAF battery").find("UTF-8"), std::string::npos);
  EXPECT_NE(Refusal("correct horse battery \xE2\x82").find("UTF-8"), std::string::npos);
  EXPECT_NE(Refusal("correct \xED\xA0\x80 horse battery").find("UTF-8"), std::string::npos);
}

TEST(PasswordPolicy, RefusesCommonPasswordsAndTheirDisguises) {
  for (const char* common :
       {"password1234", "Password1234", "P@ssw0rd2024!", "qwertyuiop123", "1q2w3e4r5t6y",
        "1qaz2wsx3edc", "iloveyou1234", "Welcome12345!", "passwordpassword", "Adm1n1strator",
        "!!changeme2026", "zxcvbnm,./12", "Toshkent2025!", "dragon123456"}) {
    EXPECT_NE(Refusal(common).find("commonly used"), std::string::npos) << common;
  }
}

TEST(PasswordPolicy, RefusesTheUsernameTheProductNameRepetitionAndSequences) {
  EXPECT_NE(Refusal("j.doe-is-my-login", "j.doe").find("username"), std::string::npos);
  EXPECT_NE(Refusal("mr J.DOE forever", "j.doe").find("username"), std::string::npos);
  EXPECT_NE(Refusal("my SafeLane login", "x.y").find("safelane"), std::string::npos);
  EXPECT_NE(Refusal("S4feL4ne rocks!!").find("safelane"), std::string::npos);
  EXPECT_NE(Refusal("aaaaaaaaaaaaaaaa").find("repeated"), std::string::npos);
  EXPECT_NE(Refusal("abcabcabcabcabc").find("repeated"), std::string::npos);
  EXPECT_NE(Refusal("aabbaabbaabbzz").find("different characters"), std::string::npos);
  EXPECT_NE(Refusal("123456789012").find("consecutive"), std::string::npos);
  EXPECT_NE(Refusal("ponmlkjihgfedcba").find("consecutive"), std::string::npos);
  EXPECT_NE(Refusal("abcdefghijklmn").find("consecutive"), std::string::npos);
}

}  // namespace
}  // namespace safelane::security
