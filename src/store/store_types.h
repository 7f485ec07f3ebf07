#pragma once
// The store's entities: immutable values in and out of the Store interface (store.h).
// Field comments give units and allowed values; validation.h checks them at the edge.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"
#include "security/ed25519.h"
#include "store/clock.h"

namespace safelane::store {

// The value of an operation that returns nothing but can fail.
using Done = std::monostate;

enum class CameraStatus { kActive, kRetired };  // a retired camera's events are refused

struct Camera {
  std::string id;            // [A-Za-z0-9_.-]{1,64}
  std::string name;          // free text, at most 200 bytes
  double latitude = 0.0;     // degrees WGS 84, [-90, 90]
  double longitude = 0.0;    // degrees WGS 84, [-180, 180]
  double heading_deg = 0.0;  // direction the camera looks, degrees from north, [0, 360)
  std::string city;          // at most 100 bytes
  CameraStatus status = CameraStatus::kActive;
  security::PublicKey public_key{};  // Ed25519 key that signs this camera's events
};

// One evidence object an event refers to (an image, a crop, a clip).
struct EvidenceRef {
  std::string role;              // [a-z0-9_]{1,32}, e.g. "overview", "plate"
  std::string sha256;            // content address: 64 lower-case hex digits
  std::uint64_t size_bytes = 0;  // exact size of the plaintext object

  bool operator==(const EvidenceRef&) const = default;
};

// A camera's track: one passing vehicle followed over several frames, which the camera
// reports as one read (the ReadEvent that carries it gives the camera, event id, vehicle
// class and colour). Part of the signed manifest when present.
struct Track {
  std::string id;         // [A-Za-z0-9_.-]{1,64}, the camera's own track id
  TimePoint first_seen;   // first frame the vehicle was tracked in (UTC)
  TimePoint last_seen;    // last frame, >= first_seen
  int frames = 0;         // frames tracked, [1, kMaxTrackFrames]
  int frames_agreed = 0;  // frames whose read agreed with the reported plate, [0, frames]
  std::string direction;  // "", "approaching", "receding", or compass degrees "0".."359"

  bool operator==(const Track&) const = default;
};

inline constexpr int kMaxTrackFrames = 1'000'000;

// A plate read as a camera reports it; the signed manifest (event_manifest.h) carries
// exactly these fields.
struct ReadEvent {
  std::string event_id;               // [A-Za-z0-9_.-]{1,64}, unique for all time
  std::string camera_id;              // a registered camera
  TimePoint captured_at;              // when the frame was taken (UTC)
  std::string plate;                  // [A-Z0-9]{1,16}: normalised, no spaces
  double confidence = 0.0;            // [0, 1]
  std::string country;                // "", or [a-z]{2}
  std::string vehicle_class;          // one of kVehicleClasses
  std::string colour;                 // "", or [a-z]{1,16}
  std::vector<EvidenceRef> evidence;  // at most kMaxEvidencePerEvent
  std::optional<Track> track{};       // the track the read came from, when the camera tracks
  std::string lane{};                 // "" (unknown), or the camera's lane id [A-Za-z0-9_.-]{1,32}

