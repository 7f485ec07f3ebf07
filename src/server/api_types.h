#pragma once
// What a route handler sees and returns. Handlers never touch HTTP objects: the
// dispatcher (https_server.cpp) has already matched the route, checked the session, the
// permission, CSRF, size limits and (where the permission demands it) the case number and
// reason, so a handler receives only callers that may run it.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "security/permission.h"

namespace safelane::server {

struct Principal {
  std::string username;                // a person's username, or "camera:<id>" for a camera
  std::optional<security::Role> role;  // none for a camera
};

struct ApiRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> path_params;  // {name} segments of the pattern
  std::multimap<std::string, std::string> query;
  std::string body;
  std::string source;                  // the client's address, for the audit log
  std::optional<Principal> principal;  // none only on public routes
  std::string session_id;              // the caller's session, if any
  std::string case_number;             // set when the route's permission requires it
  std::string reason;                  // likewise
};

struct ApiResponse {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  // A non-JSON body (evidence bytes, an export package); json body is ignored when set.
  std::optional<std::string> raw_body{};
  std::string raw_content_type{};
  std::vector<std::pair<std::string, std::string>> headers{};
};

// {"error": code, "message": text} with the status; the body never carries data.
ApiResponse ErrorResponse(int status, std::string code, std::string message);

}  // namespace safelane::server
