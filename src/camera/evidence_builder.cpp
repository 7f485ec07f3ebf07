#include "camera/evidence_builder.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace safelane::camera {
namespace {

constexpr int kMinPlateCropWidth = 400;

Result<security::Bytes> Jpeg(const cv::Mat& image, int quality) {
  std::vector<std::uint8_t> out;
  try {
    if (image.empty() || !cv::imencode(".jpg", image, out, {cv::IMWRITE_JPEG_QUALITY, quality})) {
      return Error(ErrorCode::kBadImage, "evidence image could not be JPEG-encoded");
    }
  } catch (const cv::Exception& e) {
    return Error(ErrorCode::kBadImage, std::string("evidence JPEG encoding failed: ") + e.what());
  }
  return out;
}

cv::Rect Grow(const cv::Rect2f& box, float left_right, float up, float down, cv::Size limit) {
  const cv::Rect2f grown(box.x - box.width * left_right, box.y - box.height * up,
                         box.width * (1 + 2 * left_right), box.height * (1 + up + down));
  return cv::Rect(grown) & cv::Rect(0, 0, limit.width, limit.height);
}

void PutLine(cv::Mat& image, const std::string& text, int line, double scale) {
  const int h = static_cast<int>(32 * scale);
  const cv::Point at(static_cast<int>(12 * scale), h * (line + 1));
  const int thick = std::max(1, static_cast<int>(2 * scale));
  // Dark outline under light text: legible on any background.
  cv::putText(image, text, at, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(0, 0, 0), thick * 3,
              cv::LINE_AA);
  cv::putText(image, text, at, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(255, 255, 255), thick,
              cv::LINE_AA);
}

}  // namespace

std::string Iso8601Utc(WallTime t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const auto seconds = static_cast<std::time_t>(ms.count() / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  char out[64];
  std::snprintf(out, sizeof out, "%.*s.%03dZ", static_cast<int>(n), buf,
                static_cast<int>(ms.count() % 1000));
  return out;
}

Result<std::vector<EvidenceObject>> BuildEvidence(const VehiclePass& pass,
                                                  const OverlayText& overlay, int jpeg_quality) {
  if (pass.frame.empty()) return Error(ErrorCode::kBadImage, "the pass has no frame");
  std::vector<EvidenceObject> objects;
  auto overview = Jpeg(pass.frame, jpeg_quality);
  if (!overview) return overview.error();
  objects.push_back({"overview", std::move(*overview)});

  const cv::Rect plate_box = Grow(pass.plate.box, 0.15F, 0.3F, 0.3F, pass.frame.size());
  if (plate_box.area() <= 0)
    return Error(ErrorCode::kBadImage, "the plate box is outside the frame");
  cv::Mat plate;
  const double zoom = std::max(1.0, double{kMinPlateCropWidth} / plate_box.width);
  cv::resize(pass.frame(plate_box), plate, cv::Size(), zoom, zoom, cv::INTER_CUBIC);
  auto plate_jpeg = Jpeg(plate, jpeg_quality);
  if (!plate_jpeg) return plate_jpeg.error();
  objects.push_back({"plate", std::move(*plate_jpeg)});

  cv::Mat vehicle;
  if (!pass.vehicle_frame.empty()) {
    const cv::Rect box = cv::Rect(pass.vehicle_box) &
                         cv::Rect(0, 0, pass.vehicle_frame.cols, pass.vehicle_frame.rows);
    if (box.area() > 0) vehicle = pass.vehicle_frame(box);
  }
  if (vehicle.empty()) {
    // No vehicle box: a car-sized region around the plate (plates sit low and central).
    vehicle = pass.frame(Grow(pass.plate.box, 1.5F, 5.0F, 1.5F, pass.frame.size()));
  }
  auto vehicle_jpeg = Jpeg(vehicle, jpeg_quality);
  if (!vehicle_jpeg) return vehicle_jpeg.error();
  objects.push_back({"vehicle", std::move(*vehicle_jpeg)});

  cv::Mat marked = pass.frame.clone();  // the original stays untouched
  const double scale = std::max(0.6, marked.cols / 1920.0);
  cv::rectangle(marked, cv::Rect(pass.plate.box), cv::Scalar(0, 255, 255),
                std::max(2, static_cast<int>(3 * scale)));
  PutLine(marked, "camera " + overlay.camera_id + "  " + Iso8601Utc(pass.captured_at), 0, scale);
  char gps[80];
  std::snprintf(gps, sizeof gps, "GPS %.6f, %.6f", overlay.latitude, overlay.longitude);
  PutLine(marked, gps, 1, scale);
  PutLine(marked, "event " + overlay.event_id, 2, scale);
  auto overlay_jpeg = Jpeg(marked, jpeg_quality);
  if (!overlay_jpeg) return overlay_jpeg.error();
  objects.push_back({"overlay", std::move(*overlay_jpeg)});
  return objects;
}

}  // namespace safelane::camera
