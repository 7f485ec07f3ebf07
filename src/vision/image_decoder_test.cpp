#include "vision/image_decoder.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <random>

#include "test_data.h"

namespace safelane::vision {
namespace {

using safelane::testing::DataDir;
using safelane::testing::ReadBytes;

std::vector<std::uint8_t> EncodedSample(const std::string& ext) {
  const cv::Mat image = cv::imread((DataDir() / "scenes/negatives/UMD_007.jpg").string());
  std::vector<std::uint8_t> bytes;
  cv::imencode(ext, image, bytes);
  return bytes;
}

TEST(ImageDecoder, ReadsRealImages) {
  auto jpeg = ReadImageFile(DataDir() / "scenes/negatives/UMD_007.jpg");
  ASSERT_TRUE(jpeg.ok()) << jpeg.error().message;
  EXPECT_EQ(jpeg->cols, 640);
  EXPECT_EQ(jpeg->rows, 480);
  EXPECT_EQ(jpeg->type(), CV_8UC3);
  for (const char* ext : {".png", ".bmp", ".webp"}) {
    auto decoded = DecodeImage(EncodedSample(ext));
    ASSERT_TRUE(decoded.ok()) << ext << ": " << decoded.error().message;
    EXPECT_EQ(decoded->cols, 640) << ext;
  }
}

TEST(ImageDecoder, MissingAndEmptyFiles) {
  auto missing = ReadImageFile("/nonexistent/plate.jpg");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
  auto empty = DecodeImage({});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::kBadImage);
  EXPECT_EQ(empty.error().message, "empty file");
}

TEST(ImageDecoder, NonImageIsRefused) {
  const std::string text = "this is not an image, just text pretending to be one";
  auto r = DecodeImage({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not a supported image"), std::string::npos);
}

TEST(ImageDecoder, TruncatedFilesAreRefusedNotHalfDecoded) {
  for (const char* ext : {".jpg", ".png"}) {
    auto bytes = EncodedSample(ext);
    bytes.resize(bytes.size() * 2 / 3);
    auto r = DecodeImage(bytes);
    ASSERT_FALSE(r.ok()) << ext;
    EXPECT_EQ(r.error().code, ErrorCode::kBadImage);
  }
}

TEST(ImageDecoder, AbsurdSizeIsRefusedBeforeDecoding) {
  // A PNG header that claims 100000x100000 pixels, followed by nothing.
  std::vector<std::uint8_t> png = {0x89, 'P',  'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0,    0, 0,
                                   13,   'I',  'H', 'D', 'R',  0,    0x01, 0x86, 0xA0, 0, 0x01,
                                   0x86, 0xA0, 8,   2,   0,    0,    0,    0,    0,    0, 0};
  auto r = DecodeImage(png);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("100000x100000"), std::string::npos) << r.error().message;

  // A real JPEG whose frame header is rewritten to 65000x65000.
  auto jpeg = EncodedSample(".jpg");
  for (std::size_t i = 2; i + 9 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {
      jpeg[i + 5] = 0xFD;
      jpeg[i + 6] = 0xE8;
      jpeg[i + 7] = 0xFD;
      jpeg[i + 8] = 0xE8;
      break;
    }
  }
  auto big = DecodeImage(jpeg);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("65000x65000"), std::string::npos) << big.error().message;
}

TEST(ImageDecoder, LimitsAreConfigurable) {
  DecodeLimits tight;
  tight.max_pixels = 1000;
  auto r = DecodeImage(EncodedSample(".png"), tight);
  ASSERT_FALSE(r.ok());
  tight = {};
  tight.max_file_bytes = 10;
  ASSERT_FALSE(DecodeImage(EncodedSample(".png"), tight).ok());
}

// Mutation fuzzing of the decode path: flipped bytes, cut files and spliced headers of
// every format. Each input must decode or give a kBadImage error; nothing may crash
// (CI runs this under AddressSanitizer and UBSan).
TEST(ImageDecoder, SurvivesMutatedInputs) {
  std::mt19937 rng(2026);
  int decoded = 0;
  int refused = 0;
  for (const char* ext : {".jpg", ".png", ".bmp", ".webp"}) {
    const auto original = EncodedSample(ext);
    for (int i = 0; i < 60; ++i) {
      auto bytes = original;
      std::uniform_int_distribution<std::size_t> pos(0, bytes.size() - 1);
      const int flips = 1 + static_cast<int>(rng() % 16);
      // Early bytes are headers: mutate them more often.
      for (int f = 0; f < flips; ++f) {
        const std::size_t at = (rng() % 2 == 0) ? pos(rng) % 256 : pos(rng);
        bytes[at] = static_cast<std::uint8_t>(rng());
      }
      if (rng() % 3 == 0) bytes.resize(pos(rng) + 1);
      auto r = DecodeImage(bytes);
      if (r.ok()) {
        ++decoded;
        EXPECT_FALSE(r->empty());
      } else {
        ++refused;
        EXPECT_EQ(r.error().code, ErrorCode::kBadImage);
        EXPECT_FALSE(r.error().message.empty());
      }
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_EQ(decoded + refused, 240);
}

}  // namespace
}  // namespace safelane::vision
