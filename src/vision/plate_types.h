#pragma once
// Immutable values passed between the vision stages.

#include <array>
#include <opencv2/core/types.hpp>
#include <string>
#include <vector>

namespace safelane::vision {

using Quad = std::array<cv::Point2f, 4>;  // TL, TR, BR, BL in frame pixels

struct PlateDetection {
  cv::Rect2f box;  // axis-aligned, frame pixels
  Quad corners;
  float score;  // detector confidence in [0, 1]
};

struct TextCandidate {
  std::string text;   // upper case, no spaces
  double confidence;  // P(text | crop) from the reader, in [0, 1]
};

struct PlateRead {
  std::string text;
  std::string display;  // text laid out as on the plate ("01 A 123 BC")
  double confidence = 0.0;
  PlateDetection detection;
  std::string country;                    // "uz", "eu", "us", "br"; empty when no known format fits
  std::string format;                     // format id, e.g. "uz-private"; empty when none fits
  std::vector<TextCandidate> candidates;  // best first, `text` first among them
};

}  // namespace safelane::vision