  bool operator==(const ReadEvent&) const = default;
};

inline constexpr std::string_view kVehicleClasses[] = {"unknown", "car", "van",
                                                       "truck",   "bus", "motorcycle"};
inline constexpr std::size_t kMaxEvidencePerEvent = 16;

// A ReadEvent whose signature was checked against its camera's key on arrival.
struct SignedRead {
  ReadEvent event;
  security::Signature signature{};  // the camera's signature over the event's manifest
};

struct StoredRead {
  ReadEvent event;
  security::Signature signature{};
  TimePoint received_at;
  bool hotlist_hit = false;  // the plate was on an active hotlist entry when it arrived
};

// What happened to each event of an ingest batch, in batch order.
enum class InsertOutcome {
  kInserted,
  kDuplicate,  // the same event (same id, same signature) was already stored
  kConflict,   // the id is stored with different content: refused, nothing changed
};

enum class ViolationStatus { kOpen, kConfirmed, kDismissed, kClosed };

std::string_view ViolationStatusName(ViolationStatus status);
std::optional<ViolationStatus> ParseViolationStatus(std::string_view name);

// True for kDismissed and kClosed: the case is over and its retention period starts.
inline bool IsTerminal(ViolationStatus s) {
  return s == ViolationStatus::kDismissed || s == ViolationStatus::kClosed;
}

struct ReviewEntry {
  TimePoint at;
  std::string reviewer;     // who decided, 1..100 bytes
  ViolationStatus outcome;  // the status the review moved the case to
  std::string note;         // at most 2000 bytes
};

struct Violation {
  std::int64_t id = 0;
  std::string event_id;  // the read that shows it
  std::string rule;      // [a-z0-9_]{1,64}, e.g. "red_light", "speed", "hotlist"
  ViolationStatus status = ViolationStatus::kOpen;
  TimePoint created_at;
  std::optional<TimePoint> closed_at;  // set when the status becomes terminal
  std::vector<ReviewEntry> reviews;    // oldest first
};

// A fine. Numbers are "SL-<year>-<six digits>", consecutive within a year, never reused
// (purging a notice does not give its number back).
struct Notice {
  std::string number;
  std::int64_t violation_id = 0;
  TimePoint issued_at;
  std::int64_t amount_minor = 0;  // in the currency's minor unit (tiyin, cents), > 0
  std::string currency;           // ISO 4217, [A-Z]{3}
};

struct HotlistEntry {
  std::string plate;   // [A-Z0-9]{1,16}
  std::string reason;  // 1..200 bytes, e.g. "stolen"
  TimePoint added_at;
  std::optional<TimePoint> expires_at;  // none: until removed
};

struct VehicleRecord {
  std::string plate;  // [A-Z0-9]{1,16}
  std::string make;   // at most 100 bytes each
  std::string model;
  std::string colour;
  std::string owner_ref;  // an opaque reference into the registry, not a name
};

// Append-only, hash-chained and signed (audit_chain.h): each entry's hash covers its
// sequence number, its fields and the previous entry's hash, and the store's audit key
// signs that hash, so an edited, removed, reordered or forged entry is found by
// Store::VerifyAuditChain. AppendAudit takes the fields from `at` to `reason` and fills
// in the rest.
struct AuditEntry {
  std::int64_t id = 0;  // sequence number: 1, 2, 3, ... with no gaps
  TimePoint at;
  std::string actor;      // 1..100 bytes: a username, or "system:<job>"
  std::string action;     // [a-z0-9_.]{1,64}, e.g. "violation.view", "evidence.export"
  std::string subject{};  // what it was done to, e.g. "violation:42"; at most 200 bytes
  std::string detail{};   // at most 2000 bytes
  std::string source{};   // where from, 1..200 bytes: client address, "cli", "camera:<id>"
  std::string reason{};   // why, at most 2000 bytes, e.g. "case 2026/114: stolen car report"
  std::string hash{};     // hex SHA-256 of the previous hash, the id and the fields above
  security::Signature signature{};  // Ed25519 by the audit key over the hash
};

// Who does something, from where and why: what an audit entry records about its cause.
struct AuditContext {
  std::string actor;  // see AuditEntry
  std::string source;
  std::string reason;
};

// The roles of issue 5, least privilege each (the accounts code decides what each may do).
inline constexpr std::string_view kUserRoles[] = {"operator", "supervisor",    "investigator",
                                                  "auditor",  "administrator", "installer"};

// An account. The store never sees a password: only the argon2id hash the accounts code
// made (libsodium crypto_pwhash_str), and the TOTP secret only sealed by that code.
struct User {
  std::int64_t id = 0;             // assigned by CreateUser
  std::string username;            // [a-z0-9._-]{3,64}, unique, never changes
  std::string display_name;        // at most 200 bytes
  std::string role;                // one of kUserRoles
  std::string password_hash;       // "$argon2id$...", or "" (no password set yet)
  std::string totp_secret_sealed;  // opaque bytes; empty: MFA not enrolled
  bool mfa_enabled = false;
  bool disabled = false;
  int failed_logins = 0;  // consecutive failures, >= 0
  std::optional<TimePoint> locked_until{};
  TimePoint created_at;  // kept from CreateUser; UpdateUser does not change it
  std::optional<TimePoint> last_login_at{};
  // The TOTP time step (unix seconds / 30) of the last code accepted; a code of this step
  // or an earlier one is refused, even after a restart (RFC 6238 section 5.2). >= 0.
  std::int64_t totp_last_step = 0;

  bool operator==(const User&) const = default;
};

}  // namespace safelane::store
