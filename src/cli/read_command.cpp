// `safelane read`: reads the plates in still images, one result line per image.
// A bad image gives an error line for that image and a non-zero exit at the end; the
// other images are still read.

#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "cli/command.h"
#include "vision/image_decoder.h"
#include "vision/plate_recognizer.h"

namespace safelane::cli {
namespace {

using nlohmann::json;
using vision::PlateRead;

struct ReadArgs {
  std::vector<std::string> images;
  vision::RecognizerOptions options;
  bool json_output = false;
  int threads = 1;
};

double Round(double v, double unit) {
  return std::round(v / unit) * unit;
}

json PlateJson(const PlateRead& p) {
  const auto& d = p.detection;
  json corners = json::array();
  for (const auto& c : d.corners) corners.push_back({Round(c.x, 0.1), Round(c.y, 0.1)});
  json candidates = json::array();
  for (const auto& c : p.candidates) {
    candidates.push_back({{"text", c.text}, {"confidence", Round(c.confidence, 1e-4)}});
  }
  return {{"text", p.text},
          {"display", p.display},
          {"confidence", Round(p.confidence, 1e-4)},
          {"box",
           {std::lround(d.box.x), std::lround(d.box.y), std::lround(d.box.width),
            std::lround(d.box.height)}},
          {"corners", corners},
          {"detection_score", Round(d.score, 1e-4)},
          {"country", p.country},
          {"format", p.format},
          {"candidates", candidates}};
}

void PrintTableRow(const std::string& image, const PlateRead& p) {
  const auto& b = p.detection.box;
  std::cout << fmt::format("{:<40} {:<12} {:<16} {:>6.3f} {:<3} {:<16} {},{},{}x{}\n", image,
                           p.text.empty() ? "?" : p.text, p.display, p.confidence,
                           p.country.empty() ? "-" : p.country, p.format.empty() ? "-" : p.format,
                           std::lround(b.x), std::lround(b.y), std::lround(b.width),
                           std::lround(b.height));
}

int Run(const ReadArgs& args) {
  cv::setNumThreads(args.threads);
  auto recognizer = vision::PlateRecognizer::Create(args.options);
  if (!recognizer) {
    std::cerr << "safelane read: " << recognizer.error().message << "\n";
    return 2;
  }
  if (!args.json_output) {
    std::cout << fmt::format("{:<40} {:<12} {:<16} {:>6} {:<3} {:<16} {}\n", "IMAGE", "PLATE",
                             "DISPLAY", "CONF", "CC", "FORMAT", "BOX");
  }
  int failures = 0;
  for (const auto& image : args.images) {
    const auto start = std::chrono::steady_clock::now();
    auto frame = vision::ReadImageFile(image);
    const auto decoded = std::chrono::steady_clock::now();
    vision::RecognitionTiming timing;
    Result<std::vector<PlateRead>> plates = frame ? recognizer->Recognize(*frame, &timing)
                                                  : Result<std::vector<PlateRead>>(frame.error());
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!plates) {
      ++failures;
      const auto& e = plates.error();
      if (args.json_output) {
        std::cout << json{{"image", image},
                          {"error", {{"code", ErrorCodeName(e.code)}, {"message", e.message}}}}
                         .dump()
                  << "\n";
      } else {
        std::cout << fmt::format("{:<40} ERROR {}: {}\n", image, ErrorCodeName(e.code), e.message);
      }
      continue;
    }
    if (args.json_output) {
      json list = json::array();
      for (const auto& p : *plates) list.push_back(PlateJson(p));
      const double decode_ms = std::chrono::duration<double, std::milli>(decoded - start).count();
      std::cout << json{{"image", image},
                        {"ms", Round(ms, 0.01)},
                        {"timing",
                         {{"decode_ms", Round(decode_ms, 0.01)},
                          {"detect_ms", Round(timing.detect_ms, 0.01)},
                          {"read_ms", Round(timing.read_ms, 0.01)}}},
                        {"width", frame->cols},
                        {"height", frame->rows},
                        {"plates", list}}
                       .dump()
                << "\n";
    } else if (plates->empty()) {
      std::cout << fmt::format("{:<40} (no plate found)\n", image);
    } else {
      for (const auto& p : *plates) PrintTableRow(image, p);
    }
    std::cout.flush();
  }
  if (failures > 0) {
    std::cerr << fmt::format("safelane read: {} of {} images failed\n", failures,
                             args.images.size());
    return 1;
  }
  return 0;
}

}  // namespace

void RegisterReadCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ReadArgs>();
  auto* cmd = app.add_subcommand("read", "Find and read every licence plate in still images");
  cmd->add_option("--country", args->options.country, "Plate country: auto, uz, eu, us or br")
      ->default_val("auto");
  cmd->add_option("--top", args->options.top_n, "Text candidates per plate")
      ->check(CLI::Range(1, 20))
      ->default_val(5);
  cmd->add_flag("--json", args->json_output, "One JSON line per image");
  cmd->add_option("--threads", args->threads, "CPU threads for inference")
      ->check(CLI::Range(1, 64))
      ->default_val(1);
  cmd->add_option("--working-size", args->options.detector.working_size,
                  "Long side (px) the detector works at")
      ->check(CLI::Range(64, 4096))
      ->default_val(args->options.detector.working_size);
  cmd->add_option("--small-frame-size", args->options.detector.small_frame_size,
                  "Frames with a shorter long side (px) are enlarged to it, at most 2x")
      ->check(CLI::Range(64, 4096))
      ->default_val(args->options.detector.small_frame_size);
  cmd->add_option("--threshold", args->options.detector.threshold, "Minimum plate detection score")
      ->check(CLI::Range(0.01, 0.99))
      ->default_val(args->options.detector.threshold);
  // Still images get the second, wider view of each plate (docs/accuracy.md).
  args->options.second_view_margin_x = vision::kStillImageSecondView;
  args->options.second_view_margin_y = vision::kStillImageSecondView;
  cmd->add_option("images", args->images, "Image files (JPEG, PNG, BMP, WebP)")->required();
  cmd->callback([args, &exit_code] { exit_code = Run(*args); });
}

}  // namespace safelane::cli
