#include "camera/camera_pipeline.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <opencv2/imgproc.hpp>

#include "camera/appearance.h"
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
  if (options.plate_every_n_frames < 1 || options.plate_every_n_frames > 100) {
    return Error(ErrorCode::kBadConfig, "plate_every_n_frames must be in 1..100");
  }
  if (options.max_frames_per_track < 1 || options.max_frames_per_track > 100) {
    return Error(ErrorCode::kBadConfig, "max_frames_per_track must be in 1..100");
  }
  if (options.settle_reads < 0 || options.settle_reads > 1000 ||
      !(options.settle_confidence >= 0 && options.settle_confidence <= 1) ||
      !(options.skip_read_iou > 0 && options.skip_read_iou <= 1) || options.stationary_after < 1 ||
      options.stationary_after > 100000) {
    return Error(ErrorCode::kBadConfig,
                 "settle_reads 0..1000, settle_confidence [0,1], skip_read_iou (0,1], "
                 "stationary_after 1..100000");
  }
  if (!options.zone.empty() && options.zone.size() < 3) {
    return Error(ErrorCode::kBadConfig, "the detection zone needs at least 3 points");
  }
  if (options.threads < 1 || options.threads > 2) {
    return Error(ErrorCode::kBadConfig, "pipeline threads must be 1 or 2");
  }
  if (auto lanes = ValidateLanes(options.lanes); !lanes) return lanes.error();
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
  std::unique_ptr<PlateDetectionWorker> worker;
  if (options.threads == 2) {
    auto started = PlateDetectionWorker::Start(options.recognizer.detector);
    if (!started) return started.error();
    worker = std::move(*started);
  }
  return CameraPipeline(std::move(options), std::move(*recognizer), std::move(vehicles),
                        std::move(worker));
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

bool CameraPipeline::NeedsNoRead(const TrackData& t) const {
  if (t.settled) return true;
  if (options_.report_stationary || t.sightings < options_.stationary_after) return false;
  const cv::Point2f d = t.last_centre - t.first_centre;
  return std::hypot(d.x, d.y) < std::max(t.plate_width, 1.0F) * 0.5F;
}

void CameraPipeline::AdvanceTick(WallTime captured_at, std::int64_t frame_index) {
  // Frame intervals since the previous processed frame, by the capture clock (see tick_).
  if (tick_ < 0) {
    tick_ = 0;
  } else {
    const double dt =
        std::chrono::duration<double, std::milli>(captured_at - last_capture_).count();
    // The stream's frame interval: the capture time per frame index between two processed
    // frames. A node that keeps up sees consecutive indices; a loaded one sees every n-th
    // frame (the stream dropped the others), 300 ms apart at 3 of 25 frames/s, which is
    // still 40 ms per frame. Across a reconnect the index advances by little while the
    // clock ran on for the outage: such a pair (over 200 ms a frame) is no estimate.
    const std::int64_t frames = frame_index - last_index_;
    if (dt > 0 && frames > 0) {
      const double per_frame = dt / static_cast<double>(frames);
      if (per_frame < 200) {
        frame_interval_ms_ =
            frame_interval_ms_ <= 0 ? per_frame : 0.9 * frame_interval_ms_ + 0.1 * per_frame;
      }
    }
    const double steps = frame_interval_ms_ > 0
                             ? dt / frame_interval_ms_
                             : static_cast<double>(std::max<std::int64_t>(1, frames));
    tick_ += std::max<std::int64_t>(1, std::llround(steps));
  }
  last_capture_ = captured_at;
  last_index_ = frame_index;
}

Result<std::vector<VehiclePass>> CameraPipeline::Process(const cv::Mat& frame_bgr,
                                                         std::int64_t frame_index,
                                                         std::int64_t pts_us, WallTime captured_at,
                                                         FrameTiming* timing) {
  FrameTiming local;
  if (timing != nullptr) *timing = local;
  if (frame_index % options_.plate_every_n_frames != 0) return std::vector<VehiclePass>{};
  if (frame_bgr.empty()) return Error(ErrorCode::kBadImage, "empty frame");
  FrameIn in{frame_bgr, frame_index, pts_us, captured_at};
  if (!worker_) {
    const auto d0 = std::chrono::steady_clock::now();
    auto found = recognizer_.Detect(frame_bgr);
    if (!found) return found.error();
    local.plate_detect_ms = MsSince(d0);
    auto passes = Complete(in, *found, local);
    if (timing != nullptr) *timing = local;
    return passes;
  }
  // Two threads: this frame's plates are detected on the worker while the frame before it
  // is completed here. The worker is handed this frame first, so it never waits on us.
  std::optional<Result<PlateDetectionWorker::Detected>> previous;
  FrameIn previous_in;
  if (in_flight_) {
    previous = worker_->Take();
    previous_in = std::move(*in_flight_);
    in_flight_.reset();
  }
  if (auto submitted = worker_->Submit(frame_bgr); !submitted) return submitted.error();
  in_flight_ = std::move(in);
  if (!previous) return std::vector<VehiclePass>{};
  if (!*previous) return previous->error();
  local.plate_detect_ms = (*previous)->ms;
  auto passes = Complete(previous_in, (*previous)->boxes, local);
  if (timing != nullptr) *timing = local;
  return passes;
}

