#include "server/serve_config.h"

#include <gtest/gtest.h>

namespace safelane::server {
namespace {

TEST(ServeConfig, DefaultsKeepUnmatchedReadsThreeDaysAndPurgeHourly) {
  auto config = LoadServeConfig(nlohmann::json::object());
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->retention_unmatched_reads_h, 72);
  EXPECT_EQ(config->retention_closed_violations_h, 24 * 90);
  EXPECT_EQ(config->retention_interval_h, 1);
  EXPECT_EQ(config->host, "127.0.0.1");
  EXPECT_EQ(config->port, 8443);
}

TEST(ServeConfig, RetentionOutsideItsBoundsIsRefusedByName) {
  for (const auto& [key, value] :
       {std::pair{"retention_unmatched_reads_h", 0}, std::pair{"retention_unmatched_reads_h", 8761},
        std::pair{"retention_closed_violations_h", 23}, std::pair{"retention_interval_h", 169}}) {
    auto config = LoadServeConfig({{key, value}});
    ASSERT_FALSE(config.ok()) << key << "=" << value;
    EXPECT_EQ(config.error().code, ErrorCode::kBadConfig);
    EXPECT_NE(config.error().message.find(key), std::string::npos) << config.error().message;
  }
  auto ok = LoadServeConfig({{"retention_unmatched_reads_h", 24}, {"retention_interval_h", 6}});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->retention_unmatched_reads_h, 24);
  EXPECT_EQ(ok->retention_interval_h, 6);
}

TEST(ServeConfig, BackendIsSqliteOrPostgresWithItsConnectionString) {
  auto bad = LoadServeConfig({{"backend", "mysql"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kBadConfig);
  EXPECT_EQ(bad.error().message, "backend: unknown store backend 'mysql' (sqlite or postgres)");
  auto no_conninfo = LoadServeConfig({{"backend", "postgres"}});
  ASSERT_FALSE(no_conninfo.ok());
  EXPECT_NE(no_conninfo.error().message.find("postgres (a connection string) is required"),
            std::string::npos)
      << no_conninfo.error().message;
  auto stray = LoadServeConfig({{"postgres", "host=127.0.0.1"}});
  EXPECT_FALSE(stray.ok()) << "a connection string with the sqlite backend is a mistake";
  auto pg = LoadServeConfig({{"backend", "postgres"}, {"postgres", "host=127.0.0.1 dbname=s"}});
  ASSERT_TRUE(pg.ok()) << pg.error().message;
  EXPECT_EQ(pg->backend, store::BackendKind::kPostgres);
  EXPECT_EQ(pg->postgres, "host=127.0.0.1 dbname=s");
  auto defaults = LoadServeConfig(nlohmann::json::object());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->backend, store::BackendKind::kSqlite);
}

TEST(ServeConfig, UnknownKeysAreRefused) {
  auto config = LoadServeConfig({{"retention_days", 3}});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("retention_days"), std::string::npos)
      << config.error().message;
}

}  // namespace
}  // namespace safelane::server
