// safelane: the one command-line entry point; each subcommand lives in its own file.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "cli/command.h"

int main(int argc, char** argv) {
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
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
