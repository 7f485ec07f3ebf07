#pragma once
// PacketRing: the last few seconds of the compressed stream, for evidence clips.
//
// Packets are shared references (av_packet_ref), not copies. The ring is bounded by the
// span of time it covers and by bytes, whichever is hit first, and it always begins at a
// key frame (packets before the oldest key frame could not be decoded, so they are
// dropped with it). A new source whose codec parameters differ (another resolution after a
// reconnect) clears the ring, since one MP4 track cannot hold both.
// Thread-safe: the reader thread pushes while a consumer cuts clips.

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <variant>

#include "core/result.h"
#include "video/av_handles.h"

namespace safelane::video {

struct RingPacket {
  PacketPtr packet;          // original timestamps, in time_base
  std::int64_t pts_wall_us;  // Timeline time of the packet's presentation
  std::int64_t dts_wall_us;  // Timeline time of its decoding (<= pts_wall_us)
};

class PacketRing {
 public:
  PacketRing(std::chrono::microseconds span, std::int64_t max_bytes);

  // Called on every (re)open. Returns true if the ring was cleared (parameters changed).
  bool SetSource(const AVCodecParameters& params, AVRational time_base);

  // Keeps a reference to `packet` (which must belong to the current source).
  void Push(const AVPacket& packet, std::int64_t pts_wall_us, std::int64_t dts_wall_us);

  // Writes [key frame at or before from_us, last frame shown at or before to_us] as MP4;
  // a range partly outside the ring is clipped to it, one wholly outside is kBadRequest.
  Result<std::monostate> WriteClip(std::int64_t from_us, std::int64_t to_us,
                                   const std::filesystem::path& mp4) const;

  std::int64_t bytes() const;
  std::chrono::microseconds span() const;

 private:
  void EvictLocked();

  const std::chrono::microseconds max_span_;
  const std::int64_t max_bytes_;
  mutable std::mutex mutex_;
  std::deque<RingPacket> packets_;
  CodecParametersPtr params_;
  AVRational time_base_{1, 1'000'000};
  std::int64_t bytes_ = 0;
  bool need_key_ = true;                 // drop packets until the current source's first key frame
  std::int64_t newest_pts_wall_us_ = 0;  // with B-frames the last packet is not the latest
};

}  // namespace safelane::video
