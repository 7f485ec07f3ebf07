#pragma once
// libav error numbers -> readable text for Error messages and StreamHealth::last_error.

#include <string>

namespace safelane::video {

std::string AvErrorText(int av_error);

}  // namespace safelane::video
