#pragma once
// CameraPipeline: decoded frames in, ONE VehiclePass out per vehicle that passes.
//
//   frame --PlateRecognizer::Detect (at working size)--> plate boxes
//         --detection zone: boxes whose centre is outside are dropped, never read
//         --a box that a live track's prediction holds (IoU >= skip_read_iou) is not read
//           when that track's vote is settled (settle_reads agreeing confident readings
//           of a format-fitting text) or it is stationary (background text, a parked car)
//         --PlateRecognizer::ReadDetections (full resolution)--> texts
//         --every n-th frame: VehicleDetector--> vehicles; a plate belongs to the smallest
//           vehicle box that contains its centre (class, colour, vehicle crop)
//         --Tracker (alpha-beta + IoU / similar text / appearance)--> per-track PlateVoter
//   a confirmed track that ends --PlateVoter--> VehiclePass (best text, confidence, frames
//   that agreed, direction of travel, class, colour, the best frame and crops' sources)
//
// Errors from the models come back as Error values (the frame is not silently skipped).
// Not thread-safe: one pipeline per camera thread.
//
// Threads (PipelineOptions::threads): with 1 everything runs on the caller's thread. With 2
// the plates of frame N+1 are detected on a worker thread (plate_detection_worker.h) while
// the caller's thread reads, detects vehicles in and tracks frame N: the one stage that
// needs no tracker state runs one frame ahead. Results are the same as with 1 (the same
// boxes, read and tracked in the same order); only their timing moves: Process(frame N+1)
// returns what frame N completed, and Flush() completes the last frame handed over.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <string>
#include <vector>

#include "camera/lane.h"
#include "camera/plate_detection_worker.h"
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
  int vehicle_every_n_frames = 4;  // of the frames processed; 1 = every frame
  // Plates are detected, read and tracked on every n-th frame only; the tracker predicts
  // across the frames in between (it steps by capture time). Fewer votes per vehicle, and
  // at 2 a seventh read on the test video (docs/performance.md): off by default. Vehicles
  // are detected only on frames that are processed.
  int plate_every_n_frames = 1;
  std::vector<cv::Point2f> zone;       // polygon in [0,1] frame fractions; empty = whole frame
  std::vector<std::string> countries;  // expected plate countries ("uz", ...); empty = any
  std::vector<Lane> lanes;             // empty: every read's lane is unknown ("")
  TrackerOptions tracker;
  VoterOptions voter;
  // Reading stops for a track once one text has this many readings that fit a format
  // with at least settle_confidence (0 = read every frame): a later reading could change
  // the winner only by outvoting those, and each costs a reader pass.
  int settle_reads = 6;
  double settle_confidence = 0.6;
  float skip_read_iou = 0.3F;  // how surely a box must be a settled track's to skip reading
  // A track seen this many times without moving half a plate width is background (a sign,
  // a parked car) and is read no more until it moves.
  int stationary_after = 25;
  // A track that never moved more than half a plate width (text on a wall, a parked car) is
  // not a passing vehicle; it is counted in suppressed_tracks() instead.
  bool report_stationary = false;
  // Full-resolution frames a track keeps for its evidence (6 MB each at 1080p, 25 MB at
  // 2160p): those of the best reading of its max_frames_per_track leading texts. A winner
  // whose frame was let go (it led nowhere when it was read) gets the best kept frame.
  int max_frames_per_track = 2;
  // 1 or 2 (see the header comment): 2 uses a second core for plate detection.
  int threads = 1;
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
  // Where the plate was first and last seen (frame pixels) and its widest box: what the
  // duplicate window (duplicate_read_window.h) compares two passes by.
  cv::Point2f first_centre;
  cv::Point2f last_centre;
  float plate_width = 0;
  std::string lane;  // lane.h; "" = unknown
};

struct FrameTiming {
  double plate_detect_ms = 0;
  double read_ms = 0;
  int plates_found = 0;   // boxes the detector found in the zone
  int plates_read = 0;    // of them, read (the others belonged to settled/stationary tracks)
  double vehicle_ms = 0;  // 0 on frames where the vehicle detector did not run
  double track_ms = 0;
};

class CameraPipeline {
 public:
  static Result<CameraPipeline> Create(PipelineOptions options);