Result<std::vector<VehiclePass>> CameraPipeline::Complete(
    const FrameIn& in, const std::vector<vision::PlateDetection>& found, FrameTiming& local) {
  const cv::Mat& frame_bgr = in.frame;
  const std::int64_t frame_index = in.index;
  const std::int64_t pts_us = in.pts_us;
  const WallTime captured_at = in.captured_at;
  // The zone first: a box outside it is never read.
  std::vector<vision::PlateDetection> boxes;
  for (const auto& d : found) {
    if (InZone(Centre(d.box), frame_bgr.size())) boxes.push_back(d);
  }
  local.plates_found = static_cast<int>(boxes.size());
  AdvanceTick(captured_at, frame_index);

  // Which boxes need reading: not those a settled or stationary track surely holds.
  const auto r0 = std::chrono::steady_clock::now();
  const auto predicted = tracker_.Predict(tick_);
  const auto& live = tracker_.live();
  std::vector<vision::PlateDetection> to_read;
  std::vector<int> read_of(boxes.size(), -1);  // index into to_read, -1 = not read
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    bool skip = false;
    for (std::size_t k = 0; k < live.size() && !skip; ++k) {
      if (Iou(predicted[k], boxes[i].box) < options_.skip_read_iou) continue;
      const auto t = tracks_.find(live[k].id);
      skip = t != tracks_.end() && NeedsNoRead(t->second);
    }
    if (skip) continue;
    read_of[i] = static_cast<int>(to_read.size());
    to_read.push_back(boxes[i]);
  }
  std::vector<vision::PlateRead> reads;
  if (!to_read.empty()) {
    auto done = recognizer_.ReadDetections(frame_bgr, to_read);
    if (!done) return done.error();
    reads = std::move(*done);
  }
  local.plates_read = static_cast<int>(reads.size());
  local.read_ms = MsSince(r0);

  std::vector<vision::VehicleDetection> vehicles;
  // Every n-th PROCESSED frame: a loaded node is handed every k-th stream frame, and a
  // test of the stream's index would never run (k = n, an odd first frame) or run on every
  // frame (k a multiple of n) depending on where the drops fell.
  if (vehicles_ && processed_++ % options_.vehicle_every_n_frames == 0) {
    const auto t0 = std::chrono::steady_clock::now();
    auto detected = vehicles_->Detect(frame_bgr);
    if (!detected) return detected.error();
    vehicles = std::move(*detected);
    local.vehicle_ms = MsSince(t0);
  }

  const auto t0 = std::chrono::steady_clock::now();
  std::vector<TrackDetection> detections;
  detections.reserve(boxes.size());
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const std::string text =
        read_of[i] >= 0 ? reads[static_cast<std::size_t>(read_of[i])].text : std::string();
    detections.push_back({boxes[i].box, text, DescribeAppearance(frame_bgr, boxes[i].box)});
  }
  const auto ids = tracker_.Update(tick_, detections);
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const auto& box = boxes[i].box;
    auto [it, born] = tracks_.try_emplace(ids[i]);
    TrackData& t = it->second;
    const cv::Point2f c = Centre(box);
    if (born) {
      t.first_centre = c;
      t.first_time = captured_at;
    }
    t.last_centre = c;
    t.last_time = captured_at;
    t.plate_width = std::max(t.plate_width, box.width);
    ++t.sightings;
    if (!options_.lanes.empty()) {
      // The plate box's bottom centre, in frame fractions (lane.h).
      const cv::Point2f foot(c.x / static_cast<float>(frame_bgr.cols),
                             (box.y + box.height) / static_cast<float>(frame_bgr.rows));
      if (auto lane = LaneAt(options_.lanes, foot); !lane.empty()) ++t.lane_votes[lane];
    }
    if (read_of[i] >= 0) {
      const auto& r = reads[static_cast<std::size_t>(read_of[i])];
      const bool fits = FitsExpected(r);
      t.voter.Add({r.text, r.confidence, fits, r.country, frame_index});
      if (fits && r.confidence >= options_.settle_confidence && options_.settle_reads > 0 &&
          ++t.confident_reads[r.text] >= options_.settle_reads) {
        t.settled = true;
      }
      t.weight_by_text[r.text] += r.confidence * (fits ? 1.0 : options_.voter.unfit_weight);
      auto& best = t.best_by_text[r.text];
      if (r.confidence > best.confidence) {
        best = {r.confidence, frame_bgr, r.detection, captured_at, pts_us, frame_index};
        KeepLeadingFrames(t);
      }
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
  return passes;
}

