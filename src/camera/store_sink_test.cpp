#include "camera/store_sink.h"

#include <gtest/gtest.h>

#include "security/master_key.h"
#include "security/test_temp_dir.h"

namespace safelane::camera {
namespace {

// A postgres-backed sink opens its store through store_opener.h: an unreachable server
// is "store unreachable" naming PostgreSQL (kIo, so events wait in the spool), never an
// SQLite file in the data directory.
TEST(StoreSink, PostgresBackendThatCannotBeReachedIsStoreUnreachable) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "data");
  ASSERT_TRUE(security::CreateMasterKeyFile(dir / "master.key").ok());
  // Port 1 on loopback: refused at once, no server needed.
  StoreSink sink(store::StoreLocation{.backend = store::BackendKind::kPostgres,
                                      .data_dir = dir / "data",
                                      .postgres = "host=127.0.0.1 port=1 connect_timeout=5"},
                 dir / "master.key");
  auto sent = sink.Send({});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code, ErrorCode::kIo);
  EXPECT_NE(sent.error().message.find("store unreachable: cannot connect to PostgreSQL"),
            std::string::npos)
      << sent.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir / "data" / "safelane.db"));
}

}  // namespace
}  // namespace safelane::camera
