#pragma once
// Error policy (see docs/architecture.md): anything caused by input or the environment
// comes back as an Error value with a precise, human-readable message; the caller
// decides what to do and the process keeps running. Asserts are for internal
// invariants only. A failure is never reported as "nothing found".

#include <string>
#include <string_view>
#include <utility>

namespace safelane {

enum class ErrorCode {
  kBadImage,    // the bytes are not a decodable image of acceptable size
  kBadConfig,   // a configuration value or file is invalid
  kBadRequest,  // a caller passed arguments that cannot be served
  kModel,       // a model failed to load or to run
  kIo,          // the file system or a device failed
};

// Stable identifier used in JSON output and logs.
constexpr std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadImage: return "bad_image";
    case ErrorCode::kBadConfig: return "bad_config";
    case ErrorCode::kBadRequest: return "bad_request";
    case ErrorCode::kModel: return "model";
    case ErrorCode::kIo: return "io";
  }
  return "unknown";
}

struct Error {
  ErrorCode code;
  std::string message;

  Error(ErrorCode c, std::string m) : code(c), message(std::move(m)) {}
};

}  // namespace safelane
