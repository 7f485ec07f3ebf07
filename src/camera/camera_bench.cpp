// safelane-camera-bench: how fast one camera's pipeline runs on this machine.
//
//   safelane-camera-bench --video test.mp4 [--threads 1] [--vehicle-every 4]
//                         [--working-size 1024] [--no-vehicles] [--settle-reads 6]
//                         [--plate-every 1] [--process-every 1] [--passes]
//                         [--warm-up] [--loops 1] [--queued-frames 2]
//
// Decodes the file as fast as possible (CameraStream, Replay::kFast: no frame is dropped)
// and runs every frame through CameraPipeline (plate detection at the working size, reading
// at full resolution, vehicle detection every n-th frame, tracking, voting). Prints one JSON
// line: frames/s processed end to end, per-stage milliseconds per frame, and the process's
// peak resident memory. --process-every N hands the pipeline only every N-th decoded frame
// (from frame --process-offset on), as a node does that can process only 25/N of a 25 fps
// live stream (the stream's queue drops the rest): what the node reads at that rate, made
// repeatable. --passes prints each pass (text, direction, agreeing frames, times). Pin it to cores
// with taskset; --threads N sets the pipeline's threads (1 or 2: plates detected one frame
// ahead on a worker, camera_pipeline.h), OpenCV's and the decoder's; --pipeline-threads,
// --opencv-threads and --decode-threads set one of them alone. A short file measures a
// start as much as a running node (the first forward passes, the frame buffers growing to
// what the tracks hold): --warm-up runs the models once before the clock starts, as the
// node does, and --loops N plays the file N times (one stream session each).

#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>
#include <opencv2/core/utility.hpp>
#include <optional>

