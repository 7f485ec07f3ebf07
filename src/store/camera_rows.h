#pragma once
// The camera columns every camera query of both backends selects, in this order, and how a
// row of them becomes a Camera. One definition, so a new column cannot be read in one
// query and forgotten in another.

#include <algorithm>
#include <pqxx/pqxx>
#include <string>

#include "store/postgres_common.h"
#include "store/sqlite_db.h"
#include "store/store_types.h"

namespace safelane::store {

inline constexpr const char* kCameraColumns =
    "id, name, latitude, longitude, heading_deg, city, status, public_key";

inline CameraStatus CameraStatusFromName(const std::string& name) {
  return name == "retired" ? CameraStatus::kRetired : CameraStatus::kActive;
}

inline Camera CameraRow(const sqlite::Statement& s) {
  Camera c;
  c.id = s.Text(0);
  c.name = s.Text(1);
  c.latitude = s.Real(2);
  c.longitude = s.Real(3);
  c.heading_deg = s.Real(4);
  c.city = s.Text(5);
  c.status = CameraStatusFromName(s.Text(6));
  const auto key = s.Blob(7);
  if (key.size() == c.public_key.size()) std::copy(key.begin(), key.end(), c.public_key.begin());
  return c;
}

inline Camera CameraRow(const pqxx::row& r) {
  Camera c;
  c.id = r[0].as<std::string>();
  c.name = r[1].as<std::string>();
  c.latitude = r[2].as<double>();
  c.longitude = r[3].as<double>();
  c.heading_deg = r[4].as<double>();
  c.city = r[5].as<std::string>();
  c.status = CameraStatusFromName(r[6].as<std::string>());
  postgres::CopyBytes(r[7], c.public_key);
  return c;
}

}  // namespace safelane::store
