#pragma once
// THE route table: every route of the API, with its method, its path pattern and what a
// caller must hold to run it. The dispatcher serves nothing that is not in it (unknown
// paths are 404 with no data), and a route cannot be declared without an access rule:
// RouteAccess has no default, and its only constructors are Needs(permission), Camera()
// and Public(), the last reserved for the routes an anonymous caller must reach (health,
// sign-in, and activation with a one-time setup token). docs/openapi.json lists the same routes; a
// test compares both.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "security/permission.h"
#include "server/api_types.h"

namespace safelane::server {

struct ServerContext;
using RouteHandler = ApiResponse (*)(ServerContext&, const ApiRequest&);

class RouteAccess {
 public:
  enum class Kind { kPublic, kSession, kCamera };

  // A signed-in person whose role holds `permission` (security/permission.h).
  static constexpr RouteAccess Needs(security::Permission permission) {
    return RouteAccess(Kind::kSession, permission);
  }
  // A camera authenticated by a request signature with its enrolled key.
  static constexpr RouteAccess Camera() {
    return RouteAccess(Kind::kCamera, security::Permission::kCameraIngest);
  }
  // Anyone. Only health, sign-in and activation.
  static constexpr RouteAccess Public() {
    return RouteAccess(Kind::kPublic, security::Permission::kOwnAccount);
  }

  constexpr Kind kind() const { return kind_; }
  // Meaningful for kSession and kCamera.
  constexpr security::Permission permission() const { return permission_; }

 private:
  constexpr RouteAccess(Kind kind, security::Permission permission)
      : kind_(kind), permission_(permission) {}
  Kind kind_;
  security::Permission permission_;
};

struct Route {
  std::string_view method;   // GET, POST, DELETE
  std::string_view pattern;  // "/api/v1/violations/{id}": {name} matches one segment
  RouteAccess access;
  RouteHandler handler;
  std::string_view summary;  // one line, also in docs/openapi.json
};

// The table itself (not a copy): tests walk it.
std::span<const Route> Routes();

struct RouteMatch {
  const Route* route = nullptr;
  std::map<std::string, std::string> params;
};

// The route for this method and path, with its {name} values; nullopt if none.
std::optional<RouteMatch> MatchRoute(std::string_view method, std::string_view path);

// A path segment value a pattern accepts: 1..128 of [A-Za-z0-9_.-], never "." or "..".
bool IsValidSegment(std::string_view segment);

}  // namespace safelane::server
