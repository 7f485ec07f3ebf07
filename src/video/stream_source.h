#pragma once
// StreamSource: one open of a URL or file with libavformat, and its video stream's packets.
//
// Every blocking call (connect, probe, read) runs under an interrupt callback with a
// deadline, and also stops when the owner's stop flag is raised: a server that accepts the
// connection and then says nothing cannot hang the reader thread.

#include <atomic>
#include <chrono>
#include <string>

#include "core/result.h"
#include "video/av_handles.h"
#include "video/camera_stream.h"

namespace safelane::video {

// rtsp://, rtsps://, http://, https:// are live; anything else is a file.
bool IsLiveUrl(const std::string& url);

// The URL as it may appear in errors, logs and health: "user:password@" removed, since
// cameras often carry their credentials in the URL.
std::string UrlForMessages(const std::string& url);

class StreamSource {
 public:
  // kIo: cannot connect / no such file / timed out; kBadImage: not a video container, or no
  // video stream in it.
  static Result<std::unique_ptr<StreamSource>> Open(const StreamOptions& options,
                                                    const std::atomic<bool>& stop);

  StreamSource(const StreamSource&) = delete;
  StreamSource& operator=(const StreamSource&) = delete;
  ~StreamSource() = default;

  // The next packet of the video stream into `packet` (other streams are skipped).
  // kIo with "end of stream" at a clean end; kIo "no data for N ms" when stalled.
  enum class ReadStatus { kPacket, kEnd };
  Result<ReadStatus> Read(AVPacket* packet);

  const AVCodecParameters& parameters() const { return *stream()->codecpar; }
  AVRational time_base() const { return stream()->time_base; }
  // Frames announced by the container (0 if unknown), to detect a truncated file.
  std::int64_t announced_frames() const { return stream()->nb_frames; }
  std::string format_name() const { return context_->iformat->name; }

 private:
  struct Interrupt {
    const std::atomic<bool>* stop = nullptr;
    std::atomic<std::int64_t> deadline_ns{0};  // steady_clock
    // Set when the deadline (not Stop) cut a call short: libav sometimes reports that as
    // "invalid data", which must not be mistaken for a malformed stream.
    mutable std::atomic<bool> timed_out{false};
    static int Callback(void* opaque);
    void Arm(std::chrono::milliseconds timeout);
  };

  StreamSource(const StreamOptions& options, const std::atomic<bool>& stop);
  const AVStream* stream() const { return context_->streams[stream_index_]; }

  std::string url_;
  std::chrono::milliseconds read_timeout_;
  std::unique_ptr<Interrupt> interrupt_;  // address stays fixed: libav keeps a pointer to it
  InputFormatPtr context_;
  int stream_index_ = -1;
};

}  // namespace safelane::video
