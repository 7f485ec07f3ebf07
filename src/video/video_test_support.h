#pragma once
// Test support for the video tests: media made at test time with the ffmpeg program, and a
// real RTSP server (tests/video/rtsp_server.py) started and stopped by the test itself.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "video/camera_stream.h"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, for posix_spawn

namespace safelane::video::testing {

class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("safelane-video-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// H.264 test pattern: `seconds` at 25 fps, a key frame every `gop` frames and nowhere else.
// `extra` goes before the output name (e.g. "-bf 2").
inline bool MakeH264(const std::filesystem::path& out, double seconds, int width = 320,
                     int height = 240, int gop = 25, const std::string& extra = "") {
  const std::string command =
      std::string(SAFELANE_FFMPEG) + " -nostdin -hide_banner -loglevel error -y -f lavfi -i " +
      "testsrc2=size=" + std::to_string(width) + "x" + std::to_string(height) + ":rate=25 -t " +
      std::to_string(seconds) + " -c:v libx264 -preset ultrafast -crf 30 -pix_fmt yuv420p -g " +
      std::to_string(gop) + " -keyint_min " + std::to_string(gop) + " -sc_threshold 0 " + extra +
      " -movflags +faststart '" + out.string() + "'";
  return std::system(command.c_str()) == 0;  // NOLINT(cert-env33-c): fixed test command
}

inline bool RunFfmpeg(const std::string& arguments) {
  const std::string command =
      std::string(SAFELANE_FFMPEG) + " -nostdin -hide_banner -loglevel error -y " + arguments;
  return std::system(command.c_str()) == 0;  // NOLINT(cert-env33-c): fixed test command
}

// Frames a media file decodes to, replayed as fast as possible through CameraStream (the
// camera's own input path): how the clip tests prove an MP4 cut from the ring plays.
inline Result<int> DecodedFrameCount(const std::filesystem::path& media) {
  StreamOptions options;
  options.url = media.string();
  options.replay = Replay::kFast;
  auto stream = CameraStream::Start(options);
  if (!stream.ok()) return stream.error();
  int decoded = 0;
  while (true) {
    auto next = (*stream)->NextFrame(std::chrono::milliseconds(5000));
    if (!next.ok()) return next.error();
    if (!next->has_value()) return decoded;
    ++decoded;
  }
}

// A test server script (tests/video/*_server.py) as a child process; the script prints
// "READY <port>" once it listens. Kill() drops every connection at once (as a crashed
// camera would); Restart() brings it back on the same port.
class TestServer {
 public:
  TestServer(std::string script, std::vector<std::string> arguments)
      : script_(std::move(script)), arguments_(std::move(arguments)) {}
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;
  ~TestServer() { Kill(); }

  // Starts the server (on `port`, or any free port if 0); false if it did not get ready.
  bool Start(int port = 0) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    std::vector<std::string> args = {"/usr/bin/python3", script_, "--port", std::to_string(port)};
    args.insert(args.end(), arguments_.begin(), arguments_.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, args[0].c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    if (rc != 0) {
      ::close(pipe_fds[0]);
      pid_ = -1;
      return false;
    }
    // Wait (at most 20 s: Python and GStreamer start slowly under ASan load) for "READY <port>".
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd fd{pipe_fds[0], POLLIN, 0};
      if (::poll(&fd, 1, 200) <= 0) continue;
      char buffer[128];
      const ssize_t n = ::read(pipe_fds[0], buffer, sizeof(buffer));
      if (n <= 0) break;
      line.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(pipe_fds[0]);
    if (line.rfind("READY ", 0) != 0) {
      Kill();
      return false;
    }
    port_ = std::stoi(line.substr(6));
    return true;
  }

  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);  // also ends a paused (stopped) process
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // SIGSTOP / SIGCONT: the server keeps its connections open but sends nothing (a hung
  // camera), then carries on.
  void Pause() const {
    if (pid_ > 0) ::kill(pid_, SIGSTOP);
  }
  void Resume() const {
    if (pid_ > 0) ::kill(pid_, SIGCONT);
  }

  bool Restart() {
    Kill();
    // The port was just released; retry briefly in case the kernel still holds it.
    for (int attempt = 0; attempt < 20; ++attempt) {
      if (Start(port_)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return false;
  }

  int port() const { return port_; }

 private:
  std::string script_;
  std::vector<std::string> arguments_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// tests/video/rtsp_server.py serving one H.264 MP4 as rtsp://127.0.0.1:PORT/NAME.
class RtspServer : public TestServer {
 public:
  RtspServer(const std::string& name, const std::filesystem::path& media)
      : TestServer(SAFELANE_VIDEO_TEST_SCRIPTS "/rtsp_server.py",
                   {"--media", name + "=" + media.string()}),
        name_(name) {}
  std::string Url() const { return "rtsp://127.0.0.1:" + std::to_string(port()) + "/" + name_; }

 private:
  std::string name_;
};

// tests/video/mjpeg_server.py serving a directory of JPEGs as an HTTP MJPEG camera.
class MjpegServer : public TestServer {
 public:
  explicit MjpegServer(const std::filesystem::path& frames)
      : TestServer(SAFELANE_VIDEO_TEST_SCRIPTS "/mjpeg_server.py", {"--frames", frames.string()}) {}
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port()) + "/video.mjpg"; }
};

}  // namespace safelane::video::testing
