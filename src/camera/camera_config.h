#pragma once
// CAMERA.toml: everything one camera node needs, declared once in camera_config.cpp (each
// key with its default, bounds and unit). Unknown keys and sections are refused, so a typo
// never silently becomes a default. Secrets are referenced by file path, never inline;
// relative paths are relative to the config file's folder.
//
//   [camera]    id, name, latitude, longitude (degrees WGS 84), heading_deg (0..360, the
//               direction the camera looks), city, lanes, countries (expected plate
//               countries), zone (polygon of [x, y] frame fractions), signing_key_file
//   [stream]    url, transport (tcp|udp), replay (realtime|fast), ring_seconds,
//               decode_threads, max_queued_frames
//   [pipeline]  plate_working_size (px), vehicle_detection (bool), vehicle_model_dir,
//               vehicle_every_n_frames, threads (1|2, camera_pipeline.h),
//               min_agreeing_reads, min_confidence, report_stationary, max_missed_frames;
//               what is a read (read_admission.h):
//               min_plate_chars (0 = the shortest fixed format of `countries`),
//               min_unfit_confidence; one event per vehicle (duplicate_read_window.h):
//               duplicate_window_s, duplicate_text_similarity, duplicate_gap_widths
//   [[lane]]    id, polygon ([x, y] frame fractions), direction (lane.h); optional, any
//               number up to 16; [camera].lanes, when given too, must equal their count
//   [evidence]  dir (local copies, optional), jpeg_quality, clip, clip_before_s, clip_after_s
//   [sink]      kind ("store" | "https"), spool_dir, spool_max_events, spool_max_mb, retry_s,
//               batch; for "store": store_dir, master_key_file, store_backend
//               (sqlite|postgres), store_postgres (connection string); for "https": url,
//               server_fingerprint or ca_file (exactly one), connect_timeout_s, timeout_s
//   [health]    log_every_s

#include <filesystem>
#include <opencv2/core/types.hpp>
#include <string>
#include <vector>

#include "camera/camera_pipeline.h"
#include "camera/duplicate_read_window.h"
#include "camera/event_sender.h"
#include "camera/event_spool.h"
#include "camera/https_event_sink.h"
#include "camera/read_admission.h"
#include "core/result.h"
#include "store/store_opener.h"
#include "video/camera_stream.h"

namespace safelane::camera {

struct CameraIdentity {
  std::string id;
  std::string name;
  double latitude = 0;
  double longitude = 0;
  double heading_deg = 0;
  std::string city;
  int lanes = 1;
};

struct EvidenceOptions {
  std::filesystem::path dir;  // empty: no local copies (the spool and the store hold them)
  int jpeg_quality = 90;
  bool clip = false;
  double clip_before_s = 3;
  double clip_after_s = 2;
};

enum class SinkKind {
  kStore,  // the central store in-process (store_sink.h)
  kHttps,  // a `safelane serve` over HTTPS (https_event_sink.h)
};

struct CameraConfig {
  CameraIdentity camera;
  std::filesystem::path signing_key_file;
  video::StreamOptions stream;
  PipelineOptions pipeline;  // pipeline.lanes: the [[lane]] tables
  ReadAdmissionOptions admission;
  DuplicateWindowOptions duplicates;
  EvidenceOptions evidence;
  SinkKind sink = SinkKind::kStore;
  std::filesystem::path store_dir;  // kStore: the vault, and the SQLite database
  store::BackendKind store_backend = store::BackendKind::kSqlite;  // kStore
  std::string store_postgres;  // kStore with store_backend postgres: libpq connection string
  std::filesystem::path master_key_file;  // kStore
  HttpsSinkOptions https;                 // kHttps
  SpoolOptions spool;
  SenderOptions sender;
  double health_every_s = 10;
};

// kBadConfig naming the file, the key and what is wrong.
Result<CameraConfig> LoadCameraConfig(const std::filesystem::path& file);
Result<CameraConfig> ParseCameraConfig(const std::string& toml_text,
                                       const std::filesystem::path& base_dir);

}  // namespace safelane::camera
