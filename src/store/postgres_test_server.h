#pragma once
// A real PostgreSQL server for the store tests, from Debian's postgresql package: one per
// test process, started on first use in a fresh temporary directory, listening only on
// 127.0.0.1 (a free port) and a unix socket inside that directory, with durability off
// (fsync=off: the tests need speed, not crash safety). Each test gets a fresh database.
// PostgreSQL refuses to run as root, so under root (CI) initdb and pg_ctl run as the
// `postgres` user through runuser, on a directory that user owns. A global test
// environment stops the server when the process ends.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <string>

#include "store/postgres_store.h"

namespace safelane::store::testing {

class PostgresTestServer {
 public:
  static constexpr const char* kBin = "/usr/lib/postgresql/15/bin";

  // The running server (started on first call); a failure to start fails the test.
  static PostgresTestServer& Get() {
    static PostgresTestServer server;
    return server;
  }

  // A connection string for a new, empty database; "" (and a test failure) if none.
  std::string NewDatabase() {
    if (!started_) {
      ADD_FAILURE() << "PostgreSQL did not start: " << failure_;
      return "";
    }
    const std::string name = "t" + std::to_string(++databases_);
    try {
      pqxx::connection admin(Conninfo("postgres"));
      pqxx::nontransaction tx(admin);
      if (!template_ready_) {
        // Migrated once, then copied: each test starts from the current schema without
        // paying for the DDL again (the migration itself is what this first Open tests).
        tx.exec("CREATE DATABASE safelane_template");
        const ManualClock clock(FromMillis(0));
        auto migrated = PostgresStore::Open({.conninfo = Conninfo("safelane_template")}, clock);
        if (!migrated) {
          ADD_FAILURE() << "migrating the template failed: " << migrated.error().message;
          return "";
        }
        template_ready_ = true;
      }
      tx.exec("CREATE DATABASE " + name + " TEMPLATE safelane_template STRATEGY FILE_COPY");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "CREATE DATABASE failed: " << e.what();
      return "";
    }
    return Conninfo(name);
  }

  void Stop() {
    if (!started_) return;
    started_ = false;
    Run("pg_ctl -D " + (dir_ / "data").string() + " -m immediate -w stop");
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  ~PostgresTestServer() { Stop(); }

 private:
  PostgresTestServer() { started_ = Start(); }

  std::string Conninfo(const std::string& db) const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + db +
           " connect_timeout=10";
  }

  // Runs a PostgreSQL program (as `postgres` under root); output goes to the log.
  bool Run(const std::string& command) {
    const std::string as_user = ::geteuid() == 0 ? "runuser -u postgres -- " : "";
    const std::string line = "cd / && " + as_user + kBin + std::string("/") + command + " >> " +
                             (dir_ / "log").string() + " 2>&1";
    return std::system(line.c_str()) == 0;
  }

  static int FreePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port = ntohs(addr.sin_port);
    }
    ::close(fd);
    return port;
  }

  bool Start() {
    char pattern[] = "/tmp/safelane-pg-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) return Fail("mkdtemp failed");
    dir_ = pattern;
    if (::geteuid() == 0) {
      const passwd* pg = ::getpwnam("postgres");
      if (pg == nullptr) return Fail("no postgres user (install Debian's postgresql package)");
      if (::chown(dir_.c_str(), pg->pw_uid, pg->pw_gid) != 0) return Fail("chown failed");
    }
    port_ = FreePort();
    if (port_ == 0) return Fail("no free port");
    if (!Run("initdb -D " + (dir_ / "data").string() +
             " -A trust -U postgres -E UTF8 --locale=C --no-sync --no-instructions")) {
      return Fail("initdb failed");
    }
    const std::string options = "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) +
                                " -k " + dir_.string() +
                                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                                " -c max_connections=40 -c shared_buffers=32MB";
    if (!Run("pg_ctl -D " + (dir_ / "data").string() + " -l " + (dir_ / "server.log").string() +
             " -w -t 60 -o '" + options + "' start")) {
      return Fail("pg_ctl start failed");
    }
    return true;
  }

  bool Fail(const std::string& why) {
    std::ifstream log(dir_ / "log");
    std::stringstream text;
    text << log.rdbuf();
    failure_ = why + "\n" + text.str();
    return false;
  }

  std::filesystem::path dir_;
  int port_ = 0;
  bool started_ = false;
  bool template_ready_ = false;
  std::string failure_;
  std::atomic<int> databases_{0};
};

}  // namespace safelane::store::testing
