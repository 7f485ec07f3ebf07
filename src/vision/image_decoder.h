#pragma once
// ImageDecoder: untrusted bytes -> a BGR frame, or a precise kBadImage error.
//
// The image header is parsed before any pixel is decoded, so an absurd size
// (a 100000x100000 header in a 200-byte file) is refused without allocating.
// Truncated JPEG and PNG files are refused, not decoded into a half-grey frame:
// evidence must never be silently partial.

#include <cstdint>
#include <filesystem>
#include <opencv2/core/mat.hpp>
#include <span>
#include <string>

#include "core/result.h"

namespace safelane::vision {

struct DecodeLimits {
  std::uint64_t max_file_bytes = 256ULL << 20;  // 256 MiB
  std::uint64_t max_pixels = 80'000'000;        // a little over 8K UHD (7680x4320 = 33 Mpx) x 2
  int max_side = 16384;                         // pixels
};

enum class ImageFormat { kJpeg, kPng, kBmp, kWebp, kTiff, kPnm };

struct ImageHeader {
  ImageFormat format;
  int width;
  int height;
};

// Reads the format and dimensions from the first bytes; no pixel is decoded.
Result<ImageHeader> ReadImageHeader(std::span<const std::uint8_t> bytes);

Result<cv::Mat> DecodeImage(std::span<const std::uint8_t> bytes, const DecodeLimits& limits = {});

Result<cv::Mat> ReadImageFile(const std::filesystem::path& path, const DecodeLimits& limits = {});

}  // namespace safelane::vision
