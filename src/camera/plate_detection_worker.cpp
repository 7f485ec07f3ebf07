#include "camera/plate_detection_worker.h"

#include <chrono>
#include <utility>

namespace safelane::camera {

Result<std::unique_ptr<PlateDetectionWorker>> PlateDetectionWorker::Start(
    const vision::DetectorOptions& options) {
  auto detector = vision::PlateDetector::LoadBuiltin(options);
  if (!detector) return detector.error();
  return std::unique_ptr<PlateDetectionWorker>(new PlateDetectionWorker(std::move(*detector)));
}

PlateDetectionWorker::PlateDetectionWorker(vision::PlateDetector detector)
    : detector_(std::move(detector)), thread_([this] { Run(); }) {}

PlateDetectionWorker::~PlateDetectionWorker() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  job_ready_.notify_one();
  thread_.join();
}

Result<Done> PlateDetectionWorker::Submit(const cv::Mat& frame_bgr) {
  if (in_flight_) {
    return Error(ErrorCode::kBadRequest, "plate detection worker: the last frame was not taken");
  }
  if (frame_bgr.empty()) return Error(ErrorCode::kBadImage, "plate detection worker: empty frame");
  {
    std::lock_guard lock(mutex_);
    job_ = frame_bgr;
  }
  in_flight_ = true;
  job_ready_.notify_one();
  return Done{};
}

Result<PlateDetectionWorker::Detected> PlateDetectionWorker::Take() {
  if (!in_flight_) {
    return Error(ErrorCode::kBadRequest, "plate detection worker: no frame in flight");
  }
  std::unique_lock lock(mutex_);
  result_ready_.wait(lock, [&] { return result_.has_value(); });
  Result<Detected> out = std::move(*result_);
  result_.reset();
  in_flight_ = false;
  return out;
}

void PlateDetectionWorker::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    job_ready_.wait(lock, [&] { return stop_ || !job_.empty(); });
    if (stop_) return;
    cv::Mat frame = std::move(job_);
    job_.release();
    lock.unlock();
    const auto t0 = std::chrono::steady_clock::now();
    auto found = detector_.Detect(frame);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    frame.release();  // before the result is published (see header)
    lock.lock();
    if (found) {
      result_.emplace(Detected{std::move(*found), ms});
    } else {
      result_.emplace(found.error());
    }
    result_ready_.notify_one();
  }
}

}  // namespace safelane::camera
