#include "video/packet_ring.h"

#include <algorithm>
#include <string>
#include <vector>

#include "video/clip_writer.h"

namespace safelane::video {
namespace {

constexpr AVRational kMicroseconds{1, 1'000'000};

bool SameParameters(const AVCodecParameters& a, const AVCodecParameters& b) {
  if (a.codec_id != b.codec_id || a.width != b.width || a.height != b.height ||
      a.format != b.format || a.extradata_size != b.extradata_size) {
    return false;
  }
  return a.extradata_size == 0 ||
         std::equal(a.extradata, a.extradata + a.extradata_size, b.extradata);
}

bool IsKey(const AVPacket& p) {
  return (p.flags & AV_PKT_FLAG_KEY) != 0;
}

}  // namespace

PacketRing::PacketRing(std::chrono::microseconds span, std::int64_t max_bytes)
    : max_span_(span), max_bytes_(max_bytes) {}

bool PacketRing::SetSource(const AVCodecParameters& params, AVRational time_base) {
  std::lock_guard lock(mutex_);
  time_base_ = time_base;
  // A reconnect may join the stream between key frames: those packets could not be decoded
  // from the ring, so nothing is kept until the new source's first key frame.
  need_key_ = true;
  if (params_ && SameParameters(*params_, params)) return false;
  const bool had_packets = !packets_.empty();
  packets_.clear();
  bytes_ = 0;
  newest_pts_wall_us_ = 0;
  params_.reset(avcodec_parameters_alloc());
  if (params_) avcodec_parameters_copy(params_.get(), &params);
  return had_packets;
}

void PacketRing::Push(const AVPacket& packet, std::int64_t pts_wall_us, std::int64_t dts_wall_us) {
  if (max_span_.count() == 0 || max_bytes_ == 0) return;
  std::lock_guard lock(mutex_);
  // A ring (and each source's run in it) starts with a key frame.
  if (need_key_ && !IsKey(packet)) return;
  need_key_ = false;
  PacketPtr ref(av_packet_alloc());
  if (!ref || av_packet_ref(ref.get(), &packet) < 0) return;  // out of memory: skip this one
  // The duration is kept in microseconds with the packet, so clips need no time base.
  if (ref->duration > 0) ref->duration = av_rescale_q(ref->duration, time_base_, kMicroseconds);
  bytes_ += ref->size;
  newest_pts_wall_us_ = std::max(newest_pts_wall_us_, pts_wall_us);
  packets_.push_back({std::move(ref), pts_wall_us, dts_wall_us});
  EvictLocked();
}

void PacketRing::EvictLocked() {
  const auto too_old = [&] {
    return packets_.back().dts_wall_us - packets_.front().dts_wall_us > max_span_.count();
  };
  while (!packets_.empty() && (bytes_ > max_bytes_ || too_old())) {
    // Drop the oldest packet, then everything up to the next key frame.
    do {
      bytes_ -= packets_.front().packet->size;
      packets_.pop_front();
    } while (!packets_.empty() && !IsKey(*packets_.front().packet));
  }
}

Result<std::monostate> PacketRing::WriteClip(std::int64_t from_us, std::int64_t to_us,
                                             const std::filesystem::path& mp4) const {
  if (from_us > to_us) return Error(ErrorCode::kBadRequest, "clip: start is after end");
  std::vector<ClipPacket> selected;
  CodecParametersPtr params(avcodec_parameters_alloc());
  if (!params) return Error(ErrorCode::kIo, "clip: out of memory");
  {
    std::lock_guard lock(mutex_);
    if (packets_.empty()) return Error(ErrorCode::kBadRequest, "clip: the ring is empty");
    const std::int64_t oldest = packets_.front().pts_wall_us;
    const std::int64_t newest = newest_pts_wall_us_;
    // A range that only partly overlaps the ring (a vehicle seen in the first seconds of a
    // stream, or at its very end) gets what is there: a shorter clip beats none.
    if (to_us < oldest || from_us > newest) {
      return Error(ErrorCode::kBadRequest,
                   std::string("clip: the requested range is ") +
                       (to_us < oldest ? "older than the ring" : "not received yet") +
                       " (the ring holds " +
                       std::to_string(static_cast<double>(newest - oldest) / 1e6) + " s)");
    }
    std::size_t start = 0;
    for (std::size_t i = 0; i < packets_.size(); ++i) {
      if (packets_[i].pts_wall_us > from_us) break;
      if (IsKey(*packets_[i].packet)) start = i;
    }
    // The clip ends with the last frame shown at or before `to`; in decoding order that may
    // come after frames shown later (B-frames), which are then kept as its references.
    std::size_t end = start;
    for (std::size_t i = start; i < packets_.size(); ++i) {
      if (packets_[i].pts_wall_us <= to_us) end = i + 1;
    }
    for (std::size_t i = start; i < end; ++i) {
      PacketPtr ref(av_packet_alloc());
      if (!ref || av_packet_ref(ref.get(), packets_[i].packet.get()) < 0) {
        return Error(ErrorCode::kIo, "clip: out of memory");
      }
      const std::int64_t duration = packets_[i].packet->duration;
      selected.push_back({std::move(ref), packets_[i].pts_wall_us, packets_[i].dts_wall_us,
                          duration > 0 ? duration : 0});
    }
    if (avcodec_parameters_copy(params.get(), params_.get()) < 0) {
      return Error(ErrorCode::kIo, "clip: out of memory");
    }
  }
  // The (slow) file writing happens outside the lock: the reader keeps pushing meanwhile.
  return WriteMp4Clip(*params, selected, mp4);
}

std::int64_t PacketRing::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::chrono::microseconds PacketRing::span() const {
  std::lock_guard lock(mutex_);
  if (packets_.empty()) return std::chrono::microseconds(0);
  return std::chrono::microseconds(packets_.back().dts_wall_us - packets_.front().dts_wall_us);
}

}  // namespace safelane::video
