#pragma once
// PlateRecognizer: the still-image engine. A decoded frame -> every plate in it, read.
//
//   frame --PlateDetector--> boxes at working size, mapped to full resolution
//         --crop (full resolution, small margin)--> PlateReader (one- and/or two-line)
//         --ChoosePlateText (CTC beam + country formats)--> PlateRead
//
// Errors (a model that fails to run) come back as Error values, never as "no plate".
// Not thread-safe: one PlateRecognizer per thread.

#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "vision/plate_detector.h"
#include "vision/plate_format_catalog.h"
#include "vision/plate_reader.h"
#include "vision/plate_types.h"

namespace safelane::vision {

struct RecognizerOptions {
  std::string country = "auto";  // "auto" or a code in the format catalog
  int top_n = 5;                 // candidates reported per plate, 1..20
  // Margin added on each side of a detected box before reading, as a fraction of the
  // box's width (left/right) and height (top/bottom), 0..0.5. It depends on how the
  // detector sizes its boxes: re-choose it on validation scenes whenever the detector
  // changes (docs/accuracy.md). The reader is trained on the detector's own tight crops,
  // so none is added.
  float crop_margin_x = 0.0F;
  float crop_margin_y = 0.0F;
  // A second view of each plate, cut with these wider margins (0 = no second view), read
  // beside the first: the text best explained by either view (probability x format fit)
  // wins. It recovers plates whose box cuts an edge character without shifting the reader
  // off the tight crops it was trained on (a wider single crop lost 2-12 points). Off by
  // default: still-image reading turns it on with kStillImageSecondView; the camera
  // pipeline keeps it off (with it, its test video gave one extra junk read, "A").
  float second_view_margin_x = 0.0F;
  float second_view_margin_y = 0.0F;
  DetectorOptions detector;
};

struct RecognitionTiming {
  double detect_ms = 0.0;
  double read_ms = 0.0;  // preparation, reader network and decoding, all plates
};

class PlateRecognizer {
 public:
  static Result<PlateRecognizer> Create(RecognizerOptions options);

  Result<std::vector<PlateRead>> Recognize(const cv::Mat& frame_bgr,
                                           RecognitionTiming* timing = nullptr);

  // Reads an already cropped plate (the box is the whole crop).
  Result<PlateRead> ReadCrop(const cv::Mat& crop_bgr);

  // Recognize in two steps, so a caller (the camera pipeline) can drop detections it does
  // not need read (outside its detection zone, a vehicle already read) before paying for it.
  Result<std::vector<PlateDetection>> Detect(const cv::Mat& frame_bgr) {
    return detector_.Detect(frame_bgr);
  }
  Result<std::vector<PlateRead>> ReadDetections(const cv::Mat& frame_bgr,
                                                const std::vector<PlateDetection>& detections);

 private:
  PlateRecognizer(RecognizerOptions options, PlateDetector detector, PlateReader reader)
      : options_(std::move(options)), detector_(std::move(detector)), reader_(std::move(reader)) {}

  RecognizerOptions options_;
  PlateDetector detector_;
  PlateReader reader_;
};

// Second-view margin (x and y) for still images, chosen on Uzbek validation scenes (seed
// 777): exact text 65.0 -> 70.1 % (docs/accuracy.md). Costs one more reader pass a plate.
inline constexpr float kStillImageSecondView = 0.04F;

// Crops with w/h at or above this are read in one-line mode only; narrower ones in both.
inline constexpr double kOneLineOnlyAspect = 2.6;

}  // namespace safelane::vision
