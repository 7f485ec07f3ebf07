#include "camera/camera_config.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <toml.hpp>

namespace safelane::camera {
namespace {

// One [section] of the file: every read names its key, default, bounds and unit; keys
// nobody asked for are refused by Finish(). The first error wins.
class Section {
 public:
  Section(const toml::value& root, std::string name, std::string* error)
      : name_(std::move(name)), error_(error) {
    if (!root.contains(name_)) return;
    const toml::value& v = root.at(name_);
    if (!v.is_table()) {
      Fail("is not a table");
      return;
    }
    table_ = &v.as_table();
  }

  // One table of an array of tables ([[lane]]), named for errors ("lane #2").
  Section(const toml::value& item, std::string name, std::string* error, bool /*item*/)
      : name_(std::move(name)), error_(error) {
    if (!item.is_table()) {
      Fail(" is not a table");
      return;
    }
    table_ = &item.as_table();
  }

  std::string String(const std::string& key, const std::string& fallback, bool required = false) {
    const toml::value* v = Take(key, required);
    if (v == nullptr) return fallback;
    if (!v->is_string()) return Fail(key, "must be a string"), fallback;
    return v->as_string().str;
  }

  double Number(const std::string& key, double fallback, double lo, double hi,
                const std::string& unit, bool required = false) {
    const toml::value* v = Take(key, required);
    if (v == nullptr) return fallback;
    double x = 0;
    if (v->is_floating()) {
      x = v->as_floating();
    } else if (v->is_integer()) {
      x = static_cast<double>(v->as_integer());
    } else {
      return Fail(key, "must be a number (" + unit + ")"), fallback;
    }
    if (!(x >= lo && x <= hi)) {
      std::ostringstream m;
      m << "must be in [" << lo << ", " << hi << "] " << unit << ", got " << x;
      return Fail(key, m.str()), fallback;
    }
    return x;
  }

  int Integer(const std::string& key, int fallback, int lo, int hi, const std::string& unit) {
    const toml::value* v = Take(key, false);
    if (v == nullptr) return fallback;
    if (!v->is_integer()) return Fail(key, "must be an integer (" + unit + ")"), fallback;
    const auto x = v->as_integer();
    if (x < lo || x > hi) {
      return Fail(key, "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "] " +
                           unit + ", got " + std::to_string(x)),
             fallback;
    }
    return static_cast<int>(x);
  }

  bool Bool(const std::string& key, bool fallback) {
    const toml::value* v = Take(key, false);
    if (v == nullptr) return fallback;
    if (!v->is_boolean()) return Fail(key, "must be true or false"), fallback;
    return v->as_boolean();
  }

  std::string Choice(const std::string& key, const std::string& fallback,
                     const std::set<std::string>& allowed) {
    std::string s = String(key, fallback);
    if (allowed.count(s) == 0) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      Fail(key, "must be one of: " + list + "; got \"" + s + "\"");
      return fallback;
    }
    return s;
  }

  std::vector<std::string> Strings(const std::string& key, std::vector<std::string> fallback) {
    const toml::value* v = Take(key, false);
    if (v == nullptr) return fallback;
    if (!v->is_array()) return Fail(key, "must be an array of strings"), fallback;
    std::vector<std::string> out;
    for (const auto& item : v->as_array()) {
      if (!item.is_string()) return Fail(key, "must be an array of strings"), fallback;
      out.push_back(item.as_string().str);
    }
    return out;
  }

  // [[x, y], ...] with both in [0, 1].
  std::vector<cv::Point2f> Polygon(const std::string& key) {
    const toml::value* v = Take(key, false);
    if (v == nullptr) return {};
    std::vector<cv::Point2f> out;
    const char* what = "must be an array of at least 3 [x, y] points, frame fractions in [0, 1]";
    if (!v->is_array()) return Fail(key, what), out;
    for (const auto& p : v->as_array()) {
      if (!p.is_array() || p.as_array().size() != 2)
        return Fail(key, what), std::vector<cv::Point2f>{};
      double xy[2] = {0, 0};
      for (int i = 0; i < 2; ++i) {
        const auto& c = p.as_array()[static_cast<std::size_t>(i)];
        if (c.is_floating()) {
          xy[i] = c.as_floating();
        } else if (c.is_integer()) {
          xy[i] = static_cast<double>(c.as_integer());
        } else {
          return Fail(key, what), std::vector<cv::Point2f>{};
        }
        if (!(xy[i] >= 0 && xy[i] <= 1)) return Fail(key, what), std::vector<cv::Point2f>{};
      }
      out.emplace_back(static_cast<float>(xy[0]), static_cast<float>(xy[1]));
    }
    if (out.size() < 3) return Fail(key, what), std::vector<cv::Point2f>{};
    return out;
  }