void CameraPipeline::KeepLeadingFrames(TrackData& t) const {
  std::vector<std::pair<double, std::string>> held;  // weight, text of entries with a frame
  for (const auto& [text, best] : t.best_by_text) {
    if (!best.frame.empty()) held.emplace_back(t.weight_by_text[text], text);
  }
  const auto cap = static_cast<std::size_t>(options_.max_frames_per_track);
  if (held.size() <= cap) return;
  std::sort(held.begin(), held.end(), std::greater<>());
  for (std::size_t i = cap; i < held.size(); ++i) t.best_by_text[held[i].second].frame.release();
}

void CameraPipeline::Collect(std::vector<VehiclePass>& out) {
  for (const auto id : tracker_.ended_tentative()) tracks_.erase(id);
  for (const auto id : tracker_.ended()) {
    if (auto pass = Decide(id)) out.push_back(std::move(*pass));
    tracks_.erase(id);
  }
}

Result<Done> CameraPipeline::WarmUp(cv::Size size) {
  const cv::Mat blank(size, CV_8UC3, cv::Scalar(128, 128, 128));
  if (worker_) {
    if (!in_flight_) {
      if (auto submitted = worker_->Submit(blank); !submitted) return submitted.error();
      if (auto found = worker_->Take(); !found) return found.error();
    }
  } else if (auto found = recognizer_.Detect(blank); !found) {
    return found.error();
  }
  const cv::Mat plate(32, 128, CV_8UC3, cv::Scalar(200, 200, 200));
  if (auto read = recognizer_.ReadCrop(plate); !read) return read.error();
  if (vehicles_) {
    if (auto detected = vehicles_->Detect(blank); !detected) return detected.error();
  }
  return Done{};
}

std::vector<VehiclePass> CameraPipeline::Flush(FrameTiming* timing,
                                               std::optional<Error>* frame_error) {
  std::vector<VehiclePass> out;
  FrameTiming local;
  if (in_flight_) {
    const FrameIn in = std::move(*in_flight_);
    in_flight_.reset();
    auto found = worker_->Take();
    auto done =
        found ? Complete(in, found->boxes, local) : Result<std::vector<VehiclePass>>(found.error());
    if (found) local.plate_detect_ms = found->ms;
    if (done) {
      out = std::move(*done);
    } else if (frame_error != nullptr) {
      *frame_error = done.error();
    }
  }
  if (timing != nullptr) *timing = local;
  tracker_.Flush();
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
  const TrackData::Best* kept = &t.best_by_text.at(vote->text);
  if (kept->frame.empty()) {
    // Its frame was let go (KeepLeadingFrames): the most confident reading still held.
    for (const auto& [text, b] : t.best_by_text) {
      if (!b.frame.empty() && (kept->frame.empty() || b.confidence > kept->confidence)) kept = &b;
    }
  }
  const auto& best = *kept;
  pass.frame = best.frame;
  pass.frame_index = best.index;
  pass.captured_at = best.time;
  pass.pts_us = best.pts;
  pass.plate = best.plate;
  pass.first_seen = t.first_time;
  pass.last_seen = t.last_time;
  pass.first_centre = t.first_centre;
  pass.last_centre = t.last_centre;
  pass.plate_width = t.plate_width;
  if (!t.lane_votes.empty()) {
    pass.lane = std::max_element(t.lane_votes.begin(), t.lane_votes.end(),
                                 [](const auto& a, const auto& b2) { return a.second < b2.second; })
                    ->first;
  }
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
