#pragma once
// Remuxes compressed packets into an MP4 file without re-encoding: the codec parameters
// are copied, timestamps are rewritten from Timeline times (so a clip that spans a
// reconnect still has increasing timestamps) and the file is written under a temporary
// name and renamed, so a reader never sees half a clip.

#include <filesystem>
#include <span>
#include <variant>

#include "core/result.h"
#include "video/av_handles.h"

namespace safelane::video {

struct ClipPacket {
  PacketPtr packet;
  std::int64_t pts_wall_us;
  std::int64_t dts_wall_us;
  std::int64_t duration_us;
};

// `packets` are in decoding order and begin with a key frame.
Result<std::monostate> WriteMp4Clip(const AVCodecParameters& params,
                                    std::span<const ClipPacket> packets,
                                    const std::filesystem::path& mp4);

}  // namespace safelane::video