  // A key that must not be there (it belongs to another variant of the section).
  void Refuse(const std::string& key, const std::string& why) {
    used_.insert(key);
    if (table_ != nullptr && table_->count(key) > 0) Fail(key, why);
  }

  void Finish() {
    if (table_ == nullptr) return;
    for (const auto& [key, value] : *table_) {
      if (used_.count(key) == 0) Fail(key, "is not a known key");
    }
  }

  void Fail(const std::string& key, const std::string& what) { Fail("." + key + " " + what); }

 private:
  void Fail(const std::string& what) {
    if (error_->empty()) *error_ = "[" + name_ + "]" + what;
  }

  const toml::value* Take(const std::string& key, bool required) {
    used_.insert(key);
    if (table_ != nullptr) {
      const auto it = table_->find(key);
      if (it != table_->end()) return &it->second;
    }
    if (required) Fail(key, "is required");
    return nullptr;
  }

  std::string name_;
  std::string* error_;
  const toml::table* table_ = nullptr;
  std::set<std::string> used_;
};

std::filesystem::path Resolve(const std::filesystem::path& base, const std::string& p) {
  if (p.empty()) return {};
  const std::filesystem::path path(p);
  return path.is_absolute() ? path : base / path;
}

std::filesystem::path DefaultVehicleModelDir() {
  const char* env = std::getenv("SAFELANE_DATA");
  const std::filesystem::path data = (env != nullptr && *env != '\0')
                                         ? std::filesystem::path(env)
                                         : std::filesystem::path(SAFELANE_DEFAULT_DATA_DIR);
  return data / "models" / "yolo-fastest-1.1-coco";
}

}  // namespace

