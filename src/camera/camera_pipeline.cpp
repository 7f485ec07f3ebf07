#include "camera/camera_pipeline.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "camera/vehicle_colour.h"

namespace safelane::camera {
namespace {

cv::Point2f Centre(const cv::Rect2f& r) {
  return {r.x + r.width / 2, r.y + r.height / 2};
}

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

std::string DirectionOf(cv::Point2f from, cv::Point2f to, float plate_width) {
  const cv::Point2f d = to - from;
  if (std::hypot(d.x, d.y) < std::max(plate_width, 1.0F) * 0.5F) return "stationary";
  if (std::abs(d.x) >= std::abs(d.y)) return d.x > 0 ? "left_to_right" : "right_to_left";
  // Image y grows downwards: a plate moving down the image comes towards the camera.
  return d.y > 0 ? "towards" : "away";
}

Result<CameraPipeline> CameraPipeline::Create(PipelineOptions options) {
  if (auto ok = ValidateTrackerOptions(options.tracker); !ok) return ok.error();
  if (options.vehicle_every_n_frames < 1 || options.vehicle_every_n_frames > 1000) {
    return Error(ErrorCode::kBadConfig, "vehicle_every_n_frames must be in 1..1000");
  }
  if (!options.zone.empty() && options.zone.size() < 3) {
    return Error(ErrorCode::kBadConfig, "the detection zone needs at least 3 points");
  }
  for (const auto& p : options.zone) {
    if (!(p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1)) {
      return Error(ErrorCode::kBadConfig, "detection zone points are frame fractions in [0, 1]");
    }
  }
  auto recognizer = vision::PlateRecognizer::Create(options.recognizer);
  if (!recognizer) return recognizer.error();
  std::optional<vision::VehicleDetector> vehicles;
  if (options.vehicles) {
    auto loaded = vision::VehicleDetector::Load(*options.vehicles);
    if (!loaded) return loaded.error();
    vehicles.emplace(std::move(*loaded));
  }
  return CameraPipeline(std::move(options), std::move(*recognizer), std::move(vehicles));
}

bool CameraPipeline::InZone(cv::Point2f centre, cv::Size frame) const {
  if (options_.zone.empty()) return true;
  const cv::Point2f p(centre.x / static_cast<float>(frame.width),
                      centre.y / static_cast<float>(frame.height));
  return cv::pointPolygonTest(options_.zone, p, false) >= 0;
}

bool CameraPipeline::FitsExpected(const vision::PlateRead& read) const {
  if (read.format.empty()) return false;
  if (options_.countries.empty()) return true;
  return std::find(options_.countries.begin(), options_.countries.end(), read.country) !=
         options_.countries.end();
}

Result<std::vector<VehiclePass>> CameraPipeline::Process(const cv::Mat& frame_bgr,
                                                         std::int64_t frame_index,
                                                         std::int64_t pts_us, WallTime captured_at,
                                                         FrameTiming* timing) {
  FrameTiming local;
  vision::RecognitionTiming rt;
  auto reads = recognizer_.Recognize(frame_bgr, &rt);
  if (!reads) return reads.error();
  local.plate_detect_ms = rt.detect_ms;
  local.read_ms = rt.read_ms;

  std::vector<vision::VehicleDetection> vehicles;
  if (vehicles_ && frame_index % options_.vehicle_every_n_frames == 0) {
    const auto t0 = std::chrono::steady_clock::now();
    auto found = vehicles_->Detect(frame_bgr);
    if (!found) return found.error();
    vehicles = std::move(*found);
    local.vehicle_ms = MsSince(t0);
  }

  const auto t0 = std::chrono::steady_clock::now();
  std::vector<vision::PlateRead> kept;
  std::vector<TrackDetection> detections;
  for (auto& r : *reads) {
    if (!InZone(Centre(r.detection.box), frame_bgr.size())) continue;
    detections.push_back({r.detection.box, r.text});
    kept.push_back(std::move(r));
  }
  // Frame intervals since the previous frame, by the capture clock (see tick_).
  if (tick_ < 0) {
    tick_ = 0;
  } else {
    const double dt =
        std::chrono::duration<double, std::milli>(captured_at - last_capture_).count();
    if (dt > 0 && dt < 200) {
      frame_interval_ms_ = frame_interval_ms_ <= 0 ? dt : 0.9 * frame_interval_ms_ + 0.1 * dt;
    }
    const double steps = frame_interval_ms_ > 0 ? dt / frame_interval_ms_ : 1.0;
    tick_ += std::max<std::int64_t>(1, std::llround(steps));
  }
  last_capture_ = captured_at;
  const auto ids = tracker_.Update(tick_, detections);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    const auto& r = kept[i];
    auto [it, born] = tracks_.try_emplace(ids[i]);
    TrackData& t = it->second;
    const cv::Point2f c = Centre(r.detection.box);
    if (born) t.first_centre = c;
    t.last_centre = c;
    t.plate_width = std::max(t.plate_width, r.detection.box.width);
    t.voter.Add({r.text, r.confidence, FitsExpected(r), r.country, frame_index});
    if (born) t.first_time = captured_at;
    t.last_time = captured_at;
    auto& best = t.best_by_text[r.text];
    if (r.confidence > best.confidence) {
      best = {r.confidence, frame_bgr, r.detection, captured_at, pts_us, frame_index};
    }
    // The smallest vehicle box holding the plate's centre is its vehicle.
    const vision::VehicleDetection* owner = nullptr;
    for (const auto& v : vehicles) {
      if (!v.box.contains(c)) continue;
      if (owner == nullptr || v.box.area() < owner->box.area()) owner = &v;
    }
    if (owner != nullptr) {
      t.class_votes[owner->vehicle_class] += owner->score;
      if (owner->score > t.vehicle_score) {
        t.vehicle_score = owner->score;
        t.vehicle_frame = frame_bgr;
        t.vehicle_box = owner->box;
      }
    }
  }
  std::vector<VehiclePass> passes;
  Collect(passes);
  local.track_ms = MsSince(t0);
  if (timing != nullptr) *timing = local;
  return passes;
}

void CameraPipeline::Collect(std::vector<VehiclePass>& out) {
  for (const auto id : tracker_.ended_tentative()) tracks_.erase(id);
  for (const auto id : tracker_.ended()) {
    if (auto pass = Decide(id)) out.push_back(std::move(*pass));
    tracks_.erase(id);
  }
}

std::vector<VehiclePass> CameraPipeline::Flush() {
  tracker_.Flush();
  std::vector<VehiclePass> out;
  Collect(out);
  tracks_.clear();
  return out;
}

std::optional<VehiclePass> CameraPipeline::Decide(std::int64_t track_id) {
  const auto it = tracks_.find(track_id);
  if (it == tracks_.end()) return std::nullopt;
  TrackData& t = it->second;
  auto vote = t.voter.Decide(options_.voter);
  const std::string direction = DirectionOf(t.first_centre, t.last_centre, t.plate_width);
  if (!vote || (direction == "stationary" && !options_.report_stationary)) {
    ++suppressed_;
    return std::nullopt;
  }
  VehiclePass pass;
  pass.track_id = track_id;
  pass.vote = *vote;
  pass.direction = direction;
  const auto& best = t.best_by_text.at(vote->text);
  pass.frame = best.frame;
  pass.frame_index = best.index;
  pass.captured_at = best.time;
  pass.pts_us = best.pts;
  pass.plate = best.plate;
  pass.first_seen = t.first_time;
  pass.last_seen = t.last_time;
  if (!t.class_votes.empty()) {
    pass.vehicle_class =
        std::max_element(t.class_votes.begin(), t.class_votes.end(),
                         [](const auto& a, const auto& b2) { return a.second < b2.second; })
            ->first;
    pass.vehicle_frame = t.vehicle_frame;
    pass.vehicle_box = t.vehicle_box;
    const cv::Rect box =
        cv::Rect(t.vehicle_box) & cv::Rect(0, 0, t.vehicle_frame.cols, t.vehicle_frame.rows);
    if (box.area() > 0) pass.colour = DominantColour(t.vehicle_frame(box));
  }
  return pass;
}

}  // namespace safelane::camera
