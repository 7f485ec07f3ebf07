#pragma once
// PlateReader: plate crops -> per-time-step character probabilities, with the
// project's CNN+CTC model (models/plate_reader.onnx, contract in
// docs/model-contracts.md section 3). Decoding and format choice happen elsewhere
// (ctc_decoder.h, plate_text_ranker.h).
//
// Not thread-safe: one PlateReader per thread (the dnn::Net keeps state between calls).

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <opencv2/dnn/dnn.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace safelane::vision {

enum class ReadMode { kOneLine, kTwoLine };

// The reader's input: 32x128 CV_32F grey in [0, 1], prepared as the contract says.
cv::Mat PrepareReaderInput(const cv::Mat& crop_bgr, ReadMode mode);

class PlateReader {
 public:
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  static constexpr int kInputHeight = 32;
  static constexpr int kInputWidth = 128;

  static Result<PlateReader> Load(std::span<const std::uint8_t> onnx);
  static Result<PlateReader> LoadBuiltin();

  // One T x (alphabet + 1) CV_32F probability matrix per prepared input.
  Result<std::vector<cv::Mat>> Run(const std::vector<cv::Mat>& inputs);

 private:
  // cv::dnn::Net is a reference-counted handle; copying it shares the network.
  explicit PlateReader(const cv::dnn::Net& net) : net_(net) {}
  cv::dnn::Net net_;
};

}  // namespace safelane::vision
