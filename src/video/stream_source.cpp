#include "video/stream_source.h"

#include <filesystem>
#include <system_error>

#include "video/av_error.h"

namespace safelane::video {
namespace {

std::int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool IsLiveUrl(const std::string& url) {
  for (const char* scheme : {"rtsp://", "rtsps://", "http://", "https://"}) {
    if (url.rfind(scheme, 0) == 0) return true;
  }
  return false;
}

std::string UrlForMessages(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const std::size_t host_start = scheme_end + 3;
  const std::size_t path_start = url.find('/', host_start);
  const std::size_t at = url.rfind('@', path_start == std::string::npos ? url.size() : path_start);
  if (at == std::string::npos || at < host_start) return url;
  return url.substr(0, host_start) + "***@" + url.substr(at + 1);
}

int StreamSource::Interrupt::Callback(void* opaque) {
  const auto* self = static_cast<const Interrupt*>(opaque);
  if (self->stop->load(std::memory_order_relaxed)) return 1;
  if (SteadyNs() <= self->deadline_ns.load(std::memory_order_relaxed)) return 0;
  self->timed_out.store(true, std::memory_order_relaxed);
  return 1;
}

void StreamSource::Interrupt::Arm(std::chrono::milliseconds timeout) {
  timed_out.store(false, std::memory_order_relaxed);
  deadline_ns.store(SteadyNs() + std::chrono::nanoseconds(timeout).count(),
                    std::memory_order_relaxed);
}

StreamSource::StreamSource(const StreamOptions& options, const std::atomic<bool>& stop)
    : url_(UrlForMessages(options.url)),
      read_timeout_(options.read_timeout),
      interrupt_(std::make_unique<Interrupt>()) {
  interrupt_->stop = &stop;
}

Result<std::unique_ptr<StreamSource>> StreamSource::Open(const StreamOptions& options,
                                                         const std::atomic<bool>& stop) {
  const bool live = IsLiveUrl(options.url);
  if (!live) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(options.url, ec)) {
      return Error(ErrorCode::kIo, "video file not found: " + options.url);
    }
  }
  std::unique_ptr<StreamSource> source(new StreamSource(options, stop));
  const std::string where = live ? UrlForMessages(options.url) : "video file " + options.url;

  AVFormatContext* raw = avformat_alloc_context();
  if (raw == nullptr) return Error(ErrorCode::kIo, "out of memory");
  raw->interrupt_callback = {&Interrupt::Callback, source->interrupt_.get()};
  Dictionary dict;
  // Only the protocols this source needs: a file path is never read as "concat:" or
  // "pipe:", and a container cannot make libav open other URLs on its behalf.
  std::string url = options.url;
  if (!live) {
    url = "file:" + url;
    dict.Set("protocol_whitelist", "file");
  } else if (url.rfind("rtsp", 0) == 0) {
    dict.Set("protocol_whitelist", "rtsp,rtsps,rtp,srtp,udp,tcp,tls");
  } else {
    dict.Set("protocol_whitelist", "http,https,tcp,tls");
  }
  if (options.url.rfind("rtsp", 0) == 0) {
    dict.Set("rtsp_transport", options.transport == Transport::kTcp ? "tcp" : "udp");
  }
  if (live) {
    // Cameras announce what they send: a short probe starts frames sooner after a reconnect.
    dict.Set("analyzeduration", "2000000");
  }
  source->interrupt_->Arm(options.open_timeout);
  int rc = avformat_open_input(&raw, url.c_str(), nullptr, dict.address());
  if (rc < 0) {  // libav has freed `raw`
    if (stop.load()) return Error(ErrorCode::kIo, where + ": stopped while opening");
    if (rc == AVERROR_EXIT || source->interrupt_->timed_out.load()) {
      return Error(ErrorCode::kIo, where + ": no answer within " +
                                       std::to_string(options.open_timeout.count()) + " ms");
    }
    const ErrorCode code = rc == AVERROR_INVALIDDATA ? ErrorCode::kBadImage : ErrorCode::kIo;
    return Error(code, where + ": cannot open: " + AvErrorText(rc));
  }
  source->context_.reset(raw);
  rc = avformat_find_stream_info(raw, nullptr);
  if (rc < 0) {
    if (rc == AVERROR_EXIT || source->interrupt_->timed_out.load()) {
      return Error(ErrorCode::kIo, where + ": stream information not received within " +
                                       std::to_string(options.open_timeout.count()) + " ms");
    }
    return Error(ErrorCode::kBadImage,
                 where + ": cannot read stream information: " + AvErrorText(rc));
  }
  rc = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (rc < 0) {
    return Error(ErrorCode::kBadImage, where + " (" + raw->iformat->name + "): no video stream");
  }
  source->stream_index_ = rc;
  const AVCodecParameters& params = *raw->streams[rc]->codecpar;
  if (params.width <= 0 || params.height <= 0) {
    return Error(ErrorCode::kBadImage, where + ": video stream has no frame size (codec " +
                                           std::string(avcodec_get_name(params.codec_id)) +
                                           " not understood)");
  }
  if (static_cast<std::int64_t>(params.width) * params.height > options.max_frame_pixels) {
    return Error(ErrorCode::kBadImage, where + ": frame size " + std::to_string(params.width) +
                                           "x" + std::to_string(params.height) +
                                           " is over the limit of " +
                                           std::to_string(options.max_frame_pixels) + " pixels");
  }
  // Other streams (audio, data) are never read: tell the demuxer to skip them.
  for (unsigned i = 0; i < raw->nb_streams; ++i) {
    if (static_cast<int>(i) != rc) raw->streams[i]->discard = AVDISCARD_ALL;
  }
  return source;
}

Result<StreamSource::ReadStatus> StreamSource::Read(AVPacket* packet) {
  while (true) {
    interrupt_->Arm(read_timeout_);
    const int rc = av_read_frame(context_.get(), packet);
    if (rc == AVERROR_EOF) return ReadStatus::kEnd;
    if (rc == AVERROR_EXIT || interrupt_->timed_out.load()) {
      if (interrupt_->stop->load()) return Error(ErrorCode::kIo, url_ + ": stopped");
      return Error(ErrorCode::kIo, url_ + ": no data for " + std::to_string(read_timeout_.count()) +
                                       " ms (stalled)");
    }
    if (rc < 0) {
      const ErrorCode code = rc == AVERROR_INVALIDDATA ? ErrorCode::kBadImage : ErrorCode::kIo;
      return Error(code, url_ + ": read failed: " + AvErrorText(rc));
    }
    if (packet->stream_index == stream_index_) return ReadStatus::kPacket;
    av_packet_unref(packet);
  }
}

}  // namespace safelane::video
