#include "security/master_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "security/aead.h"
#include "security/test_temp_dir.h"

namespace safelane::security {
namespace {

using safelane::testing::TempDir;

void WriteFile(const std::filesystem::path& path, const std::string& bytes, mode_t mode) {
  std::ofstream(path, std::ios::binary) << bytes;
  ::chmod(path.c_str(), mode);
}

TEST(MasterKey, CreatedFileIs0600AndLoadsBackTheSameKey) {
  TempDir dir;
  auto created = CreateMasterKeyFile(dir / "master.key");
  ASSERT_TRUE(created.ok()) << created.error().message;
  struct stat st {};
  ASSERT_EQ(::stat((dir / "master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777U, 0600U);
  EXPECT_EQ(st.st_size, 32);

  auto loaded = LoadMasterKey(dir / "master.key");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  // Same file, same derived keys: what one sealed, the other opens.
  const auto sealed = Seal(created->Derive(MasterKey::Purpose::kWrapObjectKeys), AsBytes("x"), {});
  EXPECT_TRUE(Unseal(loaded->Derive(MasterKey::Purpose::kWrapObjectKeys), sealed, {}).ok());
  // Different purposes give different keys.
  EXPECT_FALSE(Unseal(loaded->Derive(MasterKey::Purpose::kSignPackages), sealed, {}).ok());
}

TEST(MasterKey, CreateRefusesToOverwrite) {
  TempDir dir;
  ASSERT_TRUE(CreateMasterKeyFile(dir / "k").ok());
  auto again = CreateMasterKeyFile(dir / "k");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kIo);
}

TEST(MasterKey, LooserPermissionsAreRefusedWithTheFix) {
  TempDir dir;
  for (mode_t mode : {0644, 0640, 0604, 0660, 0700, 0400, 0666}) {
    const auto path = dir / ("k" + std::to_string(mode));
    WriteFile(path, std::string(32, 'k'), mode);
    auto key = LoadMasterKey(path);
    ASSERT_FALSE(key.ok()) << std::oct << mode;
    EXPECT_EQ(key.error().code, ErrorCode::kBadConfig);
    EXPECT_NE(key.error().message.find("must be 0600"), std::string::npos) << key.error().message;
    EXPECT_NE(key.error().message.find("chmod 600"), std::string::npos);
  }
}

TEST(MasterKey, WrongSizeMissingAndSymlinkAreRefused) {
  TempDir dir;
  WriteFile(dir / "short", std::string(31, 'k'), 0600);
  WriteFile(dir / "long", std::string(33, 'k'), 0600);
  for (const char* name : {"short", "long"}) {
    auto key = LoadMasterKey(dir / name);
    ASSERT_FALSE(key.ok()) << name;
    EXPECT_NE(key.error().message.find("exactly 32 bytes"), std::string::npos);
  }
  EXPECT_FALSE(LoadMasterKey(dir / "missing").ok());
  WriteFile(dir / "real", std::string(32, 'k'), 0600);
  std::filesystem::create_symlink(dir / "real", dir / "link");
  EXPECT_FALSE(LoadMasterKey(dir / "link").ok());
  EXPECT_TRUE(LoadMasterKey(dir / "real").ok());
  EXPECT_FALSE(LoadMasterKey(dir.path()).ok());  // a directory
}

}  // namespace
}  // namespace safelane::security
