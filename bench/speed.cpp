// safelane-bench-read: single-thread speed of the still-image engine, per stage.
//
//   safelane-bench-read [--repeat N] [--threads 1] [--json] FRAMES/labels.jsonl
//
// For every group of frames (resolution x plate count, from bench/make_speed_frames.py)
// it reports the median milliseconds of JPEG decode, detection and reading, and the
// engine time (detection + reading) as a ratio to the JPEG decode of the same frames,
// measured in the same run: a yardstick that travels between machines better than ms.

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <thread>

#include "second_view_flags.h"
#include "vision/image_decoder.h"
#include "vision/plate_recognizer.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

struct Samples {
  std::vector<double> decode, detect, read, total;
  int plates_found = 0;
  int plates_expected = 0;
  int frames = 0;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Time the still-image engine per stage"};
  std::string labels_path;
  int repeat = 10;
  int threads = 1;
  bool as_json = false;
  safelane::vision::RecognizerOptions options;
  app.add_option("labels", labels_path, "labels.jsonl of bench frames")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--repeat", repeat, "timed runs per frame")->default_val(10);
  app.add_option("--threads", threads, "inference threads")->default_val(1);
  safelane::bench::AddSecondViewFlags(app, options);
  app.add_flag("--json", as_json, "print JSON");
  CLI11_PARSE(app, argc, argv);

  cv::setNumThreads(threads);
  auto recognizer = safelane::vision::PlateRecognizer::Create(options);
  if (!recognizer) {
    std::cerr << recognizer.error().message << "\n";
    return 2;
  }
  std::map<std::string, Samples> groups;
  std::vector<std::string> order;
  std::ifstream in(labels_path);
  std::string text;
  while (std::getline(in, text)) {
    if (text.empty()) continue;
    const json line = json::parse(text);
    const auto path =
        std::filesystem::path(labels_path).parent_path() / line.at("image").get<std::string>();
    std::ifstream file(path, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                                          std::istreambuf_iterator<char>());
    const std::string group = line.value("group", "all");
    if (!groups.contains(group)) order.push_back(group);
    auto& s = groups[group];
    ++s.frames;
    s.plates_expected += static_cast<int>(line.at("plates").size());
    for (int r = -1; r < repeat; ++r) {  // r = -1 warms caches and is not timed
      const auto t0 = Clock::now();
      auto frame = safelane::vision::DecodeImage(bytes);
      const auto t1 = Clock::now();
      if (!frame) {
        std::cerr << path << ": " << frame.error().message << "\n";
        return 1;
      }
      safelane::vision::RecognitionTiming timing;
      auto reads = recognizer->Recognize(*frame, &timing);
      const auto t2 = Clock::now();
      if (!reads) {
        std::cerr << path << ": " << reads.error().message << "\n";
        return 1;
      }
      if (r < 0) {
        s.plates_found += static_cast<int>(reads->size());
        continue;
      }
      s.decode.push_back(Ms(t0, t1));
      s.detect.push_back(timing.detect_ms);
      s.read.push_back(timing.read_ms);
      s.total.push_back(Ms(t1, t2));
    }
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  utsname host{};
  uname(&host);
  json out{{"machine", fmt::format("{} ({} hardware threads), {}", CpuModel(),
                                   std::thread::hardware_concurrency(), host.release)},
           {"threads", threads},
           {"repeat", repeat},
           {"peak_rss_mb", static_cast<double>(usage.ru_maxrss) / 1024.0},
           {"groups", json::array()}};
  for (const auto& g : order) {
    const auto& s = groups[g];
    const double decode = Median(s.decode);
    const double engine = Median(s.total);
    out["groups"].push_back({{"group", g},
                             {"frames", s.frames},
                             {"plates_expected", s.plates_expected},
                             {"plates_found", s.plates_found},
                             {"decode_ms", decode},
                             {"detect_ms", Median(s.detect)},
                             {"read_ms", Median(s.read)},
                             {"engine_ms", engine},
                             {"engine_over_decode", decode > 0 ? engine / decode : 0.0}});
  }
  if (as_json) {
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format(
      "machine: {}\nthreads: {}, {} timed runs per frame, peak RSS {:.0f} MB\n\n",
      out["machine"].get<std::string>(), threads, repeat, out["peak_rss_mb"].get<double>());
  std::cout << fmt::format("{:<24} {:>9} {:>9} {:>9} {:>10} {:>14} {:>8}\n", "frames", "decode",
                           "detect", "read", "engine", "engine/decode", "found");
  for (const auto& g : out["groups"]) {
    std::cout << fmt::format(
        "{:<24} {:>7.2f}ms {:>7.2f}ms {:>7.2f}ms {:>8.2f}ms {:>14.2f} {:>4}/{}\n",
        g["group"].get<std::string>(), g["decode_ms"].get<double>(), g["detect_ms"].get<double>(),
        g["read_ms"].get<double>(), g["engine_ms"].get<double>(),
        g["engine_over_decode"].get<double>(), g["plates_found"].get<int>(),
        g["plates_expected"].get<int>());
  }
  return 0;
}