Result<CameraConfig> ParseCameraConfig(const std::string& toml_text,
                                       const std::filesystem::path& base_dir) {
  toml::value root;
  try {
    std::istringstream in(toml_text);
    root = toml::parse(in, "CAMERA.toml");
  } catch (const std::exception& e) {
    return Error(ErrorCode::kBadConfig, std::string("not valid TOML: ") + e.what());
  }
  if (!root.is_table()) return Error(ErrorCode::kBadConfig, "not a TOML table");
  const std::set<std::string> sections = {"camera", "stream", "pipeline", "evidence",
                                          "sink",   "health", "lane"};
  for (const auto& [name, value] : root.as_table()) {
    if (sections.count(name) == 0) {
      return Error(ErrorCode::kBadConfig, "[" + name + "] is not a known section");
    }
  }
  std::string error;
  CameraConfig c;

  Section cam(root, "camera", &error);
  c.camera.id = cam.String("id", "", true);
  if (!error.empty() || c.camera.id.empty() || c.camera.id.size() > 64 ||
      c.camera.id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                    "0123456789_.-") != std::string::npos) {
    cam.Fail("id", "must match [A-Za-z0-9_.-]{1,64}");
  }
  c.camera.name = cam.String("name", c.camera.id);
  c.camera.latitude = cam.Number("latitude", 0, -90, 90, "degrees", true);
  c.camera.longitude = cam.Number("longitude", 0, -180, 180, "degrees", true);
  c.camera.heading_deg = cam.Number("heading_deg", 0, 0, 359.999, "degrees from north");
  c.camera.city = cam.String("city", "");
  const int lane_count = cam.Integer("lanes", 0, 1, 16, "lanes");  // 0: not given
  c.pipeline.countries = cam.Strings("countries", {"uz"});
  c.pipeline.zone = cam.Polygon("zone");
  c.signing_key_file = Resolve(base_dir, cam.String("signing_key_file", "", true));
  cam.Finish();

  if (root.contains("lane")) {
    const toml::value& lanes = root.at("lane");
    if (!lanes.is_array() || lanes.as_array().size() > kMaxLanes) {
      if (error.empty()) error = "[[lane]] must be 1.." + std::to_string(kMaxLanes) + " tables";
    } else {
      for (std::size_t i = 0; i < lanes.as_array().size(); ++i) {
        Section item(lanes.as_array()[i], "lane #" + std::to_string(i + 1), &error, true);
        Lane lane;
        lane.id = item.String("id", "", true);
        lane.polygon = item.Polygon("polygon");
        if (lane.polygon.empty()) item.Fail("polygon", "is required");
        lane.direction = item.Choice("direction", "any",
                                     {"any", "left_to_right", "right_to_left", "towards", "away"});
        item.Finish();
        c.pipeline.lanes.push_back(std::move(lane));
      }
      if (auto valid = ValidateLanes(c.pipeline.lanes); !valid && error.empty()) {
        error = "[[lane]] " + valid.error().message;
      }
    }
  }
  c.camera.lanes =
      lane_count > 0 ? lane_count : std::max<int>(1, static_cast<int>(c.pipeline.lanes.size()));
  if (lane_count > 0 && !c.pipeline.lanes.empty() &&
      lane_count != static_cast<int>(c.pipeline.lanes.size())) {
    cam.Fail("lanes", "is " + std::to_string(lane_count) + " but " +
                          std::to_string(c.pipeline.lanes.size()) + " [[lane]] tables are given");
  }

  Section stream(root, "stream", &error);
  c.stream.url = stream.String("url", "", true);
  if (const auto url = c.stream.url; url.rfind("rtsp://", 0) != 0 && url.rfind("http", 0) != 0) {
    c.stream.url = Resolve(base_dir, url).string();
  }
  c.stream.transport = stream.Choice("transport", "tcp", {"tcp", "udp"}) == "udp"
                           ? video::Transport::kUdp
                           : video::Transport::kTcp;
  c.stream.replay = stream.Choice("replay", "realtime", {"realtime", "fast"}) == "fast"
                        ? video::Replay::kFast
                        : video::Replay::kRealTime;
  c.stream.ring_seconds =
      std::chrono::seconds(stream.Integer("ring_seconds", 30, 0, 600, "seconds"));
  c.stream.decode_threads = stream.Integer("decode_threads", 1, 1, 16, "threads");
  c.stream.max_queued_frames = stream.Integer("max_queued_frames", 2, 1, 250, "frames");
  stream.Finish();

  Section pipe(root, "pipeline", &error);
  c.pipeline.recognizer.detector.working_size =
      pipe.Integer("plate_working_size", 1024, 320, 4096, "px");
  if (c.pipeline.countries.size() == 1) c.pipeline.recognizer.country = c.pipeline.countries[0];
  if (pipe.Bool("vehicle_detection", true)) {
    vision::VehicleDetectorOptions v;
    const std::string dir = pipe.String("vehicle_model_dir", "");
    v.model_dir = dir.empty() ? DefaultVehicleModelDir() : Resolve(base_dir, dir);
    c.pipeline.vehicles = v;
  } else {
    (void)pipe.String("vehicle_model_dir", "");
  }
  c.pipeline.vehicle_every_n_frames = pipe.Integer("vehicle_every_n_frames", 4, 1, 1000, "frames");
  c.pipeline.threads = pipe.Integer("threads", 1, 1, 2, "threads");
  c.pipeline.voter.min_agreeing = pipe.Integer("min_agreeing_reads", 2, 1, 100, "frames");
  c.pipeline.voter.min_confidence = pipe.Number("min_confidence", 0.05, 0, 1, "(probability)");
  c.pipeline.report_stationary = pipe.Bool("report_stationary", false);
  c.pipeline.tracker.max_missed = pipe.Integer("max_missed_frames", 12, 0, 1000, "frames");
  const int min_chars = pipe.Integer("min_plate_chars", 0, 0, 16, "characters (0: automatic)");
  c.admission.min_plate_chars =
      min_chars > 0 ? min_chars
                    : ShortestPlate(vision::PlateFormatCatalog::Builtin(), c.pipeline.countries);
  c.admission.min_unfit_confidence =
      pipe.Number("min_unfit_confidence", 0.07, 0, 1, "(probability)");
  c.duplicates.window_s = pipe.Number("duplicate_window_s", 10, 0, 300, "seconds");
  c.duplicates.min_text_similarity =
      static_cast<float>(pipe.Number("duplicate_text_similarity", 0.8, 0.01, 1, "(similarity)"));
  c.duplicates.max_gap_widths =
      static_cast<float>(pipe.Number("duplicate_gap_widths", 4, 0, 50, "plate widths"));
  pipe.Finish();

  Section ev(root, "evidence", &error);
  c.evidence.dir = Resolve(base_dir, ev.String("dir", ""));
  c.evidence.jpeg_quality = ev.Integer("jpeg_quality", 90, 50, 100, "JPEG quality");
  c.evidence.clip = ev.Bool("clip", false);
  c.evidence.clip_before_s = ev.Number("clip_before_s", 3, 0, 60, "seconds");
  c.evidence.clip_after_s = ev.Number("clip_after_s", 2, 0, 60, "seconds");
  ev.Finish();

  Section sink(root, "sink", &error);
  c.sink = sink.Choice("kind", "store", {"store", "https"}) == "https" ? SinkKind::kHttps
                                                                       : SinkKind::kStore;
  if (c.sink == SinkKind::kStore) {
    c.store_dir = Resolve(base_dir, sink.String("store_dir", "", true));
    c.master_key_file = Resolve(base_dir, sink.String("master_key_file", "", true));
    c.store_backend = sink.Choice("store_backend", "sqlite", {"sqlite", "postgres"}) == "postgres"
                          ? store::BackendKind::kPostgres
                          : store::BackendKind::kSqlite;
    c.store_postgres = sink.String("store_postgres", "");
    if ((c.store_backend == store::BackendKind::kPostgres) == c.store_postgres.empty()) {
      sink.Fail("store_postgres", "is required with store_backend = \"postgres\" and only with it");
    }
    for (const char* key :
         {"url", "server_fingerprint", "ca_file", "connect_timeout_s", "timeout_s"}) {
      sink.Refuse(key, "is only for kind = \"https\"");
    }
  } else {
    c.https.url = sink.String("url", "", true);
    if (auto url = ParseHttpsUrl(c.https.url); !url && !c.https.url.empty()) {
      sink.Fail("url", url.error().message);
    }
    // Trust is pinned by fingerprint or rooted in a CA file; never "verify off".
    c.https.server_fingerprint = sink.String("server_fingerprint", "");
    c.https.ca_file = Resolve(base_dir, sink.String("ca_file", ""));
    if (c.https.server_fingerprint.empty() == c.https.ca_file.empty()) {
      sink.Fail("server_fingerprint", "or ca_file is required (exactly one of them)");
    } else if (auto fp = ParseCertificateFingerprint(c.https.server_fingerprint);
               !fp && !c.https.server_fingerprint.empty()) {
      sink.Fail("server_fingerprint", fp.error().message);
    }
    c.https.connect_timeout = std::chrono::milliseconds(
        static_cast<std::int64_t>(sink.Number("connect_timeout_s", 5, 0.1, 60, "seconds") * 1000));
    c.https.io_timeout = std::chrono::milliseconds(
        static_cast<std::int64_t>(sink.Number("timeout_s", 30, 0.1, 600, "seconds") * 1000));
    for (const char* key : {"store_dir", "master_key_file", "store_backend", "store_postgres"}) {
      sink.Refuse(key, "is only for kind = \"store\"");
    }
  }
  c.spool.dir = Resolve(base_dir, sink.String("spool_dir", "", true));
  c.spool.max_events =
      static_cast<std::size_t>(sink.Integer("spool_max_events", 100000, 1, 10'000'000, "events"));
  c.spool.max_bytes =
      static_cast<std::uint64_t>(sink.Integer("spool_max_mb", 4096, 1, 1'000'000, "MiB")) << 20;
  c.sender.retry_interval = std::chrono::milliseconds(
      static_cast<std::int64_t>(sink.Number("retry_s", 60, 0.05, 3600, "seconds") * 1000));
  c.sender.batch = static_cast<std::size_t>(sink.Integer("batch", 16, 1, 1000, "events"));
  sink.Finish();

  Section health(root, "health", &error);
  c.health_every_s = health.Number("log_every_s", 10, 0.1, 3600, "seconds");
  health.Finish();

  if (!error.empty()) return Error(ErrorCode::kBadConfig, error);
  return c;
}

Result<CameraConfig> LoadCameraConfig(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return Error(ErrorCode::kBadConfig, "cannot read camera config " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = ParseCameraConfig(text.str(), file.parent_path());
  if (!parsed) return Error(ErrorCode::kBadConfig, file.string() + ": " + parsed.error().message);
  return parsed;
}

}  // namespace safelane::camera
