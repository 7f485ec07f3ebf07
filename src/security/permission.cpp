#include "security/permission.h"

#include <algorithm>
#include <array>

namespace safelane::security {
namespace {

using P = Permission;

constexpr std::array kRoles = {Role::kOperator, Role::kSupervisor,    Role::kInvestigator,
                               Role::kAuditor,  Role::kAdministrator, Role::kInstaller};

constexpr std::array kPermissions = {
    P::kOwnAccount,    P::kLiveFeed,     P::kReviewQueue,  P::kReviewDecide,   P::kNoticeApprove,
    P::kVehicleSearch, P::kJourney,      P::kEvidenceView, P::kEvidenceExport, P::kCameraView,
    P::kAuditRead,     P::kStatistics,   P::kUserAdmin,    P::kCameraAdmin,    P::kPolicyAdmin,
    P::kSandbox,       P::kCameraIngest,
};

// THE table. Read it as a list of grants; everything else is denied.
constexpr std::array kOperatorGrants = {P::kOwnAccount,   P::kLiveFeed,     P::kReviewQueue,
                                        P::kReviewDecide, P::kEvidenceView, P::kCameraView};
constexpr std::array kSupervisorGrants = {P::kOwnAccount,     P::kLiveFeed,     P::kReviewQueue,
                                          P::kReviewDecide,   P::kEvidenceView, P::kNoticeApprove,
                                          P::kEvidenceExport, P::kCameraView};
constexpr std::array kInvestigatorGrants = {P::kOwnAccount,   P::kVehicleSearch,  P::kJourney,
                                            P::kEvidenceView, P::kEvidenceExport, P::kCameraView};
constexpr std::array kAuditorGrants = {P::kOwnAccount, P::kAuditRead, P::kStatistics};
constexpr std::array kAdministratorGrants = {P::kOwnAccount, P::kUserAdmin, P::kCameraAdmin,
                                             P::kPolicyAdmin, P::kCameraView};
constexpr std::array kInstallerGrants = {P::kOwnAccount, P::kSandbox};

std::span<const Permission> Grants(Role role) {
  switch (role) {
    case Role::kOperator: return kOperatorGrants;
    case Role::kSupervisor: return kSupervisorGrants;
    case Role::kInvestigator: return kInvestigatorGrants;
    case Role::kAuditor: return kAuditorGrants;
    case Role::kAdministrator: return kAdministratorGrants;
    case Role::kInstaller: return kInstallerGrants;
  }
  return {};
}

}  // namespace

std::span<const Role> AllRoles() {
  return kRoles;
}

std::span<const Permission> AllPermissions() {
  return kPermissions;
}

bool RoleHas(Role role, Permission permission) {
  const auto grants = Grants(role);
  return std::find(grants.begin(), grants.end(), permission) != grants.end();
}

bool PermissionRevealsPlates(Permission permission) {
  switch (permission) {
    case P::kLiveFeed:
    case P::kReviewQueue:
    case P::kReviewDecide:
    case P::kNoticeApprove:
    case P::kVehicleSearch:
    case P::kJourney:
    case P::kEvidenceView:
    case P::kEvidenceExport:
    case P::kCameraIngest: return true;
    case P::kOwnAccount:
    case P::kCameraView:
    case P::kAuditRead:
    case P::kStatistics:
    case P::kUserAdmin:
    case P::kCameraAdmin:
    case P::kPolicyAdmin:
    case P::kSandbox: return false;
  }
  return true;  // an unknown value is treated as the most sensitive
}

bool RequiresCaseReason(Permission permission) {
  // Free search over everyone's movements is the mass-surveillance power; it is only
  // used for a named case, and the reason is audited.
  return permission == P::kVehicleSearch || permission == P::kJourney ||
         permission == P::kEvidenceExport;
}

bool RoleSeesPlates(Role role) {
  const auto grants = Grants(role);
  return std::any_of(grants.begin(), grants.end(), PermissionRevealsPlates);
}

bool RoleRequiresMfa(Role role) {
  return RoleSeesPlates(role) || role == Role::kAdministrator;
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kOperator: return "operator";
    case Role::kSupervisor: return "supervisor";
    case Role::kInvestigator: return "investigator";
    case Role::kAuditor: return "auditor";
    case Role::kAdministrator: return "administrator";
    case Role::kInstaller: return "installer";
  }
  return "unknown";
}

std::string_view PermissionName(Permission permission) {
  switch (permission) {
    case P::kOwnAccount: return "own_account";
    case P::kLiveFeed: return "live_feed";
    case P::kReviewQueue: return "review_queue";
    case P::kReviewDecide: return "review_decide";
    case P::kNoticeApprove: return "notice_approve";
    case P::kVehicleSearch: return "vehicle_search";
    case P::kJourney: return "journey";
    case P::kEvidenceView: return "evidence_view";
    case P::kEvidenceExport: return "evidence_export";
    case P::kCameraView: return "camera_view";
    case P::kAuditRead: return "audit_read";
    case P::kStatistics: return "statistics";
    case P::kUserAdmin: return "user_admin";
    case P::kCameraAdmin: return "camera_admin";
    case P::kPolicyAdmin: return "policy_admin";
    case P::kSandbox: return "sandbox";
    case P::kCameraIngest: return "camera_ingest";
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : kRoles) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

std::optional<Permission> ParsePermission(std::string_view name) {
  for (Permission permission : kPermissions) {
    if (PermissionName(permission) == name) return permission;
  }
  return std::nullopt;
}

}  // namespace safelane::security
