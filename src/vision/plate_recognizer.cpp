#include "vision/plate_recognizer.h"

#include <fmt/format.h>

#include <chrono>

#include "vision/plate_text_ranker.h"

namespace safelane::vision {
namespace {

double MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

cv::Rect CropRect(const cv::Rect2f& box, cv::Size frame, float margin_x, float margin_y) {
  const float mx = box.width * margin_x;
  const float my = box.height * margin_y;
  const cv::Rect2f grown(box.x - mx, box.y - my, box.width + 2 * mx, box.height + 2 * my);
  const cv::Rect r(
      cv::Point(static_cast<int>(std::floor(grown.x)), static_cast<int>(std::floor(grown.y))),
      cv::Point(static_cast<int>(std::ceil(grown.br().x)),
                static_cast<int>(std::ceil(grown.br().y))));
  return r & cv::Rect({0, 0}, frame);
}

}  // namespace

Result<PlateRecognizer> PlateRecognizer::Create(RecognizerOptions options) {
  if (options.country != "auto" && PlateFormatCatalog::Builtin().Find(options.country) == nullptr) {
    std::string known;
    for (const auto& c : PlateFormatCatalog::Builtin().countries()) known += " " + c.country;
    return Error(ErrorCode::kBadConfig,
                 fmt::format("unknown country '{}' (known: auto{})", options.country, known));
  }
  const auto margin_ok = [](float m) { return m >= 0.0F && m <= 0.5F; };
  if (!margin_ok(options.crop_margin_x) || !margin_ok(options.crop_margin_y) ||
      !margin_ok(options.second_view_margin_x) || !margin_ok(options.second_view_margin_y)) {
    return Error(ErrorCode::kBadConfig, "crop margins must be within 0..0.5");
  }
  if (options.top_n < 1 || options.top_n > 20) {
    return Error(ErrorCode::kBadConfig, "top must be within 1..20");
  }
  auto detector = PlateDetector::LoadBuiltin(options.detector);
  if (!detector) return detector.error();
  auto reader = PlateReader::LoadBuiltin();
  if (!reader) return reader.error();
  return PlateRecognizer(std::move(options), std::move(detector).value(),
                         std::move(reader).value());
}

Result<std::vector<PlateRead>> PlateRecognizer::Recognize(const cv::Mat& frame_bgr,
                                                          RecognitionTiming* timing) {
  const auto t0 = std::chrono::steady_clock::now();
  auto detections = detector_.Detect(frame_bgr);
  if (!detections) return detections.error();
  const auto t1 = std::chrono::steady_clock::now();
  auto reads = ReadDetections(frame_bgr, *detections);
  if (timing != nullptr) {
    timing->detect_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    timing->read_ms = MsSince(t1);
  }
  return reads;
}

Result<PlateRead> PlateRecognizer::ReadCrop(const cv::Mat& crop_bgr) {
  if (crop_bgr.empty()) return Error(ErrorCode::kBadRequest, "empty plate crop");
  PlateDetection whole;
  whole.box =
      cv::Rect2f(0, 0, static_cast<float>(crop_bgr.cols), static_cast<float>(crop_bgr.rows));
  whole.corners = {whole.box.tl(), cv::Point2f(whole.box.br().x, whole.box.y), whole.box.br(),
                   cv::Point2f(whole.box.x, whole.box.br().y)};
  whole.score = 1.0F;
  // Margins would fall outside the crop; ReadDetections clips them to it.
  auto reads = ReadDetections(crop_bgr, {whole});
  if (!reads) return reads.error();
  return std::move(reads->front());
}

Result<std::vector<PlateRead>> PlateRecognizer::ReadDetections(
    const cv::Mat& frame_bgr, const std::vector<PlateDetection>& detections) {
  // Batch every crop (and mode) into one reader call: one network pass per frame.
  std::vector<cv::Mat> inputs;
  std::vector<std::pair<std::size_t, std::size_t>> input_range;  // per detection
  const auto add_view = [&](const cv::Rect& r) {
    const cv::Mat crop = frame_bgr(r);
    inputs.push_back(PrepareReaderInput(crop, ReadMode::kOneLine));
    if (static_cast<double>(r.width) / r.height < kOneLineOnlyAspect) {
      inputs.push_back(PrepareReaderInput(crop, ReadMode::kTwoLine));
    }
  };
  const bool second_view =
      options_.second_view_margin_x > 0.0F || options_.second_view_margin_y > 0.0F;
  for (const auto& d : detections) {
    const std::size_t first = inputs.size();
    const cv::Rect r =
        CropRect(d.box, frame_bgr.size(), options_.crop_margin_x, options_.crop_margin_y);
    if (r.width >= 2 && r.height >= 2) {
      add_view(r);
      // A second view clipped to the same pixels (a box at the frame's edges, ReadCrop)
      // would only repeat the first.
      const cv::Rect wide = CropRect(d.box, frame_bgr.size(), options_.second_view_margin_x,
                                     options_.second_view_margin_y);
      if (second_view && wide != r) add_view(wide);
    }
    input_range.emplace_back(first, inputs.size());
  }
  auto probs = reader_.Run(inputs);
  if (!probs) return probs.error();

  std::vector<PlateRead> reads;
  const auto& catalog = PlateFormatCatalog::Builtin();
  for (std::size_t i = 0; i < detections.size(); ++i) {
    const auto [first, last] = input_range[i];
    const std::vector<cv::Mat> modes(probs->begin() + static_cast<std::ptrdiff_t>(first),
                                     probs->begin() + static_cast<std::ptrdiff_t>(last));
    const TextChoice choice = ChoosePlateText(modes, catalog, options_.country, options_.top_n);
    // A plate with no readable character is still reported (text ""): an obscured plate
    // matters to enforcement, and hiding it would make a failure look like no plate.
    PlateRead read;
    read.text = choice.text;
    read.display = PlateFormatCatalog::Display(choice.format, choice.text);
    read.confidence = choice.confidence;
    read.detection = detections[i];
    read.country = choice.country != nullptr    ? choice.country->country
                   : options_.country != "auto" ? options_.country
                                                : "";
    read.format = choice.format != nullptr ? choice.format->id : "";
    read.candidates = choice.candidates;
    reads.push_back(std::move(read));
  }
  return reads;
}

}  // namespace safelane::vision
