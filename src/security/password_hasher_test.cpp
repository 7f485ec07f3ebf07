#include "security/password_hasher.h"

#include <gtest/gtest.h>

#include <chrono>

namespace safelane::security {
namespace {

TEST(PasswordHasher, HashIsArgon2idSaltedAndVerifiesOnlyTheRightPassword) {
  const PasswordHasher hasher(PasswordHashCost::Interactive());
  auto first = hasher.Hash("correct horse battery staple");
  auto second = hasher.Hash("correct horse battery staple");
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0U) << *first;
  EXPECT_NE(*first, *second) << "a random salt per hash";
  EXPECT_TRUE(PasswordHasher::Verify(*first, "correct horse battery staple"));
  EXPECT_TRUE(PasswordHasher::Verify(*second, "correct horse battery staple"));
  EXPECT_FALSE(PasswordHasher::Verify(*first, "correct horse battery stapl"));
  EXPECT_FALSE(PasswordHasher::Verify(*first, "Correct horse battery staple"));
  EXPECT_FALSE(PasswordHasher::Verify(*first, ""));
}

TEST(PasswordHasher, MalformedOrForeignHashesNeverVerify) {
  EXPECT_FALSE(PasswordHasher::Verify("", ""));
  EXPECT_FALSE(PasswordHasher::Verify("password", "password"));
  EXPECT_FALSE(PasswordHasher::Verify("$argon2id$v=19$m=65536,t=2,p=1$garbage", "x"));
  // An argon2i (not id) hash is refused even when libsodium could check it.
  EXPECT_FALSE(PasswordHasher::Verify("$argon2i$v=19$m=4096,t=3,p=1$c29tZXNhbHQ$aGFzaA", "x"));
}

TEST(PasswordHasher, ProductionCostIsStatedAndRehashIsAskedForWeakerHashes) {
  const auto production = PasswordHashCost::Production();
  EXPECT_EQ(production.ops, 3U);
  EXPECT_EQ(production.memory, std::size_t{64} << 20U);
  const PasswordHasher weak(PasswordHashCost::Minimum());
  auto old_hash = weak.Hash("a passphrase of some length");
  ASSERT_TRUE(old_hash.ok());
  EXPECT_FALSE(weak.NeedsRehash(*old_hash));
  EXPECT_TRUE(PasswordHasher(production).NeedsRehash(*old_hash));
  EXPECT_TRUE(PasswordHasher(production).NeedsRehash("not a hash"));
}

}  // namespace
}  // namespace safelane::security
