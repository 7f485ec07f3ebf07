#include "vision/plate_reader.h"

#include <fmt/format.h>

#include <opencv2/imgproc.hpp>

extern "C" {
extern const unsigned char safelane_model_reader[];
extern const unsigned long safelane_model_reader_size;
}

namespace safelane::vision {
namespace {

cv::Mat ResizeGrey(const cv::Mat& grey, cv::Size size) {
  cv::Mat out;
  const bool shrinking = grey.cols > size.width || grey.rows > size.height;
  cv::resize(grey, out, size, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

}  // namespace

cv::Mat PrepareReaderInput(const cv::Mat& crop_bgr, ReadMode mode) {
  cv::Mat grey;
  if (crop_bgr.channels() == 1) {
    grey = crop_bgr;
  } else {
    cv::cvtColor(crop_bgr, grey, cv::COLOR_BGR2GRAY);
  }
  constexpr int kW = PlateReader::kInputWidth;
  constexpr int kH = PlateReader::kInputHeight;
  cv::Mat input;
  if (mode == ReadMode::kOneLine) {
    input = ResizeGrey(grey, {kW, kH});
  } else {
    const int h = grey.rows;
    const int top_end = std::max(1, static_cast<int>(std::lround(0.55 * h)));
    const int bottom_start = std::min(h - 1, static_cast<int>(std::lround(0.45 * h)));
    const cv::Mat top = ResizeGrey(grey.rowRange(0, top_end), {kW / 2, kH});
    const cv::Mat bottom = ResizeGrey(grey.rowRange(bottom_start, h), {kW / 2, kH});
    cv::hconcat(top, bottom, input);
  }
  cv::Mat as_float;
  input.convertTo(as_float, CV_32F, 1.0 / 255.0);
  return as_float;
}

Result<PlateReader> PlateReader::Load(std::span<const std::uint8_t> onnx) {
  try {
    auto net = cv::dnn::readNetFromONNX(reinterpret_cast<const char*>(onnx.data()), onnx.size());
    if (net.empty()) return Error(ErrorCode::kModel, "plate reader: empty network");
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    return PlateReader(net);
  } catch (const cv::Exception& e) {
    return Error(ErrorCode::kModel, std::string("plate reader: ") + e.what());
  }
}

Result<PlateReader> PlateReader::LoadBuiltin() {
  return Load({safelane_model_reader, safelane_model_reader_size});
}

Result<std::vector<cv::Mat>> PlateReader::Run(const std::vector<cv::Mat>& inputs) {
  std::vector<cv::Mat> out;
  if (inputs.empty()) return out;
  try {
    const cv::Mat blob = cv::dnn::blobFromImages(inputs);  // N x 1 x 32 x 128
    net_.setInput(blob, "crop");
    const cv::Mat probs = net_.forward("probs");
    const int expected_classes = static_cast<int>(kAlphabet.size()) + 1;
    if (probs.dims != 3 || probs.size[0] != static_cast<int>(inputs.size()) ||
        probs.size[2] != expected_classes) {
      return Error(ErrorCode::kModel,
                   fmt::format("plate reader: unexpected output shape ({} dims)", probs.dims));
    }
    const int steps = probs.size[1];
    for (int n = 0; n < probs.size[0]; ++n) {
      const cv::Mat one(steps, expected_classes, CV_32F, const_cast<float*>(probs.ptr<float>(n)));
      out.push_back(one.clone());
    }
  } catch (const cv::Exception& e) {
    return Error(ErrorCode::kModel, std::string("plate reader: ") + e.what());
  }
  return out;
}

}  // namespace safelane::vision
