#pragma once
// Great-circle distance and a bounding box for "cameras near a point" (both backends):
// a backend checks the request (CheckNearRequest), fetches the cameras inside BoxAround
// from its position index, and NearestWithin keeps, orders and cuts them.

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "store/store.h"

namespace safelane::store {

inline constexpr double kEarthRadiusM = 6'371'008.8;  // mean radius (IUGG)
inline constexpr double kMetresPerDegreeLat = kEarthRadiusM * std::numbers::pi / 180.0;

inline double HaversineM(double lat1, double lon1, double lat2, double lon2) {
  const double rad = std::numbers::pi / 180.0;
  const double dlat = (lat2 - lat1) * rad;
  const double dlon = (lon2 - lon1) * rad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * rad) * std::cos(lat2 * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(a)));
}

// The latitude/longitude box around a point that holds every point within radius_m. Near
// the poles or the antimeridian the longitude bound is dropped rather than wrapped.
struct GeoBox {
  double lat_min, lat_max, lon_min, lon_max;
  bool lon_bounded;
};

inline GeoBox BoxAround(double latitude, double longitude, double radius_m) {
  const double dlat = radius_m / kMetresPerDegreeLat;
  const double cos_lat = std::cos(latitude * std::numbers::pi / 180.0);
  const double dlon = cos_lat > 1e-6 ? dlat / cos_lat : 360.0;
  const bool lon_bounded = longitude - dlon >= -180.0 && longitude + dlon <= 180.0;
  return {latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon, lon_bounded};
}

// kBadRequest for a point off the globe, a radius outside (0, 1000 km] or a bad limit.
inline Result<Done> CheckNearRequest(double latitude, double longitude, double radius_m,
                                     int limit) {
  if (limit < 1 || limit > kMaxQueryLimit) {
    return Error(ErrorCode::kBadRequest, "limit must be within [1, 10000]");
  }
  if (!(latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180)) {
    return Error(ErrorCode::kBadRequest, "point outside latitude [-90, 90], longitude [-180, 180]");
  }
  if (!(radius_m > 0 && radius_m <= 1'000'000)) {
    return Error(ErrorCode::kBadRequest, "radius must be within (0, 1000000] metres");
  }
  return Done{};
}

// The candidates within radius_m of the point, nearest first (ties by id), at most `limit`.
inline std::vector<CameraDistance> NearestWithin(std::vector<Camera> candidates, double latitude,
                                                 double longitude, double radius_m, int limit) {
  std::vector<CameraDistance> out;
  for (Camera& c : candidates) {
    const double d = HaversineM(latitude, longitude, c.latitude, c.longitude);
    if (d <= radius_m) out.push_back({std::move(c), d});
  }
  std::sort(out.begin(), out.end(), [](const CameraDistance& a, const CameraDistance& b) {
    return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.camera.id < b.camera.id;
  });
  if (out.size() > static_cast<std::size_t>(limit)) out.resize(static_cast<std::size_t>(limit));
  return out;
}

}  // namespace safelane::store
