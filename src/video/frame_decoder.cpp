#include "video/frame_decoder.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>

#include "video/av_error.h"

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace safelane::video {

Result<FrameDecoder> FrameDecoder::Open(const AVCodecParameters& params, int threads, int pool_size,
                                        std::int64_t max_pixels) {
  const AVCodec* codec = avcodec_find_decoder(params.codec_id);
  if (codec == nullptr) {
    const char* name = avcodec_get_name(params.codec_id);
    return Error(ErrorCode::kBadImage,
                 std::string("unsupported video codec: ") + (name != nullptr ? name : "?"));
  }
  CodecContextPtr context(avcodec_alloc_context3(codec));
  if (!context) return Error(ErrorCode::kIo, "decoder: out of memory");
  int rc = avcodec_parameters_to_context(context.get(), &params);
  if (rc < 0) return Error(ErrorCode::kBadImage, "decoder parameters: " + AvErrorText(rc));
  context->thread_count = threads;
  context->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
  if ((rc = avcodec_open2(context.get(), codec, nullptr)) < 0) {
    return Error(ErrorCode::kBadImage,
                 std::string("cannot open ") + codec->name + " decoder: " + AvErrorText(rc));
  }
  FramePtr frame(av_frame_alloc());
  if (!frame) return Error(ErrorCode::kIo, "decoder: out of memory");
  return FrameDecoder(std::move(context), std::move(frame), pool_size, max_pixels);
}

namespace {

std::int64_t NanosSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t)
      .count();
}

}  // namespace

Result<std::monostate> FrameDecoder::Decode(const AVPacket* packet,
                                            const std::function<void(DecodedFrame)>& sink) {
  auto t0 = std::chrono::steady_clock::now();
  int rc = avcodec_send_packet(codec_.get(), packet);
  decode_ns_ += NanosSince(t0);
  if (rc < 0 && rc != AVERROR_EOF) {
    return Error(ErrorCode::kBadImage, "corrupt video data: " + AvErrorText(rc));
  }
  while (true) {
    t0 = std::chrono::steady_clock::now();
    rc = avcodec_receive_frame(codec_.get(), frame_.get());
    decode_ns_ += NanosSince(t0);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) break;
    if (rc < 0) {
      return Error(ErrorCode::kBadImage, "corrupt video data: " + AvErrorText(rc));
    }
    if ((frame_->flags & AV_FRAME_FLAG_CORRUPT) != 0 || frame_->decode_error_flags != 0) {
      ++corrupt_frames_;
      av_frame_unref(frame_.get());
      continue;
    }
    t0 = std::chrono::steady_clock::now();
    auto bgr = ToBgr(*frame_);
    convert_ns_ += NanosSince(t0);
    const std::int64_t pts = frame_->best_effort_timestamp;
    av_frame_unref(frame_.get());
    if (!bgr.ok()) return bgr.error();
    sink(DecodedFrame{std::move(bgr).value(), pts});
  }
  return std::monostate{};
}

namespace {

// A buffer whose only owner is the pool is free: every consumer (the camera pipeline, its
// plate detection worker) has dropped its copy. They drop them on their own threads
// (cv::Mat's count is changed atomically): an atomic acquire read here orders their last
// reads of the pixels before the decoder overwrites them.
bool OnlyThePoolHolds(cv::Mat& m) {
  return m.u != nullptr && std::atomic_ref<int>(m.u->refcount).load(std::memory_order_acquire) == 1;
}

}  // namespace

cv::Mat& FrameDecoder::FreeBuffer(int width, int height) {
  for (cv::Mat& m : pool_) {
    if (m.rows == height && m.cols == width && OnlyThePoolHolds(m)) return m;
  }
  for (cv::Mat& m : pool_) {
    if (m.empty() || OnlyThePoolHolds(m)) {
      m.create(height, width, CV_8UC3);
      return m;
    }
  }
  // Every buffer is still held by the consumer: the oldest slot gets a fresh one.
  std::rotate(pool_.begin(), pool_.begin() + 1, pool_.end());
  pool_.back() = cv::Mat(height, width, CV_8UC3);
  return pool_.back();
}

Result<cv::Mat> FrameDecoder::ToBgr(const AVFrame& frame) {
  if (frame.width <= 0 || frame.height <= 0 ||
      static_cast<std::int64_t>(frame.width) * frame.height > max_pixels_) {
    return Error(ErrorCode::kBadImage, "decoded frame size " + std::to_string(frame.width) + "x" +
                                           std::to_string(frame.height) + " out of bounds");
  }
  sws_.reset(sws_getCachedContext(
      sws_.release(), frame.width, frame.height, static_cast<AVPixelFormat>(frame.format),
      frame.width, frame.height, AV_PIX_FMT_BGR24, SWS_BILINEAR, nullptr, nullptr, nullptr));
  if (!sws_) {
    const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame.format));
    return Error(ErrorCode::kBadImage,
                 std::string("cannot convert pixel format ") + (name != nullptr ? name : "?"));
  }
  cv::Mat& out = FreeBuffer(frame.width, frame.height);
  uint8_t* planes[1] = {out.data};
  const int strides[1] = {static_cast<int>(out.step[0])};
  sws_scale(sws_.get(), frame.data, frame.linesize, 0, frame.height, planes, strides);
  return out;  // shares the buffer; the pool sees refcount 2 until the consumer drops it
}

}  // namespace safelane::video
