#pragma once
// Dominant colour of a vehicle crop, as one name of a small palette. Each pixel of the
// crop's central region (where the body panels are; the edges are mostly road and
// background) is classified in HSV: dark pixels are "black", unsaturated ones "white",
// "silver" or "grey" by brightness, the others by hue. The most common name wins.
// Checked against rendered colour patches and real photos in vehicle_colour_test.cpp.

#include <opencv2/core/mat.hpp>
#include <string>

namespace safelane::camera {

// One of: black, white, silver, grey, red, orange, yellow, green, blue, purple, brown.
// "" for an empty crop.
std::string DominantColour(const cv::Mat& vehicle_bgr);

}  // namespace safelane::camera
