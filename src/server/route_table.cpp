#include "server/route_table.h"

#include <array>

#include "server/route_handlers.h"

namespace safelane::server {
namespace {

using security::Permission;
using A = RouteAccess;

// Every route of the API. Adding one means adding a line here (with its access rule)
// and its operation in docs/openapi.json.
constexpr std::array kRouteTable = {
    Route{"GET", "/api/v1/health", A::Public(), Health, "Liveness; no data"},
    Route{"POST", "/api/v1/session", A::Public(), SignIn,
          "Sign in (password + TOTP); sets the session cookie, returns the CSRF token"},
    Route{"POST", "/api/v1/activate", A::Public(), Activate,
          "Set the first password of an account with its one-time setup token"},
    Route{"DELETE", "/api/v1/session", A::Needs(Permission::kOwnAccount), SignOut, "Sign out"},
    Route{"GET", "/api/v1/me", A::Needs(Permission::kOwnAccount), Me,
          "The signed-in user and role"},
    Route{"POST", "/api/v1/me/mfa", A::Needs(Permission::kOwnAccount), MfaBegin,
          "Start TOTP enrolment: returns the secret and otpauth URI"},
    Route{"POST", "/api/v1/me/mfa/confirm", A::Needs(Permission::kOwnAccount), MfaConfirm,
          "Finish TOTP enrolment with a current code"},
    Route{"GET", "/api/v1/cameras", A::Needs(Permission::kCameraView), ListCameras,
          "Every camera with its position and status (map), or those near a point"},
    Route{"POST", "/api/v1/cameras", A::Needs(Permission::kCameraAdmin), EnrolCamera,
          "Enrol a camera and its Ed25519 public key"},
    Route{"POST", "/api/v1/cameras/{camera_id}/revoke", A::Needs(Permission::kCameraAdmin),
          RevokeCamera, "Revoke a camera: its requests and events are refused from now on"},
    Route{"GET", "/api/v1/live", A::Needs(Permission::kLiveFeed), LiveFeed,
          "Reads of the last minutes (audited)"},
    Route{"POST", "/api/v1/reads/search", A::Needs(Permission::kVehicleSearch), SearchReads,
          "Search reads by plate/wildcard, time, camera, city, class, colour (case + reason)"},
    Route{"POST", "/api/v1/vehicles/journey", A::Needs(Permission::kJourney), Journey,
          "A vehicle's reads in time order with camera positions (case + reason)"},
    Route{"GET", "/api/v1/reads/{event_id}", A::Needs(Permission::kEvidenceView), ViewRead,
          "One read and its evidence list (audited)"},
    Route{"GET", "/api/v1/reads/{event_id}/evidence/{sha256}", A::Needs(Permission::kEvidenceView),
          ViewEvidence, "One evidence object's bytes (audited)"},
    Route{"GET", "/api/v1/violations", A::Needs(Permission::kReviewQueue), ListViolationQueue,
          "Review queue: violations by status, oldest or newest first, paged (audited)"},
    Route{"GET", "/api/v1/violations/{violation_id}", A::Needs(Permission::kReviewQueue),
          ViewViolation, "A violation with its read and review history (audited)"},
    Route{"POST", "/api/v1/violations/{violation_id}/decision", A::Needs(Permission::kReviewDecide),
          DecideViolation, "Confirm, dismiss or close a violation"},
    Route{"POST", "/api/v1/violations/{violation_id}/notices", A::Needs(Permission::kNoticeApprove),
          ApproveNotice, "Approve a notice (fine) for a confirmed violation"},
    Route{"POST", "/api/v1/violations/{violation_id}/export", A::Needs(Permission::kEvidenceExport),
          ExportEvidence, "Signed evidence package (ZIP) (case + reason)"},
    Route{"GET", "/api/v1/audit", A::Needs(Permission::kAuditRead), BrowseAudit,
          "Audit entries after an id; plates as keyed pseudonyms (audited)"},
    Route{"GET", "/api/v1/audit/verify", A::Needs(Permission::kAuditRead), VerifyAudit,
          "Verify the audit chain and signatures"},
    Route{"GET", "/api/v1/stats", A::Needs(Permission::kStatistics), Statistics,
          "Counts per camera, rule, status and user per day; no plates (audited)"},
    Route{"GET", "/api/v1/users", A::Needs(Permission::kUserAdmin), ListUsers, "Accounts"},
    Route{"POST", "/api/v1/users", A::Needs(Permission::kUserAdmin), CreateUser,
          "Create an account (its password is set with a one-time token)"},
    Route{"POST", "/api/v1/sandbox/cameras", A::Needs(Permission::kSandbox), SandboxEnrolCamera,
          "Enrol a test camera's public key in the sandbox (never the real store)"},
    Route{"POST", "/api/v1/sandbox/ingest", A::Needs(Permission::kSandbox), SandboxIngest,
          "Signed events of a sandbox test camera into the sandbox store"},
    Route{"GET", "/api/v1/sandbox/reads", A::Needs(Permission::kSandbox), SandboxReads,
          "Reads in the sandbox store"},
    Route{"POST", "/api/v1/ingest", A::Camera(), IngestEvents,
          "Signed events from an enrolled camera (request signed with its key)"},
};

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 1;  // paths begin with '/'
  while (start <= path.size()) {
    const std::size_t end = path.find('/', start);
    const std::size_t stop = end == std::string_view::npos ? path.size() : end;
    out.push_back(path.substr(start, stop - start));
    start = stop + 1;
  }
  return out;
}

}  // namespace

std::span<const Route> Routes() {
  return kRouteTable;
}

bool IsValidSegment(std::string_view segment) {
  if (segment.empty() || segment.size() > 128 || segment == "." || segment == "..") return false;
  for (const char c : segment) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<RouteMatch> MatchRoute(std::string_view method, std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  const auto segments = Split(path);
  for (const Route& route : kRouteTable) {
    if (route.method != method) continue;
    const auto pattern = Split(route.pattern);
    if (pattern.size() != segments.size()) continue;
    RouteMatch match{&route, {}};
    bool ok = true;
    for (std::size_t i = 0; i < pattern.size() && ok; ++i) {
      const std::string_view p = pattern[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        ok = IsValidSegment(segments[i]);
        if (ok) match.params.emplace(p.substr(1, p.size() - 2), segments[i]);
      } else {
        ok = p == segments[i];
      }
    }
    if (ok) return match;
  }
  return std::nullopt;
}

}  // namespace safelane::server
