#pragma once
// PlateDetectionWorker: plate detection of one frame on a thread of its own, so that a
// camera pipeline can read and track frame N on its own thread while the plates of frame
// N+1 are being found (CameraPipeline with PipelineOptions::threads = 2).
//
//   Submit(frame) --worker thread: PlateDetector::Detect--> Take() (waits for it)
//
// One frame at a time: Submit, then Take, then the next Submit. The worker owns its own
// PlateDetector (a detector is not thread-safe) loaded from the same model and options as
// the pipeline's, so it finds exactly the boxes the pipeline's own would. It reads the
// frame and never writes it; it lets go of the frame before Take() returns, so a frame
// buffer the decoder wants to reuse is not held by the worker longer than the pipeline.
// Errors of the model come back from Take() as the Error value, never as "no plate".
// Thread-safety: Submit, Take and WarmUp are called from one thread (the pipeline's owner).
// The destructor stops and joins the thread (waiting for a detection in progress).

#include <condition_variable>
#include <memory>
#include <mutex>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

#include "core/result.h"
#include "vision/plate_detector.h"

namespace safelane::camera {

using Done = std::monostate;  // the value of an operation that returns nothing

class PlateDetectionWorker {
 public:
  struct Detected {
    std::vector<vision::PlateDetection> boxes;
    double ms = 0;  // wall time of Detect on the worker thread
  };

  // Loads the built-in plate detector (kModel, kBadConfig as PlateDetector::LoadBuiltin)
  // and starts the thread.
  static Result<std::unique_ptr<PlateDetectionWorker>> Start(
      const vision::DetectorOptions& options);

  PlateDetectionWorker(const PlateDetectionWorker&) = delete;
  PlateDetectionWorker& operator=(const PlateDetectionWorker&) = delete;
  ~PlateDetectionWorker();

  // Hands over a frame (shared, never modified). kBadRequest if the last one was not taken.
  Result<Done> Submit(const cv::Mat& frame_bgr);
  // Waits for the boxes of the frame handed over last: the detector's Error if it failed,
  // kBadRequest if no frame is in flight.
  Result<Detected> Take();
  bool busy() const { return in_flight_; }

 private:
  explicit PlateDetectionWorker(vision::PlateDetector detector);
  void Run();

  vision::PlateDetector detector_;  // used only on thread_
  std::mutex mutex_;
  std::condition_variable job_ready_;
  std::condition_variable result_ready_;
  cv::Mat job_;                             // guarded by mutex_: the frame to detect in
  std::optional<Result<Detected>> result_;  // guarded by mutex_
  bool stop_ = false;                       // guarded by mutex_
  bool in_flight_ = false;                  // the owner's thread only
  std::thread thread_;                      // last: started once everything above exists
};

}  // namespace safelane::camera
