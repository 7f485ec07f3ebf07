#include "vision/image_decoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <optional>
#include <vector>

namespace safelane::vision {
namespace {

Error BadImage(std::string message) {
  return {ErrorCode::kBadImage, std::move(message)};
}

std::uint32_t Be16(std::span<const std::uint8_t> b, std::size_t at) {
  return (std::uint32_t{b[at]} << 8) | b[at + 1];
}
std::uint32_t Be32(std::span<const std::uint8_t> b, std::size_t at) {
  return (Be16(b, at) << 16) | Be16(b, at + 2);
}
std::uint32_t Le16(std::span<const std::uint8_t> b, std::size_t at) {
  return std::uint32_t{b[at]} | (std::uint32_t{b[at + 1]} << 8);
}
std::uint32_t Le32(std::span<const std::uint8_t> b, std::size_t at) {
  return Le16(b, at) | (Le16(b, at + 2) << 16);
}

bool StartsWith(std::span<const std::uint8_t> b, std::initializer_list<std::uint8_t> magic) {
  return b.size() >= magic.size() && std::equal(magic.begin(), magic.end(), b.begin());
}

// Walks JPEG markers up to the first start-of-frame. Returns nullopt when the
// stream ends before one is found.
Result<ImageHeader> JpegHeader(std::span<const std::uint8_t> b) {
  std::size_t at = 2;
  while (at + 4 <= b.size()) {
    if (b[at] != 0xFF) return BadImage("JPEG: marker expected at byte " + std::to_string(at));
    const std::uint8_t marker = b[at + 1];
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    const bool is_sof =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    const std::uint32_t length = Be16(b, at + 2);
    if (length < 2) return BadImage("JPEG: invalid segment length");
    if (is_sof) {
      if (at + 9 > b.size()) break;
      const auto height = static_cast<int>(Be16(b, at + 5));
      const auto width = static_cast<int>(Be16(b, at + 7));
      return ImageHeader{ImageFormat::kJpeg, width, height};
    }
    at += 2 + length;
  }
  return BadImage("JPEG: truncated before the frame header");
}

Result<ImageHeader> PngHeader(std::span<const std::uint8_t> b) {
  if (b.size() < 24) return BadImage("PNG: truncated header");
  if (!(b[12] == 'I' && b[13] == 'H' && b[14] == 'D' && b[15] == 'R')) {
    return BadImage("PNG: first chunk is not IHDR");
  }
  const std::uint32_t w = Be32(b, 16);
  const std::uint32_t h = Be32(b, 20);
  if (w > 0x7FFFFFFF || h > 0x7FFFFFFF) return BadImage("PNG: dimensions out of range");
  return ImageHeader{ImageFormat::kPng, static_cast<int>(w), static_cast<int>(h)};
}

Result<ImageHeader> BmpHeader(std::span<const std::uint8_t> b) {
  if (b.size() < 26) return BadImage("BMP: truncated header");
  const std::uint32_t dib = Le32(b, 14);
  if (dib == 12) {
    return ImageHeader{ImageFormat::kBmp, static_cast<int>(Le16(b, 18)),
                       static_cast<int>(Le16(b, 20))};
  }
  const auto w = static_cast<std::int32_t>(Le32(b, 18));
  const auto h = static_cast<std::int32_t>(Le32(b, 22));
  // A negative height means a top-down bitmap; INT32_MIN has no positive counterpart.
  if (w <= 0 || h == INT32_MIN) return BadImage("BMP: dimensions out of range");
  return ImageHeader{ImageFormat::kBmp, w, h < 0 ? -h : h};
}

// JPEG data must end with an EOI marker (FFD9); some cameras append bytes after it,
// so search backwards over a bounded tail.
bool JpegHasEnd(std::span<const std::uint8_t> b) {
  const std::size_t tail = std::min<std::size_t>(b.size(), 1U << 20);
  for (std::size_t i = b.size() - 1; i + tail > b.size() && i >= 1; --i) {
    if (b[i - 1] == 0xFF && b[i] == 0xD9) return true;
  }
  return false;
}

// A PNG ends with an IEND chunk; its absence means the file was cut short.
bool PngHasEnd(std::span<const std::uint8_t> b) {
  static constexpr std::uint8_t kIend[] = {'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
  const auto end = b.subspan(b.size() >= 64 ? b.size() - 64 : 0);
  return std::search(end.begin(), end.end(), std::begin(kIend), std::end(kIend)) != end.end();
}

}  // namespace

Result<ImageHeader> ReadImageHeader(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return BadImage("empty file");
  if (StartsWith(bytes, {0xFF, 0xD8, 0xFF})) return JpegHeader(bytes);
  if (StartsWith(bytes, {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})) return PngHeader(bytes);
  if (StartsWith(bytes, {'B', 'M'})) return BmpHeader(bytes);
  if (bytes.size() >= 30 && StartsWith(bytes, {'R', 'I', 'F', 'F'}) && bytes[8] == 'W' &&
      bytes[9] == 'E' && bytes[10] == 'B' && bytes[11] == 'P') {
    // Dimensions are checked after decoding for WebP (its three variants differ); the
    // format caps them at 16383x16383 anyway.
    return ImageHeader{ImageFormat::kWebp, 0, 0};
  }
  return BadImage(
      fmt::format("not a supported image (JPEG, PNG, BMP or WebP); {} bytes", bytes.size()));
}

Result<cv::Mat> DecodeImage(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  if (bytes.size() > limits.max_file_bytes) {
    return BadImage(fmt::format("file of {} bytes exceeds the {} byte limit", bytes.size(),
                                limits.max_file_bytes));
  }
  auto header = ReadImageHeader(bytes);
  if (!header) return header.error();
  const auto check_size = [&](int w, int h) -> std::optional<Error> {
    if (w <= 0 || h <= 0) return BadImage(fmt::format("invalid dimensions {}x{}", w, h));
    if (w > limits.max_side || h > limits.max_side ||
        std::uint64_t(w) * std::uint64_t(h) > limits.max_pixels) {
      return BadImage(fmt::format("dimensions {}x{} exceed the limit ({} px a side, {} pixels)", w,
                                  h, limits.max_side, limits.max_pixels));
    }
    return std::nullopt;
  };
  if (header->format != ImageFormat::kWebp) {
    if (auto e = check_size(header->width, header->height)) return *e;
  }
  if (header->format == ImageFormat::kJpeg && !JpegHasEnd(bytes)) {
    return BadImage("JPEG is truncated (no end-of-image marker)");
  }
  if (header->format == ImageFormat::kPng && !PngHasEnd(bytes)) {
    return BadImage("PNG is truncated (no IEND chunk)");
  }

  cv::Mat decoded;
  try {
    const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1,
                      const_cast<std::uint8_t*>(bytes.data()));  // imdecode does not write
    decoded = cv::imdecode(raw, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    return BadImage(std::string("decoder failed: ") + e.what());
  }
  if (decoded.empty()) return BadImage("the decoder could not read the image data");
  if (auto e = check_size(decoded.cols, decoded.rows)) return *e;
  return decoded;
}

Result<cv::Mat> ReadImageFile(const std::filesystem::path& path, const DecodeLimits& limits) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Error(ErrorCode::kIo, fmt::format("'{}': no such file", path.string()));
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error(ErrorCode::kIo, fmt::format("'{}': {}", path.string(), ec.message()));
  if (size > limits.max_file_bytes) {
    return BadImage(fmt::format("'{}': {} bytes exceeds the {} byte limit", path.string(), size,
                                limits.max_file_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes(size);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size))) {
    return Error(ErrorCode::kIo, fmt::format("'{}': read failed", path.string()));
  }
  auto image = DecodeImage(bytes, limits);
  if (!image) return Error(image.error().code, path.string() + ": " + image.error().message);
  return image;
}

}  // namespace safelane::vision
