#pragma once
// Great-circle distance and a bounding box for "cameras near a point" (both backends).

#include <algorithm>
#include <cmath>
#include <numbers>

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

}  // namespace safelane::store
