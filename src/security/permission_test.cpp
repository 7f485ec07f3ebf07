#include "security/permission.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace safelane::security {
namespace {

using P = Permission;

std::set<Permission> GrantsOf(Role role) {
  std::set<Permission> out;
  for (Permission p : AllPermissions()) {
    if (RoleHas(role, p)) out.insert(p);
  }
  return out;
}

TEST(Permission, AuditorSeesNoPlatesAndNoCameraPositions) {
  EXPECT_FALSE(RoleSeesPlates(Role::kAuditor));
  EXPECT_EQ(GrantsOf(Role::kAuditor),
            (std::set<Permission>{P::kOwnAccount, P::kAuditRead, P::kStatistics}));
  EXPECT_FALSE(RoleHas(Role::kAuditor, P::kCameraView));
}

TEST(Permission, AdministratorHasNoEvidenceAndNoPlates) {
  EXPECT_FALSE(RoleSeesPlates(Role::kAdministrator));
  for (Permission p : AllPermissions()) {
    if (PermissionRevealsPlates(p)) {
      EXPECT_FALSE(RoleHas(Role::kAdministrator, p)) << PermissionName(p);
    }
  }
  EXPECT_TRUE(RoleHas(Role::kAdministrator, P::kUserAdmin));
  EXPECT_TRUE(RoleHas(Role::kAdministrator, P::kCameraAdmin));
  EXPECT_TRUE(RoleHas(Role::kAdministrator, P::kPolicyAdmin));
  // Separation of duties: whoever manages accounts does not also read their audit.
  EXPECT_FALSE(RoleHas(Role::kAdministrator, P::kAuditRead));
}

TEST(Permission, InstallerHasTheSandboxOnly) {
  EXPECT_EQ(GrantsOf(Role::kInstaller), (std::set<Permission>{P::kOwnAccount, P::kSandbox}));
  EXPECT_FALSE(RoleSeesPlates(Role::kInstaller));
}

TEST(Permission, OnlyInvestigatorsSearchAndFollowJourneysAndOnlyWithCaseAndReason) {
  for (Role role : AllRoles()) {
    const bool investigator = role == Role::kInvestigator;
    EXPECT_EQ(RoleHas(role, P::kVehicleSearch), investigator) << RoleName(role);
    EXPECT_EQ(RoleHas(role, P::kJourney), investigator) << RoleName(role);
  }
  EXPECT_TRUE(RequiresCaseReason(P::kVehicleSearch));
  EXPECT_TRUE(RequiresCaseReason(P::kJourney));
  EXPECT_TRUE(RequiresCaseReason(P::kEvidenceExport));
  EXPECT_FALSE(RequiresCaseReason(P::kReviewQueue));
}

TEST(Permission, OperatorsAndSupervisorsReviewOnlySupervisorsApprove) {
  EXPECT_TRUE(RoleHas(Role::kOperator, P::kLiveFeed));
  EXPECT_TRUE(RoleHas(Role::kOperator, P::kReviewQueue));
  EXPECT_FALSE(RoleHas(Role::kOperator, P::kNoticeApprove));
  EXPECT_FALSE(RoleHas(Role::kOperator, P::kEvidenceExport));
  EXPECT_TRUE(RoleHas(Role::kSupervisor, P::kNoticeApprove));
  for (Role role : AllRoles()) {
    EXPECT_EQ(RoleHas(role, P::kNoticeApprove), role == Role::kSupervisor) << RoleName(role);
    EXPECT_EQ(RoleHas(role, P::kUserAdmin), role == Role::kAdministrator) << RoleName(role);
    EXPECT_EQ(RoleHas(role, P::kAuditRead), role == Role::kAuditor) << RoleName(role);
  }
}

TEST(Permission, NoHumanRoleIngestsAsACamera) {
  for (Role role : AllRoles()) EXPECT_FALSE(RoleHas(role, P::kCameraIngest)) << RoleName(role);
}

TEST(Permission, EveryPermissionIsGrantedToAtMostTheRolesThatNeedIt) {
  // No role holds everything, and no permission other than own_account is universal.
  for (Role role : AllRoles()) {
    EXPECT_LE(GrantsOf(role).size(), AllPermissions().size() / 2) << RoleName(role);
  }
  for (Permission p : AllPermissions()) {
    int holders = 0;
    for (Role role : AllRoles()) holders += RoleHas(role, p) ? 1 : 0;
    if (p == P::kOwnAccount) {
      EXPECT_EQ(holders, static_cast<int>(AllRoles().size()));
    } else {
      EXPECT_LE(holders, 4) << PermissionName(p);
    }
  }
}

TEST(Permission, MfaIsMandatoryForEveryPlateSeeingRoleAndTheAdministrator) {
  for (Role role : AllRoles()) {
    if (RoleSeesPlates(role)) {
      EXPECT_TRUE(RoleRequiresMfa(role)) << RoleName(role);
    }
  }
  EXPECT_TRUE(RoleSeesPlates(Role::kOperator));
  EXPECT_TRUE(RoleSeesPlates(Role::kSupervisor));
  EXPECT_TRUE(RoleSeesPlates(Role::kInvestigator));
  EXPECT_TRUE(RoleRequiresMfa(Role::kAdministrator));
  EXPECT_FALSE(RoleRequiresMfa(Role::kAuditor));
  EXPECT_FALSE(RoleRequiresMfa(Role::kInstaller));
}

TEST(Permission, NamesRoundTripAndParsingIsExact) {
  std::set<std::string_view> names;
  for (Role role : AllRoles()) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
    names.insert(RoleName(role));
  }
  EXPECT_EQ(names.size(), AllRoles().size());
  for (Permission p : AllPermissions()) {
    EXPECT_EQ(ParsePermission(PermissionName(p)), p);
    EXPECT_TRUE(names.insert(PermissionName(p)).second) << "duplicate name";
  }
  EXPECT_FALSE(ParseRole("Administrator").has_value());
  EXPECT_FALSE(ParseRole("admin").has_value());
  EXPECT_FALSE(ParseRole("").has_value());
  EXPECT_FALSE(ParseRole("operator ").has_value());
  EXPECT_FALSE(ParsePermission("LIVE_FEED").has_value());
}

}  // namespace
}  // namespace safelane::security
