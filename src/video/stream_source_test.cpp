#include "video/stream_source.h"

#include <gtest/gtest.h>

namespace safelane::video {
namespace {

TEST(UrlForMessages, CredentialsNeverReachMessages) {
  EXPECT_EQ(UrlForMessages("rtsp://admin:s3cret@10.0.0.5:554/stream1"),
            "rtsp://***@10.0.0.5:554/stream1");
  EXPECT_EQ(UrlForMessages("http://u:p@cam/video.mjpg?x=a@b"), "http://***@cam/video.mjpg?x=a@b");
  EXPECT_EQ(UrlForMessages("rtsp://10.0.0.5/stream1"), "rtsp://10.0.0.5/stream1");
  EXPECT_EQ(UrlForMessages("/videos/a@b.mp4"), "/videos/a@b.mp4");
}

}  // namespace
}  // namespace safelane::video
