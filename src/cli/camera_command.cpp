// `safelane camera`: runs one camera node from its CAMERA.toml (src/camera/camera_node.h).
//
//   safelane camera --config CAMERA.toml [--replay fast|realtime]   run until the file input
//                                                                  ends (or SIGINT/SIGTERM)
//   safelane camera --config CAMERA.toml --register   register the camera (id, position, its
//                                                     public key) in the configured store
//   safelane camera --keygen FILE                     new signing key (0600); prints the
//                                                     public key in hex
//
// Reads go to stdout as JSON lines; health and errors to stderr. Exit status: 0 done,
// 1 the stream failed (a file that cannot be read or decoded), 2 bad configuration.

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "camera/camera_config.h"
#include "camera/camera_key.h"
#include "camera/camera_node.h"
#include "cli/command.h"
#include "security/ed25519.h"
#include "security/master_key.h"
#include "store/store_opener.h"

namespace safelane::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void OnSignal(int /*signal*/) {
  g_stop.store(true);
}

struct CameraArgs {
  std::string config;
  std::string replay;
  std::string keygen;
  bool register_camera = false;
};

int Fail(const Error& e, int code) {
  std::cerr << "safelane camera: " << ErrorCodeName(e.code) << ": " << e.message << '\n';
  return code;
}

int RunKeygen(const std::string& path) {
  auto key = camera::CreateCameraKeyFile(path);
  if (!key) return Fail(key.error(), 2);
  std::cout << security::ToHex(key->public_key()) << '\n';
  return 0;
}

int RunRegister(const camera::CameraConfig& config) {
  if (config.sink == camera::SinkKind::kHttps) {
    // The store is on the server's host: enrolment goes through its API (audited).
    return Fail(Error(ErrorCode::kBadRequest,
                      "--register writes into a local store ([sink] kind = \"store\"); a "
                      "camera that delivers over HTTPS is enrolled on the server by an "
                      "administrator: POST /api/v1/cameras with its public key"),
                2);
  }
  auto key = camera::LoadCameraKey(config.signing_key_file);
  if (!key) return Fail(key.error(), 2);
  if (auto master = security::LoadMasterKey(config.master_key_file); !master) {
    return Fail(master.error(), 2);
  }
  const store::SystemClock clock;
  auto db = store::OpenStore({.backend = config.store_backend,
                              .data_dir = config.store_dir,
                              .postgres = config.store_postgres,
                              .create = false},
                             clock);
  if (!db) return Fail(db.error(), 2);
  store::Camera cam;
  cam.id = config.camera.id;
  cam.name = config.camera.name;
  cam.latitude = config.camera.latitude;
  cam.longitude = config.camera.longitude;
  cam.heading_deg = config.camera.heading_deg;
  cam.city = config.camera.city;
  cam.public_key = key->public_key();
  if (auto done = (*db)->RegisterCamera(cam); !done) return Fail(done.error(), 2);
  std::cout << "registered camera " << cam.id << " key " << security::ToHex(cam.public_key) << '\n';
  return 0;
}

int RunCamera(const CameraArgs& args) {
  if (!args.keygen.empty()) return RunKeygen(args.keygen);
  if (args.config.empty()) {
    return Fail(Error(ErrorCode::kBadRequest, "--config CAMERA.toml is required"), 2);
  }
  auto config = camera::LoadCameraConfig(args.config);
  if (!config) return Fail(config.error(), 2);
  if (args.register_camera) return RunRegister(*config);
  if (args.replay == "fast") config->stream.replay = video::Replay::kFast;
  if (args.replay == "realtime") config->stream.replay = video::Replay::kRealTime;
  // Health lines are info-level: a running node always logs them.
  if (spdlog::get_level() > spdlog::level::info) spdlog::set_level(spdlog::level::info);
  auto node = camera::CameraNode::Create(std::move(*config), &std::cout);
  if (!node) return Fail(node.error(), 2);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  auto summary = (*node)->Run(g_stop);
  if (!summary) return Fail(summary.error(), 1);
  const auto& s = *summary;
  const nlohmann::json line = {
      {"summary",
       {{"reads", s.reads},
        {"events_spooled", s.events_spooled},
        {"events_pending", s.events_pending},
        {"events_accepted", s.sender.accepted},
        {"events_duplicate", s.sender.duplicates},
        {"events_refused", s.sender.refused},
        {"frames_in", s.stream.frames_in},
        {"frames_processed", s.stages.frames},
        {"frames_dropped", s.stream.frames_dropped + s.frames_dropped_by_node},
        {"frame_errors", s.frame_errors},
        {"reconnects", s.stream.reconnects},
        {"wall_s", s.wall_s}}}};
  std::cerr << line.dump() << '\n';
  return 0;
}

}  // namespace

void RegisterCameraCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CameraArgs>();
  CLI::App* cmd = app.add_subcommand("camera", "Run a camera node: video in, signed reads out");
  cmd->add_option("--config", args->config, "CAMERA.toml");
  cmd->add_option("--replay", args->replay, "Override the config's stream.replay for files")
      ->check(CLI::IsMember({"fast", "realtime"}));
  cmd->add_flag("--register", args->register_camera,
                "Register this camera and its public key in the configured store, then exit");
  cmd->add_option("--keygen", args->keygen, "Create a new camera signing key file (0600)");
  cmd->callback([args, &exit_code] { exit_code = RunCamera(*args); });
}

}  // namespace safelane::cli
