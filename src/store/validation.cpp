#include "store/validation.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "security/sha256.h"

namespace safelane::store {
namespace {

bool AllOf(std::string_view s, std::size_t min, std::size_t max, bool (*ok)(char)) {
  return s.size() >= min && s.size() <= max && std::all_of(s.begin(), s.end(), ok);
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsLower(char c) {
  return c >= 'a' && c <= 'z';
}
bool IsUpper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool IsIdChar(char c) {
  return IsDigit(c) || IsLower(c) || IsUpper(c) || c == '_' || c == '.' || c == '-';
}
bool IsPlateChar(char c) {
  return IsDigit(c) || IsUpper(c);
}
bool IsTokenChar(char c) {
  return IsDigit(c) || IsLower(c) || c == '_';
}

Error Bad(const std::string& what) {
  return {ErrorCode::kBadRequest, what};
}

}  // namespace

bool IsValidId(std::string_view id) {
  return AllOf(id, 1, 64, IsIdChar);
}
bool IsValidPlate(std::string_view plate) {
  return AllOf(plate, 1, 16, IsPlateChar);
}

Result<Done> ValidateCamera(const Camera& c) {
  if (!IsValidId(c.id)) return Bad("camera id must be 1-64 of A-Z a-z 0-9 _ . -");
  if (c.name.size() > 200) return Bad("camera name longer than 200 bytes");
  if (c.city.size() > 100) return Bad("camera city longer than 100 bytes");
  if (!(c.latitude >= -90.0 && c.latitude <= 90.0)) return Bad("camera latitude outside [-90, 90]");
  if (!(c.longitude >= -180.0 && c.longitude <= 180.0)) {
    return Bad("camera longitude outside [-180, 180]");
  }
  if (!(c.heading_deg >= 0.0 && c.heading_deg < 360.0)) {
    return Bad("camera heading outside [0, 360) degrees");
  }
  return Done{};
}

Result<Done> ValidateReadEvent(const ReadEvent& e) {
  if (!IsValidId(e.event_id)) return Bad("event_id must be 1-64 of A-Z a-z 0-9 _ . -");
  if (!IsValidId(e.camera_id)) return Bad("camera_id must be 1-64 of A-Z a-z 0-9 _ . -");
  if (!IsValidPlate(e.plate)) return Bad("plate must be 1-16 of A-Z 0-9");
  if (!(e.confidence >= 0.0 && e.confidence <= 1.0)) return Bad("confidence outside [0, 1]");
  if (!e.country.empty() && !AllOf(e.country, 2, 2, IsLower)) {
    return Bad("country must be empty or two lower-case letters");
  }
  if (std::find(std::begin(kVehicleClasses), std::end(kVehicleClasses), e.vehicle_class) ==
      std::end(kVehicleClasses)) {
    return Bad("vehicle_class '" + e.vehicle_class + "' is not one of the known classes");
  }
  if (!e.colour.empty() && !AllOf(e.colour, 1, 16, IsLower)) {
    return Bad("colour must be empty or 1-16 lower-case letters");
  }
  if (e.evidence.size() > kMaxEvidencePerEvent) return Bad("more than 16 evidence objects");
  for (std::size_t i = 0; i < e.evidence.size(); ++i) {
    const auto& ref = e.evidence[i];
    const std::string at = "evidence[" + std::to_string(i) + "]";
    if (!AllOf(ref.role, 1, 32, IsTokenChar)) return Bad(at + ".role must be 1-32 of a-z 0-9 _");
    if (!security::IsSha256Hex(ref.sha256)) {
      return Bad(at + ".sha256 must be 64 lower-case hex digits");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (e.evidence[j].role == ref.role) return Bad(at + ".role '" + ref.role + "' repeats");
    }
  }
  return Done{};
}

Result<Done> ValidateHotlistEntry(const HotlistEntry& h) {
  if (!IsValidPlate(h.plate)) return Bad("hotlist plate must be 1-16 of A-Z 0-9");
  if (h.reason.empty() || h.reason.size() > 200) return Bad("hotlist reason must be 1-200 bytes");
  if (h.expires_at && *h.expires_at <= h.added_at) return Bad("hotlist entry expires before added");
  return Done{};
}

Result<Done> ValidateVehicle(const VehicleRecord& v) {
  if (!IsValidPlate(v.plate)) return Bad("vehicle plate must be 1-16 of A-Z 0-9");
  for (const std::string* field : {&v.make, &v.model, &v.colour, &v.owner_ref}) {
    if (field->size() > 100) return Bad("vehicle fields are at most 100 bytes");
  }
  return Done{};
}

}  // namespace safelane::store
