// safelane-bench-decode: decode-only throughput of the camera input (src/video), BGR
// conversion included, for one H.264 file at a time.
//
//   safelane-bench-decode [--threads N] [--repeat R] [--memory] VIDEO.mp4...
//
// Each file is replayed as fast as possible through CameraStream (demux -> packet ring ->
// decode -> BGR -> frame queue), exactly as the camera node receives frames; the consumer
// only takes them. Reported per file: frames/s and ms/frame over wall time (median of R
// runs), CPU ms/frame (user + system of the process, which is what a shared core pays),
// the reader thread's wall ms/frame inside libavcodec and inside swscale (StreamHealth),
// and memory: the ring's bytes per second of video, the BGR frame size, and the process's
// peak resident memory.

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "video/camera_stream.h"

namespace {

using Clock = std::chrono::steady_clock;

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Resident memory now (not the peak), from /proc/self/statm.
double RssMb() {
  std::ifstream in("/proc/self/statm");
  long pages_total = 0;
  long pages_resident = 0;
  in >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1e6;
}

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

struct Run {
  std::int64_t frames = 0;
  double wall_s = 0;
  double cpu_s = 0;
  int width = 0;
  int height = 0;
  std::int64_t ring_bytes = 0;
  double ring_seconds = 0;
  double rss_growth_mb = 0;  // resident memory added while the stream was open
  double decode_ms = 0;      // per frame, libavcodec (wall, reader thread)
  double convert_ms = 0;     // per frame, swscale to BGR
};

int DecodeOnce(const std::string& path, int threads, Run& run) {
  safelane::video::StreamOptions options;
  options.url = path;
  options.replay = safelane::video::Replay::kFast;
  options.decode_threads = threads;
  options.ring_seconds = std::chrono::seconds(30);
  const double rss0 = RssMb();
  const double cpu0 = CpuSeconds();
  const auto t0 = Clock::now();
  auto stream = safelane::video::CameraStream::Start(options);
  if (!stream.ok()) {
    std::cerr << stream.error().message << "\n";
    return 1;
  }
  while (true) {
    auto next = (*stream)->NextFrame(std::chrono::milliseconds(10'000));
    if (!next.ok()) {
      std::cerr << path << ": " << next.error().message << "\n";
      return 1;
    }
    if (!next->has_value()) break;
    run.width = (**next).bgr.cols;
    run.height = (**next).bgr.rows;
    ++run.frames;
    (*stream)->MarkProcessed();
  }
  run.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  run.cpu_s = CpuSeconds() - cpu0;
  const auto health = (*stream)->Health();
  run.ring_bytes = health.ring_bytes;
  run.ring_seconds = health.ring_seconds;
  run.decode_ms = health.decode_ms;
  run.convert_ms = health.convert_ms;
  run.rss_growth_mb = RssMb() - rss0;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Decode-only throughput of the camera input (H.264 -> BGR)"};
  int threads = 1;
  int repeat = 3;
  std::vector<std::string> files;
  bool memory = false;
  app.add_option("--threads", threads, "decoder threads per stream")->check(CLI::Range(1, 16));
  app.add_option("--repeat", repeat, "timed runs per file (median)")->check(CLI::Range(1, 100));
  app.add_flag("--memory", memory, "one run per file: resident memory of one open stream");
  app.add_option("files", files, "H.264 video files")->required()->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);

  if (memory) {
    // One stream in a fresh process: what it adds to the resident memory with its ring full
    // (the whole file, or ring_seconds of it) and its frame buffers in use.
    for (const std::string& file : files) {
      Run run;
      if (DecodeOnce(file, threads, run) != 0) return 1;
      std::cout << fmt::format(
          "{}: resident memory added by one open stream {:.0f} MB "
          "(ring {:.1f} MB for {:.1f} s)\n",
          std::filesystem::path(file).filename().string(), run.rss_growth_mb,
          static_cast<double>(run.ring_bytes) / 1e6, run.ring_seconds);
    }
    return 0;
  }
  std::cout << fmt::format("CPU: {}, {} hardware threads; decoder threads: {}\n\n", CpuModel(),
                           std::thread::hardware_concurrency(), threads);
  std::cout << "| file | size | frames | frames/s | wall ms/frame | CPU ms/frame | decode wall ms "
               "| BGR wall ms | ring MB/s of video | BGR frame MB |\n"
               "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const std::string& file : files) {
    Run warmup;
    if (DecodeOnce(file, threads, warmup) != 0) return 1;
    std::vector<Run> runs(static_cast<std::size_t>(repeat));
    for (Run& run : runs) {
      if (DecodeOnce(file, threads, run) != 0) return 1;
    }
    std::sort(runs.begin(), runs.end(),
              [](const Run& a, const Run& b) { return a.wall_s < b.wall_s; });
    const Run& median = runs[runs.size() / 2];
    const double fps = static_cast<double>(median.frames) / median.wall_s;
    const double ring_mb_per_s = median.ring_seconds > 0 ? static_cast<double>(median.ring_bytes) /
                                                               1e6 / (median.ring_seconds + 0.04)
                                                         : 0.0;
    std::cout << fmt::format(
        "| {} | {}x{} | {} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.2f} | {:.1f} |\n",
        std::filesystem::path(file).filename().string(), median.width, median.height, median.frames,
        fps, 1000.0 / fps, 1000.0 * median.cpu_s / static_cast<double>(median.frames),
        median.decode_ms, median.convert_ms, ring_mb_per_s,
        static_cast<double>(median.width) * median.height * 3 / 1e6);
  }
  std::cout << fmt::format("\nPeak resident memory of the process: {:.0f} MB\n", PeakRssMb());
  return 0;
}
