// safelane: the one command-line entry point; each subcommand lives in its own file.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli/command.h"

namespace {

int Main(int argc, char** argv) {
  // Everything this process creates (database, keys, spool, packages) is private to the
  // service user; modes are never looser than 0600/0700 whatever the caller's umask.
  ::umask(077);
  // Logs go to stderr; stdout carries results only, so it can be piped.
  spdlog::set_default_logger(spdlog::stderr_color_mt("safelane"));
  spdlog::set_level(spdlog::level::warn);

  CLI::App app{"SafeLane: secure number-plate recognition and traffic enforcement"};
  app.require_subcommand(1);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Log progress to stderr");
  app.parse_complete_callback([&] {
    if (verbose) spdlog::set_level(spdlog::level::info);
  });

  int exit_code = 0;
  safelane::cli::RegisterReadCommand(app, exit_code);
  safelane::cli::RegisterEvidenceCommand(app, exit_code);
  safelane::cli::RegisterAdminCommand(app, exit_code);
  safelane::cli::RegisterAuditCommand(app, exit_code);
  safelane::cli::RegisterDoctorCommand(app, exit_code);
  safelane::cli::RegisterCameraCommand(app, exit_code);
  safelane::cli::RegisterServeCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    // Commands report expected failures as values; reaching here is a defect.
    std::fprintf(stderr, "safelane: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "safelane: internal error\n");
  }
  return 3;
}
