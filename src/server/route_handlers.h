#pragma once
// The handlers the route table (route_table.cpp) points at, one group a file:
// session_routes.cpp, camera_routes.cpp, read_routes.cpp, case_routes.cpp,
// admin_routes.cpp, ingest_route.cpp, review_routes.cpp, stats_routes.cpp,
// sandbox_routes.cpp. Each trusts the dispatcher's checks and does
// its own strict parsing (request_schema.h) and auditing (server_context.h).

#include "server/api_types.h"

namespace safelane::server {

struct ServerContext;

ApiResponse Health(ServerContext& ctx, const ApiRequest& req);
ApiResponse SignIn(ServerContext& ctx, const ApiRequest& req);
ApiResponse Activate(ServerContext& ctx, const ApiRequest& req);
ApiResponse SignOut(ServerContext& ctx, const ApiRequest& req);
ApiResponse Me(ServerContext& ctx, const ApiRequest& req);
ApiResponse MfaBegin(ServerContext& ctx, const ApiRequest& req);
ApiResponse MfaConfirm(ServerContext& ctx, const ApiRequest& req);

ApiResponse ListCameras(ServerContext& ctx, const ApiRequest& req);
ApiResponse EnrolCamera(ServerContext& ctx, const ApiRequest& req);
ApiResponse RevokeCamera(ServerContext& ctx, const ApiRequest& req);

ApiResponse LiveFeed(ServerContext& ctx, const ApiRequest& req);
ApiResponse SearchReads(ServerContext& ctx, const ApiRequest& req);
ApiResponse Journey(ServerContext& ctx, const ApiRequest& req);
ApiResponse ViewRead(ServerContext& ctx, const ApiRequest& req);
ApiResponse ViewEvidence(ServerContext& ctx, const ApiRequest& req);

ApiResponse ViewViolation(ServerContext& ctx, const ApiRequest& req);
ApiResponse DecideViolation(ServerContext& ctx, const ApiRequest& req);
ApiResponse ApproveNotice(ServerContext& ctx, const ApiRequest& req);
ApiResponse ExportEvidence(ServerContext& ctx, const ApiRequest& req);
ApiResponse ListViolationQueue(ServerContext& ctx, const ApiRequest& req);  // review_routes.cpp

ApiResponse BrowseAudit(ServerContext& ctx, const ApiRequest& req);
ApiResponse VerifyAudit(ServerContext& ctx, const ApiRequest& req);
ApiResponse ListUsers(ServerContext& ctx, const ApiRequest& req);
ApiResponse CreateUser(ServerContext& ctx, const ApiRequest& req);
ApiResponse Statistics(ServerContext& ctx, const ApiRequest& req);  // stats_routes.cpp

// The installer's sandbox (sandbox_routes.cpp).
ApiResponse SandboxEnrolCamera(ServerContext& ctx, const ApiRequest& req);
ApiResponse SandboxIngest(ServerContext& ctx, const ApiRequest& req);
ApiResponse SandboxReads(ServerContext& ctx, const ApiRequest& req);

ApiResponse IngestEvents(ServerContext& ctx, const ApiRequest& req);

}  // namespace safelane::server
