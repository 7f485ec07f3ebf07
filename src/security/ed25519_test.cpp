#include "security/ed25519.h"

#include <gtest/gtest.h>

#include "security/sha256.h"

namespace safelane::security {
namespace {

TEST(Ed25519, SignsAndVerifiesAndRefusesAnyChange) {
  auto key = SigningKey::Generate();
  ASSERT_TRUE(key.ok()) << key.error().message;
  const std::string message = R"({"event_id":"e1","plate":"01A123BC"})";
  const auto signature = key->Sign(AsBytes(message));
  EXPECT_TRUE(VerifySignature(key->public_key(), AsBytes(message), signature));

  std::string altered = message;
  altered[20] = 'X';
  EXPECT_FALSE(VerifySignature(key->public_key(), AsBytes(altered), signature));
  auto bad_signature = signature;
  bad_signature[5] ^= 0x40;
  EXPECT_FALSE(VerifySignature(key->public_key(), AsBytes(message), bad_signature));
  auto other = SigningKey::Generate();
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(VerifySignature(other->public_key(), AsBytes(message), signature));
}

TEST(Ed25519, SeedGivesTheSameKeyEveryTime) {
  SecretBytes<32> seed_a;
  SecretBytes<32> seed_b;
  seed_b.data()[0] = 1;
  EXPECT_EQ(SigningKey::FromSeed(seed_a).public_key(), SigningKey::FromSeed(seed_a).public_key());
  EXPECT_NE(SigningKey::FromSeed(seed_a).public_key(), SigningKey::FromSeed(seed_b).public_key());
}

TEST(Ed25519, HexParsingIsStrict) {
  auto key = SigningKey::Generate();
  ASSERT_TRUE(key.ok());
  auto parsed = PublicKeyFromHex(ToHex(key->public_key()));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, key->public_key());
  EXPECT_FALSE(PublicKeyFromHex("abcd").ok());
  EXPECT_FALSE(PublicKeyFromHex(std::string(64, 'g')).ok());
  EXPECT_FALSE(SignatureFromHex(ToHex(key->public_key())).ok());
}

TEST(Sha256, KnownVectorAndStrictForm) {
  // FIPS 180-2 test vector.
  EXPECT_EQ(Sha256Hex(AsBytes("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(IsSha256Hex(Sha256Hex(AsBytes(""))));
  EXPECT_FALSE(IsSha256Hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
  EXPECT_FALSE(IsSha256Hex("ba78"));
}

}  // namespace
}  // namespace safelane::security
