#include "video/av_error.h"

#include <array>

extern "C" {
#include <libavutil/error.h>
}

namespace safelane::video {

std::string AvErrorText(int av_error) {
  std::array<char, AV_ERROR_MAX_STRING_SIZE> text{};
  if (av_strerror(av_error, text.data(), text.size()) < 0) {
    return "libav error " + std::to_string(av_error);
  }
  return text.data();
}

}  // namespace safelane::video
