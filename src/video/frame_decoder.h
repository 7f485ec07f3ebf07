#pragma once
// FrameDecoder: compressed packets of one stream -> BGR frames (libavcodec + swscale).
//
// The decoder runs a bounded number of threads. BGR output goes into a small pool of
// frame buffers that are reused once the consumer has released them: allocating a fresh
// 6-25 MB buffer per frame costs page faults that dominate decode time on a VM.
// Not thread-safe: owned by the reader thread.

#include <cstdint>
#include <functional>
#include <opencv2/core/mat.hpp>
#include <vector>

#include "core/result.h"
#include "video/av_handles.h"

namespace safelane::video {

struct DecodedFrame {
  cv::Mat bgr;
  std::int64_t pts;  // best-effort presentation time in the stream's time base
};

class FrameDecoder {
 public:
  // kBadImage: no decoder for this codec, or it refuses the parameters.
  // Frames over `max_pixels` (a size change mid-stream) are refused as kBadImage.
  static Result<FrameDecoder> Open(const AVCodecParameters& params, int threads, int pool_size,
                                   std::int64_t max_pixels);

  // Sends one packet (nullptr flushes at end of stream) and hands every intact frame it
  // completes to `sink`. Corrupt data is an error for this packet only: the caller decides whether
  // it is fatal (a file) or tolerable (a lossy live stream).
  Result<std::monostate> Decode(const AVPacket* packet,
                                const std::function<void(DecodedFrame)>& sink);

  // Frames the decoder marked as damaged (missing references after packet loss, a stream
  // joined between key frames): never handed out, since a smeared frame could be misread.
  std::int64_t corrupt_frames() const { return corrupt_frames_; }

  // Wall time spent on this thread in libavcodec and in the BGR conversion, since Open().
  std::int64_t decode_ns() const { return decode_ns_; }
  std::int64_t convert_ns() const { return convert_ns_; }

 private:
  FrameDecoder(CodecContextPtr codec, FramePtr frame, int pool_size, std::int64_t max_pixels)
      : codec_(std::move(codec)),
        frame_(std::move(frame)),
        pool_(pool_size),
        max_pixels_(max_pixels) {}
  Result<cv::Mat> ToBgr(const AVFrame& frame);
  cv::Mat& FreeBuffer(int width, int height);

  CodecContextPtr codec_;
  FramePtr frame_;
  SwsPtr sws_;
  std::vector<cv::Mat> pool_;
  std::int64_t max_pixels_;
  std::int64_t corrupt_frames_ = 0;
  std::int64_t decode_ns_ = 0;
  std::int64_t convert_ns_ = 0;
};

}  // namespace safelane::video
