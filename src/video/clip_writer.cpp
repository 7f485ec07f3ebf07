#include "video/clip_writer.h"

#include <algorithm>
#include <limits>
#include <string>
#include <system_error>

#include "video/av_error.h"

namespace safelane::video {
namespace {

constexpr AVRational kMicroseconds{1, 1'000'000};

Error IoError(const std::filesystem::path& path, const std::string& what, int av_error) {
  return {ErrorCode::kIo, "clip " + path.string() + ": " + what + ": " + AvErrorText(av_error)};
}

}  // namespace

Result<std::monostate> WriteMp4Clip(const AVCodecParameters& params,
                                    std::span<const ClipPacket> packets,
                                    const std::filesystem::path& mp4) {
  if (packets.empty()) return Error(ErrorCode::kBadRequest, "clip: no packets in range");
  const std::filesystem::path temp = mp4.string() + ".partial";

  AVFormatContext* raw = nullptr;
  int rc = avformat_alloc_output_context2(&raw, nullptr, "mp4", temp.c_str());
  if (rc < 0 || raw == nullptr) return IoError(mp4, "cannot create MP4 muxer", rc);
  OutputFormatPtr out(raw);

  AVStream* stream = avformat_new_stream(out.get(), nullptr);
  if (stream == nullptr) return IoError(mp4, "cannot add stream", AVERROR(ENOMEM));
  if ((rc = avcodec_parameters_copy(stream->codecpar, &params)) < 0) {
    return IoError(mp4, "cannot copy codec parameters", rc);
  }
  stream->codecpar->codec_tag = 0;  // let the MP4 muxer choose its own tag
  stream->time_base = {1, 90'000};

  if ((rc = avio_open(&out->pb, temp.c_str(), AVIO_FLAG_WRITE)) < 0) {
    return IoError(mp4, "cannot open for writing", rc);
  }
  if ((rc = avformat_write_header(out.get(), nullptr)) < 0) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    return Error(ErrorCode::kBadRequest,
                 "clip " + mp4.string() + ": codec cannot be stored in MP4: " + AvErrorText(rc));
  }

  // The first key frame is shown at 0; packets decoded before it is shown get negative
  // decoding times, which MP4 expresses with an edit list (as the camera's own files do).
  const std::int64_t base_us = packets.front().pts_wall_us;
  std::int64_t last_dts = std::numeric_limits<std::int64_t>::min();
  PacketPtr copy(av_packet_alloc());
  if (!copy) return IoError(mp4, "out of memory", AVERROR(ENOMEM));
  for (const ClipPacket& p : packets) {
    if ((rc = av_packet_ref(copy.get(), p.packet.get())) < 0) return IoError(mp4, "packet", rc);
    std::int64_t dts = av_rescale_q(p.dts_wall_us - base_us, kMicroseconds, stream->time_base);
    std::int64_t pts = av_rescale_q(p.pts_wall_us - base_us, kMicroseconds, stream->time_base);
    if (last_dts != std::numeric_limits<std::int64_t>::min())
      dts = std::max(dts, last_dts + 1);  // strictly increasing, as MP4 requires
    pts = std::max(pts, dts);
    last_dts = dts;
    copy->dts = dts;
    copy->pts = pts;
    copy->duration = av_rescale_q(p.duration_us, kMicroseconds, stream->time_base);
    copy->stream_index = stream->index;
    copy->pos = -1;
    rc = av_interleaved_write_frame(out.get(), copy.get());  // takes the reference
    if (rc < 0) return IoError(mp4, "write", rc);
  }
  if ((rc = av_write_trailer(out.get())) < 0) return IoError(mp4, "write trailer", rc);
  out.reset();  // closes the file before the rename

  std::error_code ec;
  std::filesystem::rename(temp, mp4, ec);
  if (ec) return Error(ErrorCode::kIo, "clip " + mp4.string() + ": rename: " + ec.message());
  return std::monostate{};
}

}  // namespace safelane::video
