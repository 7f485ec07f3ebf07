// The installer's sandbox over real TLS: test events go to the sandbox store only, real
// reads never show in it, and an installer reaches nothing else.

#include "server/route_table.h"
#include "server/server_test_fixture.h"

namespace safelane::server {
namespace {

using nlohmann::json;
using security::Role;

class SandboxTest : public CameraIngestTest {};

TEST_F(SandboxTest, SandboxEventsNeverReachTheRealStoreAndRealReadsNeverReachTheSandbox) {
  const Caller admin = SignIn("adm.x", MakeUser("adm.x", Role::kAdministrator));
  const Caller installer = SignIn("ins.x", MakeUser("ins.x", Role::kInstaller));
  ASSERT_FALSE(installer.cookie.empty());
  const auto real_key = Enrol(admin, "cam-1");
  ASSERT_EQ(Ingest(real_key, "cam-1", "ev-real", "real photo", "01A111BC")->status, 200);

  // The installer enrols a test camera in the sandbox and uploads its signed events.
  auto test_key = security::SigningKey::Generate();
  ASSERT_TRUE(test_key.ok());
  auto enrolled =
      Send("POST", "/api/v1/sandbox/cameras",
           json{{"camera_id", "bench-cam"}, {"public_key", security::ToHex(test_key->public_key())}}
               .dump(),
           &installer);
  ASSERT_EQ(enrolled->status, 201) << enrolled->body;
  auto uploaded =
      Send("POST", "/api/v1/sandbox/ingest",
           EventsBody(*test_key, "bench-cam", "ev-test", "test photo", "90Z999ZZ"), &installer);
  ASSERT_EQ(uploaded->status, 200) << uploaded->body;
  EXPECT_EQ(json::parse(uploaded->body)["results"][0]["status"], "accepted") << uploaded->body;
  // A real camera's event is refused in the sandbox (its key is not enrolled there), so a
  // real read cannot be copied in through it.
  auto copied = Send("POST", "/api/v1/sandbox/ingest",
                     EventsBody(real_key, "cam-1", "ev-copy", "", "01A111BC"), &installer);
  ASSERT_EQ(copied->status, 200) << copied->body;
  EXPECT_EQ(json::parse(copied->body)["results"][0]["status"], "refused") << copied->body;

  auto listed = Send("GET", "/api/v1/sandbox/reads", "", &installer);
  ASSERT_EQ(listed->status, 200) << listed->body;
  const json reads = json::parse(listed->body)["reads"];
  ASSERT_EQ(reads.size(), 1U) << listed->body;
  EXPECT_EQ(reads[0]["event_id"], "ev-test");
  EXPECT_EQ(reads[0]["plate"], "90Z999ZZ");
  EXPECT_EQ(listed->body.find("01A111BC"), std::string::npos) << "a real plate in the sandbox";

  // The real store has no trace of the sandbox: no read, no camera, no evidence.
  auto real = ctx_->WithStore([](store::Store& s) { return s.SearchReads({}); });
  ASSERT_TRUE(real.ok());
  ASSERT_EQ(real->size(), 1U);
  EXPECT_EQ((*real)[0].event.event_id, "ev-real");
  auto camera = ctx_->WithStore([](store::Store& s) { return s.GetCamera("bench-cam"); });
  ASSERT_TRUE(camera.ok());
  EXPECT_FALSE(camera->has_value());
  const std::string test_sha = security::Sha256Hex(security::AsBytes(std::string("test photo")));
  EXPECT_FALSE(vault_->Contains(test_sha));
  EXPECT_TRUE(sandbox_vault_->Contains(test_sha));
  // ... and a sandbox camera cannot send to the real ingest.
  EXPECT_EQ(Ingest(*test_key, "bench-cam", "ev-test-2")->status, 401);

  // The installer's actions are in the real audit log, without the sandbox's plates.
  auto entries = ctx_->WithStore([](store::Store& s) { return s.ListAudit(0, 1000); });
  ASSERT_TRUE(entries.ok());
  int sandbox_entries = 0;
  for (const auto& e : *entries) {
    if (e.actor != "ins.x") continue;
    sandbox_entries += e.action.rfind("sandbox.", 0) == 0 ? 1 : 0;
    EXPECT_EQ(e.detail.find("90Z999ZZ"), std::string::npos);
  }
  EXPECT_EQ(sandbox_entries, 3);
}

// The route walk (https_server_test.cpp) proves 403 for every route an installer lacks;
// this names the real-data routes once more, with a signed-in installer and real data.
TEST_F(SandboxTest, AnInstallerGets403OnEveryRealDataRoute) {
  const Caller installer = SignIn("ins.y", MakeUser("ins.y", Role::kInstaller));
  int refused = 0;
  for (const Route& route : Routes()) {
    if (route.access.kind() != RouteAccess::Kind::kSession) continue;
    const auto p = route.access.permission();
    if (p == security::Permission::kSandbox || p == security::Permission::kOwnAccount) continue;
    std::string path(route.pattern);
    for (const char* name : {"{violation_id}", "{event_id}", "{camera_id}", "{sha256}"}) {
      const auto at = path.find(name);
      if (at != std::string::npos) path.replace(at, std::string(name).size(), "1");
    }
    auto res = Send(std::string(route.method), path, "{}", &installer);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 403) << route.method << " " << path;
    ++refused;
  }
  EXPECT_GE(refused, 15);
}

}  // namespace
}  // namespace safelane::server
