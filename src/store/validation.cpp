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
bool IsValidUsername(std::string_view username) {
  return AllOf(username, 3, 64,
               [](char c) { return IsDigit(c) || IsLower(c) || c == '.' || c == '_' || c == '-'; });
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
  if (e.track) {
    if (auto t = ValidateTrack(*e.track); !t) return t.error();
  }
  if (!e.lane.empty() && (e.lane.size() > 32 || !IsValidId(e.lane))) {
    return Bad("lane must be empty or 1-32 of A-Z a-z 0-9 _ . -");
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

Result<Done> ValidateTrack(const Track& t) {
  if (!IsValidId(t.id)) return Bad("track id must be 1-64 of A-Z a-z 0-9 _ . -");
  if (t.last_seen < t.first_seen) return Bad("track last_seen is before first_seen");
  if (t.frames < 1 || t.frames > kMaxTrackFrames) return Bad("track frames outside [1, 1000000]");
  if (t.frames_agreed < 0 || t.frames_agreed > t.frames) {
    return Bad("track frames_agreed outside [0, frames]");
  }
  const std::string& d = t.direction;
  const bool compass =
      AllOf(d, 1, 3, IsDigit) && (d.size() == 1 || d[0] != '0') && std::stoi(d) < 360;
  if (!d.empty() && d != "approaching" && d != "receding" && !compass) {
    return Bad("track direction must be empty, approaching, receding or whole degrees 0-359");
  }
  return Done{};
}

Result<Done> ValidateUser(const User& u) {
  if (!IsValidUsername(u.username)) return Bad("username must be 3-64 of a-z 0-9 . _ -");
  if (u.display_name.size() > 200) return Bad("user display name longer than 200 bytes");
  if (std::find(std::begin(kUserRoles), std::end(kUserRoles), u.role) == std::end(kUserRoles)) {
    return Bad("role '" + u.role +
               "' is not one of operator, supervisor, investigator, auditor, administrator, "
               "installer");
  }
  // A guard against a plain password reaching the store by mistake: only an argon2id
  // string (crypto_pwhash_str) or nothing is accepted.
  if (!u.password_hash.empty() &&
      (u.password_hash.rfind("$argon2id$", 0) != 0 || u.password_hash.size() > 256)) {
    return Bad("password_hash must be an argon2id hash string ($argon2id$...) or empty");
  }
  if (u.totp_secret_sealed.size() > 1024) return Bad("sealed TOTP secret longer than 1024 bytes");
  if (u.totp_last_step < 0) return Bad("TOTP last step must be >= 0");
  if (u.mfa_enabled && u.totp_secret_sealed.empty()) {
    return Bad("MFA cannot be enabled without an enrolled TOTP secret");
  }
  if (u.failed_logins < 0) return Bad("failed_logins must be >= 0");
  return Done{};
}

}  // namespace safelane::store
