// safelane-accuracy: measures the real engine (decode, detector, reader, formats) on a
// labelled set written by bench/make_labels.py or training/eval/make_uz_scenes.py.
//
//   safelane-accuracy [--country auto|uz|...] [--json] [--errors N] LABELS.jsonl
//
// Crop sets: exact-text rate (and top-N) of PlateRecognizer::ReadCrop.
// Scene sets: plate recall and precision at IoU >= 0.5, and the exact-text rate of the
// labelled plates that were found (end to end), broken down by plate width.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "second_view_flags.h"
#include "vision/image_decoder.h"
#include "vision/plate_recognizer.h"

namespace {

using nlohmann::json;
using safelane::vision::PlateRead;

struct Counts {
  int total = 0;
  int hit = 0;
  double rate() const { return total == 0 ? 0.0 : static_cast<double>(hit) / total; }
};

struct Tally {
  Counts exact;      // crops, or labelled plates found (end to end)
  Counts top_n;      // the truth among the candidates
  Counts recall;     // labelled boxes matched by a detection
  Counts precision;  // detections that match a labelled box
  std::map<std::string, Counts> recall_by_width;
  int image_errors = 0;
  std::vector<std::string> errors;
};

float Iou(const cv::Rect2f& a, const cv::Rect2f& b) {
  const float inter = (a & b).area();
  const float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.0F;
}

std::string WidthBin(float w) {
  if (w < 32) return "<32px";
  if (w < 64) return "32-64px";
  if (w < 128) return "64-128px";
  return ">=128px";
}

std::filesystem::path Resolve(const std::filesystem::path& labels, const std::string& image) {
  const std::filesystem::path p(image);
  return p.is_absolute() ? p : labels.parent_path() / p;
}

void ScoreText(Tally& t, const std::string& truth, const PlateRead& read, const std::string& where,
               int max_errors) {
  ++t.exact.total;
  ++t.top_n.total;
  if (read.text == truth) ++t.exact.hit;
  if (std::any_of(read.candidates.begin(), read.candidates.end(),
                  [&](const auto& c) { return c.text == truth; })) {
    ++t.top_n.hit;
  }
  if (read.text != truth && static_cast<int>(t.errors.size()) < max_errors) {
    t.errors.push_back(
        fmt::format("{}: truth {} read {} ({:.3f})", where, truth, read.text, read.confidence));
  }
}

void ScoreScene(Tally& t, const json& line, const std::vector<PlateRead>& reads,
                const std::string& where, int max_errors) {
  std::vector<bool> used(reads.size(), false);
  for (const auto& plate : line.at("plates")) {
    const auto& b = plate.at("box");
    const cv::Rect2f truth(b[0].get<float>(), b[1].get<float>(), b[2].get<float>(),
                           b[3].get<float>());
    int best = -1;
    float best_iou = 0.5F;
    for (std::size_t i = 0; i < reads.size(); ++i) {
      const float iou = Iou(truth, reads[i].detection.box);
      if (!used[i] && iou >= best_iou) {
        best = static_cast<int>(i);
        best_iou = iou;
      }
    }
    ++t.recall.total;
    auto& bin = t.recall_by_width[WidthBin(truth.width)];
    ++bin.total;
    if (best >= 0) {
      used[static_cast<std::size_t>(best)] = true;
      ++t.recall.hit;
      ++bin.hit;
    }
    const bool has_text = plate.contains("text") && plate.at("text").is_string();
    if (has_text) {
      const auto text = plate.at("text").get<std::string>();
      if (best >= 0) {
        ScoreText(t, text, reads[static_cast<std::size_t>(best)], where, max_errors);
      } else {
        ++t.exact.total;  // a missed plate is a missed read
        ++t.top_n.total;
        if (static_cast<int>(t.errors.size()) < max_errors) {
          t.errors.push_back(fmt::format("{}: plate {} not detected", where, text));
        }
      }
    }
  }
  t.precision.total += static_cast<int>(reads.size());
  t.precision.hit += static_cast<int>(std::count(used.begin(), used.end(), true));
}

json CountsJson(const Counts& c) {
  return {{"hit", c.hit}, {"total", c.total}, {"rate", c.rate()}};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Measure SafeLane's accuracy on a labelled set"};
  std::string labels_path;
  safelane::vision::RecognizerOptions options;
  bool as_json = false;
  int max_errors = 20;
  app.add_option("labels", labels_path, "labels.jsonl")->required()->check(CLI::ExistingFile);
  app.add_option("--country", options.country, "auto or a country code")->default_val("auto");
  app.add_option("--threshold", options.detector.threshold, "detection threshold")
      ->default_val(options.detector.threshold);
  app.add_option("--small-frame-size", options.detector.small_frame_size,
                 "small frames are enlarged to this long side (px, at most 2x)")
      ->default_val(options.detector.small_frame_size);
  app.add_option("--margin-x", options.crop_margin_x, "crop margin, fraction of box width")
      ->default_val(options.crop_margin_x);
  app.add_option("--margin-y", options.crop_margin_y, "crop margin, fraction of box height")
      ->default_val(options.crop_margin_y);
  safelane::bench::AddSecondViewFlags(app, options);
  app.add_option("--errors", max_errors, "misreads to list")->default_val(20);
  app.add_flag("--json", as_json, "print the result as JSON");
  CLI11_PARSE(app, argc, argv);

  cv::setNumThreads(1);
  auto recognizer = safelane::vision::PlateRecognizer::Create(options);
  if (!recognizer) {
    std::cerr << recognizer.error().message << "\n";
    return 2;
  }
  Tally t;
  bool crops = false;
  std::ifstream in(labels_path);
  std::string text;
  while (std::getline(in, text)) {
    if (text.empty()) continue;
    const json line = json::parse(text);
    const auto path = Resolve(labels_path, line.at("image").get<std::string>());
    auto image = safelane::vision::ReadImageFile(path);
    if (!image) {
      ++t.image_errors;
      std::cerr << image.error().message << "\n";
      continue;
    }
    const std::string where = path.filename().string();
    if (line.value("crop", false)) {
      crops = true;
      auto read = recognizer->ReadCrop(*image);
      if (!read) {
        ++t.image_errors;
        continue;
      }
      ScoreText(t, line.at("text").get<std::string>(), *read, where, max_errors);
    } else {
      auto reads = recognizer->Recognize(*image);
      if (!reads) {
        ++t.image_errors;
        continue;
      }
      ScoreScene(t, line, *reads, where, max_errors);
    }
  }

  json out{{"labels", labels_path},
           {"country", options.country},
           {"image_errors", t.image_errors},
           {"exact_text", CountsJson(t.exact)},
           {"text_in_top_n", CountsJson(t.top_n)}};
  if (!crops) {
    out["recall"] = CountsJson(t.recall);
    out["precision"] = CountsJson(t.precision);
    for (const auto& [bin, c] : t.recall_by_width) out["recall_by_width"][bin] = CountsJson(c);
  }
  out["errors"] = t.errors;
  if (as_json) {
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << fmt::format(
        "{}\n  exact text      {:6.2f} %  ({}/{})\n  text in top-{}   {:6.2f} %\n", labels_path,
        100 * t.exact.rate(), t.exact.hit, t.exact.total, options.top_n, 100 * t.top_n.rate());
    if (!crops) {
      std::cout << fmt::format(
          "  plate recall    {:6.2f} %  ({}/{})\n  plate precision {:6.2f} %  ({}/{})\n",
          100 * t.recall.rate(), t.recall.hit, t.recall.total, 100 * t.precision.rate(),
          t.precision.hit, t.precision.total);
      for (const auto& [bin, c] : t.recall_by_width) {
        std::cout << fmt::format("    recall {:<9} {:6.2f} %  ({}/{})\n", bin, 100 * c.rate(),
                                 c.hit, c.total);
      }
    }
    for (const auto& e : t.errors) std::cout << "  - " << e << "\n";
  }
  return t.image_errors == 0 ? 0 : 1;
}
