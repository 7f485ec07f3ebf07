#pragma once
// Each `safelane` subcommand registers itself on the CLI11 app and returns the exit
// code through `exit_code` once it has run.

#include <CLI/CLI.hpp>

namespace safelane::cli {

// `safelane read`: plates in still images.
void RegisterReadCommand(CLI::App& app, int& exit_code);

// `safelane evidence export|verify|public-key`: signed evidence packages.
void RegisterEvidenceCommand(CLI::App& app, int& exit_code);

// `safelane serve`: the HTTPS API (src/server).
void RegisterServeCommand(CLI::App& app, int& exit_code);

// `safelane camera`: one camera node (src/camera).
void RegisterCameraCommand(CLI::App& app, int& exit_code);

// `safelane admin init|activate|create-user|reset-password|unlock|users`: accounts.
void RegisterAdminCommand(CLI::App& app, int& exit_code);

// `safelane audit verify|list|public-key`: the signed audit log.
void RegisterAuditCommand(CLI::App& app, int& exit_code);

// `safelane doctor`: the security self-check of an installation and its server.
void RegisterDoctorCommand(CLI::App& app, int& exit_code);

}  // namespace safelane::cli
