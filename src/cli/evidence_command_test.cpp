// The real `safelane` binary exporting and verifying a package from a real store.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "store/store_test_fixture.h"

namespace safelane::cli {
namespace {

using store::testing::kT0;

struct CommandRun {
  int exit_code;
  std::string output;  // stdout and stderr together
};

CommandRun Safelane(const std::string& args) {
  const std::string command = std::string(SAFELANE_BINARY) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string output;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

class EvidenceCommandTest : public store::testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    AddCamera("cam", 41.3111, 69.2797, "Tashkent");
    IngestAll({Signed(MakeEvent("e1", "cam", "01A123BC", kT0), {"overview", "crop"})});
    auto v = store_->CreateViolation("e1", "red_light", kT0);
    ASSERT_TRUE(v.ok());
    store_.reset();  // the command opens the store itself
  }

  std::string Flags() const {
    return "--data-dir " + (dir_ / "data").string() + " --master-key " +
           (dir_ / "master.key").string();
  }
};

TEST_F(EvidenceCommandTest, ExportThenVerifyOfflineAndDetectAChange) {
  const std::string pkg = (dir_ / "pkg.zip").string();
  const CommandRun exported =
      Safelane("evidence export 1 --out " + pkg + " --actor clerk.b " + Flags());
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  struct stat st {};
  ASSERT_EQ(::stat(pkg.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777U, 0600U);

  const CommandRun key =
      Safelane("evidence public-key --master-key " + (dir_ / "master.key").string());
  ASSERT_EQ(key.exit_code, 0) << key.output;
  const std::string store_key = key.output.substr(0, 64);

  const CommandRun verified = Safelane("evidence verify " + pkg + " --store-key " + store_key);
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("VERIFIED"), std::string::npos);
  EXPECT_NE(verified.output.find("matches --store-key"), std::string::npos);

  const CommandRun as_json = Safelane("evidence verify --json " + pkg);
  EXPECT_EQ(as_json.exit_code, 0);
  EXPECT_NE(as_json.output.find("\"verified\":true"), std::string::npos) << as_json.output;

  // Never overwrites.
  EXPECT_NE(Safelane("evidence export 1 --out " + pkg + " --actor clerk.b " + Flags()).exit_code,
            0);

  std::string bytes;
  {
    std::ifstream in(pkg, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  bytes[bytes.size() / 2] ^= 0x04;
  const std::string altered = (dir_ / "altered.zip").string();
  std::ofstream(altered, std::ios::binary) << bytes;
  const CommandRun refused = Safelane("evidence verify " + altered);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("NOT VERIFIED"), std::string::npos);
}

TEST_F(EvidenceCommandTest, RefusesAMasterKeyOthersCanRead) {
  ::chmod((dir_ / "master.key").c_str(), 0644);
  const CommandRun r = Safelane("evidence export 1 --out " + (dir_ / "p.zip").string() +
                                " --actor clerk " + Flags());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("must be 0600"), std::string::npos) << r.output;
}

TEST_F(EvidenceCommandTest, UnknownViolationFails) {
  const CommandRun r = Safelane("evidence export 42 --out " + (dir_ / "p.zip").string() +
                                " --actor clerk " + Flags());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("no violation 42"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace safelane::cli
