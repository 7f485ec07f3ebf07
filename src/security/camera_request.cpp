#include "security/camera_request.h"

#include "security/sha256.h"

namespace safelane::security {

std::string CameraSigningInput(std::string_view method, std::string_view path,
                               std::string_view camera_id, std::string_view time_ms,
                               std::string_view body) {
  std::string input = "SAFELANE-CAMERA-REQUEST-V1\n";
  input.append(method).append("\n").append(path).append("\n").append(camera_id).append("\n");
  input.append(time_ms).append("\n").append(Sha256Hex(AsBytes(body)));
  return input;
}

}  // namespace safelane::security