#include "camera/camera_pipeline.h"
#include "video/camera_stream.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// User + system CPU of the whole process (all threads, decoder included).
double CpuMs(const rusage& u) {
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0 +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

// One pass per line, times in seconds from the stream's first frame.
void PrintPass(const safelane::camera::VehiclePass& p,
               std::chrono::system_clock::time_point t_start) {
  const auto s = [&](std::chrono::system_clock::time_point t) {
    return std::chrono::duration<double>(t - t_start).count();
  };
  std::fprintf(stderr,
               "pass track %lld %-10s conf %.2f agreed %d/%d %s %s %s seen %.2f-%.2f s "
               "x %.0f -> %.0f\n",
               static_cast<long long>(p.track_id), p.vote.text.c_str(), p.vote.confidence,
               p.vote.frames_agreed, p.vote.frames_read, p.direction.c_str(),
               p.vehicle_class.c_str(), p.colour.c_str(), s(p.first_seen), s(p.last_seen),
               p.first_centre.x, p.last_centre.x);
}

int Main(int argc, char** argv) {
  CLI::App app{"Camera pipeline throughput"};
  std::string video;
  int threads = 1;
  int pipeline_threads = 0;  // 0: min(threads, 2)
  int opencv_threads = 0;    // 0: threads
  int decode_threads = 0;    // 0: threads
  int queued_frames = 2;     // StreamOptions::max_queued_frames
  int loops = 1;
  bool warm_up = false;
  int vehicle_every = 4;
  int settle_reads = 6;
  int plate_every = 1;
  int process_every = 1;
  int process_offset = 0;
  bool print_passes = false;
  int working_size = 1024;
  bool no_vehicles = false;
  std::string model_dir = std::string(SAFELANE_DEFAULT_DATA_DIR) + "/models/yolo-fastest-1.1-coco";
  app.add_option("--video", video, "H.264 file")->required();
  app.add_option("--threads", threads, "pipeline (at most 2), OpenCV and decoder threads")
      ->check(CLI::Range(1, 16));
  app.add_option("--pipeline-threads", pipeline_threads, "pipeline threads (1 or 2)")
      ->check(CLI::Range(1, 2));
  app.add_option("--opencv-threads", opencv_threads, "OpenCV threads")->check(CLI::Range(1, 16));
  app.add_option("--decode-threads", decode_threads, "decoder threads")->check(CLI::Range(1, 16));
  app.add_option("--queued-frames", queued_frames, "decoded frames the stream may queue")
      ->check(CLI::Range(1, 250));
  app.add_option("--vehicle-every", vehicle_every, "vehicle detection every n-th frame");
  app.add_option("--working-size", working_size, "plate detector working size (px)");
  app.add_option("--vehicle-model-dir", model_dir, "Yolo-Fastest folder");
  app.add_flag("--no-vehicles", no_vehicles, "skip vehicle detection");
  app.add_option("--plate-every", plate_every, "plate detection every n-th frame");
  app.add_option("--settle-reads", settle_reads,
                 "stop reading a track after this many agreeing reads (0 = never)");
  app.add_option("--process-every", process_every,
                 "hand the pipeline only every n-th decoded frame (a loaded node)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--process-offset", process_offset, "the first frame handed over")
      ->check(CLI::Range(0, 1000));
  app.add_flag("--passes", print_passes, "print each pass on stderr");
  app.add_option("--loops", loops,
                 "play the file this many times (a stream session each, tracks end between)")
      ->check(CLI::Range(1, 100));
  app.add_flag("--warm-up", warm_up, "run each model once before the clock starts, as the node");
  CLI11_PARSE(app, argc, argv);

  if (pipeline_threads == 0) pipeline_threads = std::min(threads, 2);
  if (opencv_threads == 0) opencv_threads = threads;
  if (decode_threads == 0) decode_threads = threads;
  cv::setNumThreads(opencv_threads);
  safelane::camera::PipelineOptions options;
  options.threads = pipeline_threads;
  options.recognizer.country = "uz";
  options.countries = {"uz"};
  options.recognizer.detector.working_size = working_size;
  options.vehicle_every_n_frames = vehicle_every;
  options.settle_reads = settle_reads;
  options.plate_every_n_frames = plate_every;
  if (!no_vehicles) {
    safelane::vision::VehicleDetectorOptions v;
    v.model_dir = model_dir;
    options.vehicles = v;
  }
  auto pipeline = safelane::camera::CameraPipeline::Create(options);
  if (!pipeline) {
    std::fprintf(stderr, "%s\n", pipeline.error().message.c_str());
    return 2;
  }
  if (warm_up) {
    // As CameraNode::Run: the first forward passes set the networks up (about a second).
    if (auto warm = pipeline->WarmUp(cv::Size(1920, 1080)); !warm) {
      std::fprintf(stderr, "%s\n", warm.error().message.c_str());
      return 2;
    }
  }
  safelane::video::StreamOptions stream_options;
  stream_options.loop_file = loops > 1;
  stream_options.url = video;
  stream_options.replay = safelane::video::Replay::kFast;
  stream_options.decode_threads = decode_threads;
  stream_options.max_queued_frames = queued_frames;
  auto stream = safelane::video::CameraStream::Start(stream_options);
  if (!stream) {
    std::fprintf(stderr, "%s\n", stream.error().message.c_str());
    return 2;
  }
  std::int64_t frames = 0;
  std::int64_t vehicle_frames = 0;
  std::int64_t reads = 0;
  std::vector<std::string> texts;  // what was read, in order of the vehicles' exits
  double plate_ms = 0;
  double read_ms = 0;
  std::int64_t plates_found = 0;
  std::int64_t plates_read = 0;
  double vehicle_ms = 0;
  double track_ms = 0;
  double wait_ms = 0;  // waiting for the decoder (decode not overlapped with processing)
  int width = 0;
  int height = 0;
  std::chrono::system_clock::time_point t_start{};  // the first frame's capture time
  const auto add = [&](const safelane::camera::FrameTiming& timing) {
    plate_ms += timing.plate_detect_ms;
    read_ms += timing.read_ms;
    plates_found += timing.plates_found;
    plates_read += timing.plates_read;
    track_ms += timing.track_ms;
    if (timing.vehicle_ms > 0) {
      vehicle_ms += timing.vehicle_ms;
      ++vehicle_frames;
    }
  };
  const auto take = [&](const std::vector<safelane::camera::VehiclePass>& passes) {
    for (const auto& p : passes) {
      ++reads;
      texts.push_back(p.vote.text);
      if (print_passes) PrintPass(p, t_start);
    }
  };
  // Every track ends (and, with 2 pipeline threads, the last frame is completed here).
  const auto flush = [&]() -> bool {
    safelane::camera::FrameTiming last;
    std::optional<safelane::Error> failed;
    take(pipeline->Flush(&last, &failed));
    if (failed) {
      std::fprintf(stderr, "%s\n", failed->message.c_str());
      return false;
    }
    add(last);
    return true;
  };
  std::int64_t session = 0;
  const auto t0 = Clock::now();
  while (true) {
    const auto w0 = Clock::now();
    auto next = (*stream)->NextFrame(std::chrono::milliseconds(1000));
    wait_ms += Ms(Clock::now() - w0);
    if (!next) {
      std::fprintf(stderr, "%s\n", next.error().message.c_str());
      return 1;
    }
    if (!next->has_value()) {
      if ((*stream)->Health().finished) break;
      continue;
    }
    const auto& f = **next;
    if (f.index == 0) t_start = f.captured_at;
    if (f.session != session) {  // the file starts again (--loops)
      if (f.session >= loops) break;
      if (!flush()) return 1;
      session = f.session;
    }
    if (f.index < process_offset || (f.index - process_offset) % process_every != 0) {
      (*stream)->MarkProcessed();
      continue;
    }
    width = f.bgr.cols;
    height = f.bgr.rows;
    safelane::camera::FrameTiming timing;
    auto passes = pipeline->Process(f.bgr, f.index, f.pts_us, f.captured_at, &timing);
    if (!passes) {
      std::fprintf(stderr, "%s\n", passes.error().message.c_str());
      return 1;
    }
    (*stream)->MarkProcessed();
    take(*passes);
    add(timing);
    ++frames;
  }
  if (!flush()) return 1;
  const double wall_ms = Ms(Clock::now() - t0);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double n = static_cast<double>(std::max<std::int64_t>(frames, 1));
  const nlohmann::json out = {
      {"video", video},
      {"size", std::to_string(width) + "x" + std::to_string(height)},
      {"threads", threads},
      {"loops", loops},
      {"warm_up", warm_up},
      {"pipeline_threads", pipeline_threads},
      {"opencv_threads", opencv_threads},
      {"decode_threads", decode_threads},
      {"queued_frames", queued_frames},
      {"frames", frames},
      {"reads", reads},
      {"texts", texts},
      {"plates_found", plates_found},
      {"plates_read", plates_read},
      {"fps_processed", frames / (wall_ms / 1000.0)},
      {"ms_per_frame",
       {{"total", wall_ms / n},
        {"waiting_for_decode", wait_ms / n},
        {"plate_detect", plate_ms / n},
        {"read", read_ms / n},
        {"vehicle_when_run",
         vehicle_frames > 0 ? vehicle_ms / static_cast<double>(vehicle_frames) : 0.0},
        {"vehicle_per_frame", vehicle_ms / n},
        {"track", track_ms / n}}},
      {"peak_rss_mb", static_cast<double>(usage.ru_maxrss) / 1024.0},
      {"cpu_ms_per_frame", CpuMs(usage) / n}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "safelane-camera-bench: %s\n", e.what());
  }
  return 3;
}
