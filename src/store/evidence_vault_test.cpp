#include "store/evidence_vault.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "security/sha256.h"
#include "security/test_temp_dir.h"

namespace safelane::store {
namespace {

using safelane::testing::TempDir;
using security::AsBytes;
using security::Bytes;

class VaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto master = security::CreateMasterKeyFile(dir_ / "master.key");
    ASSERT_TRUE(master.ok()) << master.error().message;
    auto vault = EvidenceVault::Open(dir_ / "vault", *master);
    ASSERT_TRUE(vault.ok()) << vault.error().message;
    vault_ = std::make_unique<EvidenceVault>(std::move(*vault));
  }

  Bytes FileBytes(const std::string& sha) {
    std::ifstream in(vault_->PathOf(sha), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  void WriteFileBytes(const std::filesystem::path& path, const Bytes& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }

  TempDir dir_;
  std::unique_ptr<EvidenceVault> vault_;
};

TEST_F(VaultTest, ContentAddressedRoundTripAndIdempotentPut) {
  const std::string image = "JPEG bytes of plate 01A123BC";
  auto put = vault_->Put(AsBytes(image));
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(put->sha256, security::Sha256Hex(AsBytes(image)));
  EXPECT_TRUE(put->created);
  EXPECT_FALSE(vault_->Put(AsBytes(image))->created);
  auto got = vault_->Get(put->sha256);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(std::string(got->begin(), got->end()), image);
  EXPECT_EQ(vault_->PathOf(put->sha256).parent_path().parent_path().parent_path(), dir_ / "vault");
}

TEST_F(VaultTest, AnIncompleteObjectFileIsWrittenAgain) {
  const std::string image = "object a crash cut short";
  auto put = vault_->Put(AsBytes(image));
  ASSERT_TRUE(put.ok());
  ASSERT_TRUE(vault_->Sync().ok());
  WriteFileBytes(vault_->PathOf(put->sha256), Bytes{});  // as if the rename outran the data
  auto again = vault_->Put(AsBytes(image));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->created);
  EXPECT_TRUE(vault_->Get(put->sha256).ok());
}

TEST_F(VaultTest, PlaintextNeverReachesTheDisk) {
  const std::string image(4096, 'P');
  auto put = vault_->Put(AsBytes(image));
  ASSERT_TRUE(put.ok());
  const Bytes file = FileBytes(put->sha256);
  const std::string text(file.begin(), file.end());
  EXPECT_EQ(text.find("PPPPPPPP"), std::string::npos);
  EXPECT_EQ(file.size(), 4 + 72 + image.size() + 40);
}

TEST_F(VaultTest, EveryAlteredByteIsDetected) {
  auto put = vault_->Put(AsBytes("small evidence object"));
  ASSERT_TRUE(put.ok());
  const Bytes original = FileBytes(put->sha256);
  for (std::size_t i = 0; i < original.size(); ++i) {
    Bytes altered = original;
    altered[i] ^= 0x80;
    WriteFileBytes(vault_->PathOf(put->sha256), altered);
    auto got = vault_->Get(put->sha256);
    ASSERT_FALSE(got.ok()) << "byte " << i;
    EXPECT_EQ(got.error().code, ErrorCode::kIo);
  }
  WriteFileBytes(vault_->PathOf(put->sha256), Bytes(original.begin(), original.end() - 1));
  EXPECT_FALSE(vault_->Get(put->sha256).ok());
}

TEST_F(VaultTest, AnObjectCopiedUnderAnotherAddressDoesNotOpen) {
  auto a = vault_->Put(AsBytes("object a"));
  auto b = vault_->Put(AsBytes("object b"));
  ASSERT_TRUE(a.ok() && b.ok());
  WriteFileBytes(vault_->PathOf(b->sha256), FileBytes(a->sha256));
  auto got = vault_->Get(b->sha256);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("wrong master key or altered"), std::string::npos);
}

TEST_F(VaultTest, AnotherMasterKeyCannotRead) {
  auto put = vault_->Put(AsBytes("object"));
  ASSERT_TRUE(put.ok());
  auto other_key = security::CreateMasterKeyFile(dir_ / "other.key");
  ASSERT_TRUE(other_key.ok());
  auto other = EvidenceVault::Open(dir_ / "vault", *other_key);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->Contains(put->sha256));
  EXPECT_FALSE(other->Get(put->sha256).ok());
}

TEST_F(VaultTest, RemoveAndMissingObjects) {
  auto put = vault_->Put(AsBytes("object"));
  ASSERT_TRUE(put.ok());
  EXPECT_TRUE(*vault_->Remove(put->sha256));
  EXPECT_FALSE(*vault_->Remove(put->sha256));
  EXPECT_FALSE(vault_->Contains(put->sha256));
  auto missing = vault_->Get(put->sha256);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kBadRequest);
  EXPECT_FALSE(vault_->Get("../../etc/passwd").ok());
  EXPECT_FALSE(vault_->Remove("../../etc/passwd").ok());
}

TEST_F(VaultTest, ObjectsAboveTheLimitAreRefused) {
  const Bytes big(kMaxEvidenceObjectBytes + 1);
  auto put = vault_->Put(big);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace safelane::store
