#pragma once
// Roles and permissions: the ONE table that says which role may do what (issue 5).
// Deny by default: a permission not listed for a role is refused, and the server's
// route table names one Permission per route, so every route is checked against this
// table and nothing else.
//
// Least privilege, as issue 5 states it:
//   operator       live feed, review queue (and the evidence of what it reviews)
//   supervisor     what an operator does, plus approving notices
//   investigator   vehicle search and journeys, only with a case number and a reason
//   auditor        the audit log and statistics; never a plate
//   administrator  users, cameras, policy; never evidence, never a plate
//   installer      the sandbox only
// Cameras are not people: kCameraIngest belongs to no role; cameras authenticate with
// their own enrolled keys.

#include <optional>
#include <span>
#include <string_view>

namespace safelane::security {

enum class Role {
  kOperator,
  kSupervisor,
  kInvestigator,
  kAuditor,
  kAdministrator,
  kInstaller,
};

enum class Permission {
  kOwnAccount,      // change one's own password, enrol one's own MFA
  kLiveFeed,        // live reads as the cameras see them (plates)
  kReviewQueue,     // list violations waiting for review (plates)
  kReviewDecide,    // confirm or reject a violation (plates)
  kNoticeApprove,   // approve a notice (fine) for sending (plates)
  kVehicleSearch,   // search reads by plate or wildcard (plates; case + reason)
  kJourney,         // a vehicle's movements over time (plates; case + reason)
  kEvidenceView,    // images and manifests of one event (plates)
  kEvidenceExport,  // a signed evidence package leaves the system (plates; case + reason)
  kCameraView,      // camera list with positions: only for roles that work with cameras' data
  kAuditRead,       // browse and verify the audit log (no plates in it)
  kStatistics,      // aggregate counts; no plates, no positions of single vehicles
  kUserAdmin,       // create, disable, unlock users; assign roles
  kCameraAdmin,     // enrol, revoke and edit cameras
  kPolicyAdmin,     // retention and enforcement policy
  kSandbox,         // try the reader on images the installer uploads; nothing stored is read
  kCameraIngest,    // cameras only: submit signed events
};

// Every role and permission, for tests and for tools that walk the whole table.
std::span<const Role> AllRoles();
std::span<const Permission> AllPermissions();

// The table. False for anything not granted explicitly.
bool RoleHas(Role role, Permission permission);

// True when using the permission reveals number plates or a vehicle's movements.
bool PermissionRevealsPlates(Permission permission);

// True when the caller must state a case number and a written reason each time (they
// are checked non-empty by the caller and written to the audit log).
bool RequiresCaseReason(Permission permission);

// True when any of the role's permissions reveals plates.
bool RoleSeesPlates(Role role);

// MFA is mandatory for every role that sees plates, and for the administrator, who
// can create accounts that see plates (otherwise one stolen password grants them all).
bool RoleRequiresMfa(Role role);

// Stable lower-case names ("operator", "live_feed"), used in the store, the API and logs.
std::string_view RoleName(Role role);
std::string_view PermissionName(Permission permission);
// Exact, lower-case names only; std::nullopt for anything else.
std::optional<Role> ParseRole(std::string_view name);
std::optional<Permission> ParsePermission(std::string_view name);

}  // namespace safelane::security
