#include "security/aead.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include "security/sodium_init.h"

namespace safelane::security {
namespace {

SymmetricKey RandomKey() {
  EXPECT_FALSE(InitSodium().has_value());
  SymmetricKey key;
  randombytes_buf(key.data(), key.size());
  return key;
}

TEST(Aead, RoundTripsAndUsesAFreshNonceEachTime) {
  const auto key = RandomKey();
  const std::string text = "evidence bytes";
  const auto a = Seal(key, AsBytes(text), AsBytes("ctx"));
  const auto b = Seal(key, AsBytes(text), AsBytes("ctx"));
  EXPECT_EQ(a.size(), text.size() + kSealOverhead);
  EXPECT_NE(a, b);
  auto plain = Unseal(key, a, AsBytes("ctx"));
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(std::string(plain->begin(), plain->end()), text);
}

TEST(Aead, EveryAlteredByteWrongKeyOrContextIsRefused) {
  const auto key = RandomKey();
  const auto sealed = Seal(key, AsBytes("plate 01A123BC"), AsBytes("ctx"));
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    auto altered = sealed;
    altered[i] ^= 0x01;
    EXPECT_FALSE(Unseal(key, altered, AsBytes("ctx")).ok()) << "byte " << i;
  }
  EXPECT_FALSE(Unseal(RandomKey(), sealed, AsBytes("ctx")).ok());
  EXPECT_FALSE(Unseal(key, sealed, AsBytes("other")).ok());
  EXPECT_FALSE(Unseal(key, Bytes(kSealOverhead - 1), {}).ok());
}

}  // namespace
}  // namespace safelane::security