  // The passes that ended with this frame (threads = 2: with the frame handed over before
  // it; `timing` is that frame's too, and an Error is that frame's, which is then skipped).
  Result<std::vector<VehiclePass>> Process(const cv::Mat& frame_bgr, std::int64_t frame_index,
                                           std::int64_t pts_us, WallTime captured_at,
                                           FrameTiming* timing = nullptr);
  // End of stream (or of a stream session): the frame still in flight (threads = 2) is
  // completed, then every live track is decided. That frame's timing goes to `timing` and,
  // if it failed, its Error to `frame_error` (its passes are lost, as a failed Process's).
  std::vector<VehiclePass> Flush(FrameTiming* timing = nullptr,
                                 std::optional<Error>* frame_error = nullptr);
  // Runs each model once on a blank frame of `size`, changing no state: the first forward
  // pass of a network costs about a second (buffers allocated), and a live stream would
  // drop the frames that arrive meanwhile. Call it before the first frame.
  Result<Done> WarmUp(cv::Size size);

  std::size_t live_tracks() const { return tracks_.size(); }
  // Confirmed tracks that gave no read (too few agreeing reads, low confidence, stationary).
  std::int64_t suppressed_tracks() const { return suppressed_; }

 private:
  struct TrackData {
    PlateVoter voter;
    std::map<std::string, int> confident_reads;  // per text: fitting, >= settle_confidence
    bool settled = false;
    int sightings = 0;
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
    std::map<std::string, double> weight_by_text;  // vote weight so far (see PlateVoter)
    WallTime first_time;
    WallTime last_time;
    std::map<std::string, double> class_votes;
    std::map<std::string, int> lane_votes;  // sightings per lane id
    float vehicle_score = 0;
    cv::Mat vehicle_frame;
    cv::Rect2f vehicle_box;
    cv::Point2f first_centre;
    cv::Point2f last_centre;
    float plate_width = 0;
  };

  // A frame handed over whose plates are (being) detected.
  struct FrameIn {
    cv::Mat frame;
    std::int64_t index = 0;
    std::int64_t pts_us = 0;
    WallTime captured_at;
  };

  CameraPipeline(PipelineOptions options, vision::PlateRecognizer recognizer,
                 std::optional<vision::VehicleDetector> vehicles,
                 std::unique_ptr<PlateDetectionWorker> worker)
      : options_(std::move(options)),
        recognizer_(std::move(recognizer)),
        vehicles_(std::move(vehicles)),
        worker_(std::move(worker)),
        tracker_(options_.tracker) {}

  // Everything after plate detection: zone, reading, vehicles, tracking, voting.
  Result<std::vector<VehiclePass>> Complete(const FrameIn& in,
                                            const std::vector<vision::PlateDetection>& found,
                                            FrameTiming& timing);

  bool InZone(cv::Point2f centre, cv::Size frame) const;
  bool FitsExpected(const vision::PlateRead& read) const;
  bool NeedsNoRead(const TrackData& t) const;
  void KeepLeadingFrames(TrackData& t) const;
  void AdvanceTick(WallTime captured_at, std::int64_t frame_index);
  std::optional<VehiclePass> Decide(std::int64_t track_id);
  void Collect(std::vector<VehiclePass>& out);

  PipelineOptions options_;
  vision::PlateRecognizer recognizer_;
  std::optional<vision::VehicleDetector> vehicles_;
  std::unique_ptr<PlateDetectionWorker> worker_;  // threads = 2 only
  std::optional<FrameIn> in_flight_;              // handed to worker_, not yet completed
  Tracker tracker_;
  std::map<std::int64_t, TrackData> tracks_;
  std::int64_t suppressed_ = 0;
  // The tracker steps in frame intervals of the capture clock, not frame indices: after a
  // stream drop the index continues but the vehicles moved on for the whole outage.
  std::int64_t tick_ = -1;
  WallTime last_capture_;
  std::int64_t last_index_ = 0;   // the stream's frame index of the last processed frame
  std::int64_t processed_ = 0;    // frames whose plates were detected (vehicle_every_n_frames)
  double frame_interval_ms_ = 0;  // running estimate of the stream's frame interval
};

// Name of the dominant motion from `from` to `to` (pixels), given the plate width.
std::string DirectionOf(cv::Point2f from, cv::Point2f to, float plate_width);

}  // namespace safelane::camera
