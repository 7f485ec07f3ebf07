#include "security/totp.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "security/test_temp_dir.h"

namespace safelane::security {
namespace {

// RFC 6238 Appendix B: the SHA-1 key is the ASCII string "12345678901234567890".
const std::string kRfcKey = "12345678901234567890";

TEST(Totp, Rfc6238AppendixBSha1VectorsWithEightDigits) {
  const struct {
    std::int64_t time;
    const char* code;
  } kVectors[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
                  {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& v : kVectors) {
    EXPECT_EQ(TotpCode(AsBytes(kRfcKey), v.time, 8), v.code) << v.time;
  }
}

TEST(Totp, SixDigitCodesAreTheLastSixDigitsOfTheEightDigitOnes) {
  EXPECT_EQ(TotpCode(AsBytes(kRfcKey), 59), "287082");
  EXPECT_EQ(TotpCode(AsBytes(kRfcKey), 1111111109), "081804");
  EXPECT_EQ(TotpCode(AsBytes(kRfcKey), 2000000000), "279037");
  // RFC 4226 Appendix D, HOTP counter 0 and 1.
  EXPECT_EQ(HotpValue(AsBytes(kRfcKey), 0, 6), 755224U);
  EXPECT_EQ(HotpValue(AsBytes(kRfcKey), 1, 6), 287082U);
}

TEST(Totp, AcceptsOneStepEitherSideAndNothingFurther) {
  const std::int64_t now = 1'700'000'000;
  const auto key = AsBytes(kRfcKey);
  EXPECT_EQ(MatchTotp(key, TotpCode(key, now), now), TotpStep(now));
  EXPECT_EQ(MatchTotp(key, TotpCode(key, now - 30), now), TotpStep(now) - 1);
  EXPECT_EQ(MatchTotp(key, TotpCode(key, now + 30), now), TotpStep(now) + 1);
  EXPECT_FALSE(MatchTotp(key, TotpCode(key, now - 60), now).has_value());
  EXPECT_FALSE(MatchTotp(key, TotpCode(key, now + 60), now).has_value());
  EXPECT_FALSE(MatchTotp(key, "", now).has_value());
  EXPECT_FALSE(MatchTotp(key, "12345", now).has_value());
  EXPECT_FALSE(MatchTotp(key, TotpCode(key, now) + "0", now).has_value());
  EXPECT_FALSE(MatchTotp(key, "12345a", now).has_value());
}

TEST(Totp, ReplayGuardRefusesAUsedStepAndOlderOnesPerUser) {
  TotpReplayGuard guard;
  EXPECT_TRUE(guard.Accept(1, 100));
  EXPECT_FALSE(guard.Accept(1, 100));
  EXPECT_FALSE(guard.Accept(1, 99));
  EXPECT_TRUE(guard.Accept(2, 100)) << "another user's step is independent";
  EXPECT_TRUE(guard.Accept(1, 101));
}

TEST(Totp, Base32RoundTripsAndMatchesRfc4648) {
  EXPECT_EQ(Base32Encode(AsBytes("foobar")), "MZXW6YTBOI");
  EXPECT_EQ(Base32Encode(AsBytes(kRfcKey)), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  auto decoded = Base32Decode("gezd gnbv gy3t qojq GEZDGNBVGY3TQOJQ");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(std::string(decoded->begin(), decoded->end()), kRfcKey);
  EXPECT_FALSE(Base32Decode("MZXW6YTBO1").ok()) << "1 is not base32";
}

TEST(Totp, SecretsAreRandom160BitsAndTheUriCarriesThem) {
  std::set<std::string> seen;
  for (int i = 0; i < 8; ++i) {
    auto secret = GenerateTotpSecret();
    ASSERT_TRUE(secret.ok());
    EXPECT_EQ(secret->size(), 20U);
    seen.insert(ToHex(*secret));
  }
  EXPECT_EQ(seen.size(), 8U);
  const std::string uri = TotpUri("SafeLane Tashkent", "j.doe", AsBytes(kRfcKey));
  EXPECT_EQ(uri,
            "otpauth://totp/SafeLane%20Tashkent:j.doe?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=SafeLane%20Tashkent&algorithm=SHA1&digits=6&period=30");
}

TEST(Totp, SealedSecretsOpenOnlyForTheSameUserAndMasterKey) {
  testing::TempDir dir;
  auto master = CreateMasterKeyFile(dir / "master.key");
  auto other = CreateMasterKeyFile(dir / "other.key");
  ASSERT_TRUE(master.ok() && other.ok());
  const Bytes secret(kRfcKey.begin(), kRfcKey.end());
  const Bytes sealed = SealTotpSecret(*master, secret, "j.doe");
  EXPECT_EQ(std::string(sealed.begin(), sealed.end()).find(kRfcKey), std::string::npos);
  auto opened = UnsealTotpSecret(*master, sealed, "j.doe");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(ToHex(*opened), ToHex(secret));
  EXPECT_FALSE(UnsealTotpSecret(*master, sealed, "j.doe2").ok()) << "moved to another account";
  EXPECT_FALSE(UnsealTotpSecret(*other, sealed, "j.doe").ok()) << "another master key";
}

}  // namespace
}  // namespace safelane::security
