#pragma once
// CameraPipeline: decoded frames in, ONE VehiclePass out per vehicle that passes.
//
//   frame --PlateRecognizer (detect at working size, read at full resolution)--> plates
//         --every n-th frame: VehicleDetector--> vehicles; a plate belongs to the smallest
//           vehicle box that contains its centre (class, colour, vehicle crop)
//         --detection zone: plates whose centre is outside are ignored
//         --Tracker (alpha-beta + IoU / same text)--> per-track PlateVoter
//   a confirmed track that ends --PlateVoter--> VehiclePass (best text, confidence, frames
//   that agreed, direction of travel, class, colour, the best frame and crops' sources)
//
// Errors from the models come back as Error values (the frame is not silently skipped).
// Not thread-safe: one pipeline per camera thread.

#include <chrono>
#include <cstdint>
#include <map>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <string>
#include <vector>

#include "camera/plate_voter.h"
#include "camera/tracker.h"
#include "core/result.h"
#include "vision/plate_recognizer.h"
#include "vision/vehicle_detector.h"

namespace safelane::camera {

using WallTime = std::chrono::system_clock::time_point;

struct PipelineOptions {
  vision::RecognizerOptions recognizer;
  std::optional<vision::VehicleDetectorOptions> vehicles;  // none: class "unknown", no colour
  int vehicle_every_n_frames = 2;                          // 1 = every frame
  std::vector<cv::Point2f> zone;       // polygon in [0,1] frame fractions; empty = whole frame
  std::vector<std::string> countries;  // expected plate countries ("uz", ...); empty = any
  TrackerOptions tracker;
  VoterOptions voter;
  // A track that never moved more than half a plate width (text on a wall, a parked car) is
  // not a passing vehicle; it is counted in suppressed_tracks() instead.
  bool report_stationary = false;
};

struct VehiclePass {
  std::int64_t track_id = 0;
  PlateVote vote;
  std::string direction;  // left_to_right, right_to_left, towards, away, stationary
  std::string vehicle_class = "unknown";
  std::string colour;
  // The best reading's frame (full resolution, shared, never modified) and plate.
  cv::Mat frame;
  std::int64_t frame_index = 0;
  WallTime captured_at;
  std::int64_t pts_us = 0;
  vision::PlateDetection plate;
  // The vehicle's crop source: the frame where the vehicle detector saw it best.
  cv::Mat vehicle_frame;
  cv::Rect2f vehicle_box;
  WallTime first_seen;
  WallTime last_seen;
};

struct FrameTiming {
  double plate_detect_ms = 0;
  double read_ms = 0;
  double vehicle_ms = 0;  // 0 on frames where the vehicle detector did not run
  double track_ms = 0;
};

class CameraPipeline {
 public:
  static Result<CameraPipeline> Create(PipelineOptions options);

  Result<std::vector<VehiclePass>> Process(const cv::Mat& frame_bgr, std::int64_t frame_index,
                                           std::int64_t pts_us, WallTime captured_at,
                                           FrameTiming* timing = nullptr);
  // End of stream: every live track is decided.
  std::vector<VehiclePass> Flush();

  std::size_t live_tracks() const { return tracks_.size(); }
  // Confirmed tracks that gave no read (too few agreeing reads, low confidence, stationary).
  std::int64_t suppressed_tracks() const { return suppressed_; }

 private:
  struct TrackData {
    PlateVoter voter;
    // The most confident reading of each distinct text, with its frame (a shared buffer):
    // only these frames are kept alive, not one per reading (6 MB each at 1080p).
    struct Best {
      double confidence = -1;
      cv::Mat frame;
      vision::PlateDetection plate;
      WallTime time;
      std::int64_t pts = 0;
      std::int64_t index = 0;
    };
    std::map<std::string, Best> best_by_text;
    WallTime first_time;
    WallTime last_time;
    std::map<std::string, double> class_votes;
    float vehicle_score = 0;
    cv::Mat vehicle_frame;
    cv::Rect2f vehicle_box;
    cv::Point2f first_centre;
    cv::Point2f last_centre;
    float plate_width = 0;
  };

  CameraPipeline(PipelineOptions options, vision::PlateRecognizer recognizer,
                 std::optional<vision::VehicleDetector> vehicles)
      : options_(std::move(options)),
        recognizer_(std::move(recognizer)),
        vehicles_(std::move(vehicles)),
        tracker_(options_.tracker) {}

  bool InZone(cv::Point2f centre, cv::Size frame) const;
  bool FitsExpected(const vision::PlateRead& read) const;
  std::optional<VehiclePass> Decide(std::int64_t track_id);
  void Collect(std::vector<VehiclePass>& out);

  PipelineOptions options_;
  vision::PlateRecognizer recognizer_;
  std::optional<vision::VehicleDetector> vehicles_;
  Tracker tracker_;
  std::map<std::int64_t, TrackData> tracks_;
  std::int64_t suppressed_ = 0;
  // The tracker steps in frame intervals of the capture clock, not frame indices: after a
  // stream drop the index continues but the vehicles moved on for the whole outage.
  std::int64_t tick_ = -1;
  WallTime last_capture_;
  double frame_interval_ms_ = 0;  // running estimate of the stream's frame interval
};

// Name of the dominant motion from `from` to `to` (pixels), given the plate width.
std::string DirectionOf(cv::Point2f from, cv::Point2f to, float plate_width);

}  // namespace safelane::camera
