// The review queue, the auditors' statistics and the camera map over real TLS.

#include <cctype>
#include <set>
#include <utility>
#include <vector>

#include "server/server_test_fixture.h"

namespace safelane::server {
namespace {

using nlohmann::json;
using security::Role;

class ReviewRoutesTest : public CameraIngestTest {
 protected:
  // Three reads from cam-1 (plates 01A101BC..01A103BC), each with a violation: ids 1..3.
  void ThreeViolations(const Caller& admin) {
    const auto key = Enrol(admin, "cam-1");
    for (int i = 1; i <= 3; ++i) {
      const std::string n = std::to_string(i);
      auto res = Ingest(key, "cam-1", "ev-" + n, "", "01A10" + n + "BC");
      ASSERT_EQ(res->status, 200) << res->body;
      auto v = ctx_->WithStore([&](store::Store& s) {
        return s.CreateViolation("ev-" + n, i == 2 ? "speed" : "red_light", clock_.Now());
      });
      ASSERT_TRUE(v.ok()) << v.error().message;
    }
  }

  std::vector<std::int64_t> QueueIds(const std::string& query, const Caller& caller,
                                     json* body_out = nullptr) {
    auto res = Send("GET", "/api/v1/violations" + query, "", &caller);
    EXPECT_EQ(res->status, 200) << query << ": " << res->body;
    std::vector<std::int64_t> ids;
    if (res->status != 200) return ids;
    const json body = json::parse(res->body);
    for (const auto& row : body["violations"])
      ids.push_back(row["violation_id"].get<std::int64_t>());
    if (body_out != nullptr) *body_out = body;
    return ids;
  }

  int AuditCount(const std::string& action) {
    auto entries = ctx_->WithStore([](store::Store& s) { return s.ListAudit(0, 10'000); });
    EXPECT_TRUE(entries.ok());
    int n = 0;
    for (const auto& e : *entries) n += e.action == action ? 1 : 0;
    return n;
  }
};

using Ids = std::vector<std::int64_t>;

TEST_F(ReviewRoutesTest, OperatorsPageTheQueueByStatusAndEveryPageIsAudited) {
  const Caller admin = SignIn("adm.r", MakeUser("adm.r", Role::kAdministrator));
  const Caller op = SignIn("op.r", MakeUser("op.r", Role::kOperator));
  const Caller sup = SignIn("sup.r", MakeUser("sup.r", Role::kSupervisor));
  ThreeViolations(admin);
  auto decided =
      Send("POST", "/api/v1/violations/2/decision", json{{"outcome", "confirmed"}}.dump(), &sup);
  ASSERT_EQ(decided->status, 200) << decided->body;

  json body;
  EXPECT_EQ(QueueIds("", op, &body), (Ids{1, 3})) << "default: open, oldest first";
  const json& row = body["violations"][0];
  EXPECT_EQ(row["rule"], "red_light");
  EXPECT_EQ(row["status"], "open");
  EXPECT_EQ(row["camera_id"], "cam-1");
  EXPECT_EQ(row["plate"], "01A101BC");
  EXPECT_EQ(row["event_id"], "ev-1");
  EXPECT_TRUE(row.contains("captured_at_ms") && row.contains("created_at_ms"));
  EXPECT_EQ(QueueIds("?status=confirmed", op), (Ids{2}));
  EXPECT_EQ(QueueIds("?status=any&order=newest", op), (Ids{3, 2, 1}));
  // Paging: a full page carries next_after; the last page does not.
  EXPECT_EQ(QueueIds("?status=any&limit=2", op, &body), (Ids{1, 2}));
  ASSERT_EQ(body["next_after"], 2);
  EXPECT_EQ(QueueIds("?status=any&limit=2&after=2", op, &body), (Ids{3}));
  EXPECT_FALSE(body.contains("next_after"));
  EXPECT_EQ(QueueIds("?status=open", sup), (Ids{1, 3})) << "supervisors review too";

  for (const char* bad : {"?limit=201", "?limit=0", "?status=pending", "?order=random", "?after=-1",
                          "?after=x", "?plate=01A101BC"}) {
    auto res = Send("GET", std::string("/api/v1/violations") + bad, "", &op);
    EXPECT_EQ(res->status, 400) << bad << ": " << res->body;
  }
  EXPECT_EQ(AuditCount("violations.list"), 6) << "every page served, none refused";
}

TEST_F(ReviewRoutesTest, StatisticsCountWithoutAPlateAndOnlyForAuditors) {
  const Caller admin = SignIn("adm.s", MakeUser("adm.s", Role::kAdministrator));
  const Caller inv = SignIn("inv.s", MakeUser("inv.s", Role::kInvestigator));
  const Caller aud = SignIn("aud.s", MakeUser("aud.s", Role::kAuditor));
  const Caller op = SignIn("op.s", MakeUser("op.s", Role::kOperator));
  ThreeViolations(admin);
  auto search = Send(
      "POST", "/api/v1/reads/search",
      json{{"plate", "01A101BC"}, {"case_number", "2026/5"}, {"reason", "stolen car report 114"}}
          .dump(),
      &inv);
  ASSERT_EQ(search->status, 200) << search->body;
  auto journey = Send("POST", "/api/v1/vehicles/journey",
                      json{{"plate", "01A102BC"},
                           {"from_ms", 0},
                           {"to_ms", store::ToMillis(clock_.Now()) + 1},
                           {"case_number", "2026/5"},
                           {"reason", "stolen car report 114"}}
                          .dump(),
                      &inv);
  ASSERT_EQ(journey->status, 200) << journey->body;

  const std::int64_t from = store::ToMillis(kServerT0);
  const std::string range =
      "?from=" + std::to_string(from) + "&to=" + std::to_string(from + 86'400'000);
  auto res = Send("GET", "/api/v1/stats" + range, "", &aud);
  ASSERT_EQ(res->status, 200) << res->body;
  const json stats = json::parse(res->body);
  ASSERT_EQ(stats["reads_per_camera_day"].size(), 1U) << res->body;
  EXPECT_EQ(stats["reads_per_camera_day"][0]["camera_id"], "cam-1");
  EXPECT_EQ(stats["reads_per_camera_day"][0]["day"], "2026-01-01");
  EXPECT_EQ(stats["reads_per_camera_day"][0]["reads"], 3);
  ASSERT_EQ(stats["violations_per_rule_status"].size(), 2U);
  EXPECT_EQ(stats["violations_per_rule_status"][0]["rule"], "red_light");
  EXPECT_EQ(stats["violations_per_rule_status"][0]["violations"], 2);
  std::set<std::string> activity;
  for (const auto& a : stats["activity_per_user_day"]) {
    activity.insert(a["user"].get<std::string>() + " " + a["action"].get<std::string>() + " " +
                    std::to_string(a["count"].get<int>()));
  }
  EXPECT_EQ(activity, (std::set<std::string>{"inv.s reads.search 1", "inv.s vehicle.journey 1"}));
  // The audit log names those plates (subject "plate:01A101BC"); the statistics never do.
  for (const char* plate : {"01A101BC", "01A102BC", "01A103BC", "plate:", "ev-1"}) {
    EXPECT_EQ(res->body.find(plate), std::string::npos) << plate << " in " << res->body;
  }

  EXPECT_EQ(Send("GET", "/api/v1/stats" + range, "", &op)->status, 403);
  EXPECT_EQ(Send("GET", "/api/v1/stats?from=5", "", &aud)->status, 400) << "to missing";
  EXPECT_EQ(Send("GET", "/api/v1/stats?from=10&to=5", "", &aud)->status, 400);
  EXPECT_EQ(Send("GET", "/api/v1/stats?from=0&to=" + std::to_string(367LL * 86'400'000), "", &aud)
                ->status,
            400)
      << "over a year";
  EXPECT_EQ(AuditCount("stats.view"), 1);
}

// Walks every string (keys and values) of a JSON document.
void CollectStrings(const json& j, std::vector<std::string>& out) {
  if (j.is_string()) out.push_back(j.get<std::string>());
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      out.push_back(key);
      CollectStrings(value, out);
    }
  }
  if (j.is_array()) {
    for (const auto& value : j) CollectStrings(value, out);
  }
}

// Upper case without spaces, '-' and '.': "01 a-101 bc" -> "01A101BC".
std::string Squeezed(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == ' ' || c == '-' || c == '.') continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

TEST_F(ReviewRoutesTest, AuditorsSeeTheAuditLogWithoutAPlate) {
  const Caller admin = SignIn("adm.p", MakeUser("adm.p", Role::kAdministrator));
  const Caller inv = SignIn("inv.p", MakeUser("inv.p", Role::kInvestigator));
  const Caller sup = SignIn("sup.p", MakeUser("sup.p", Role::kSupervisor));
  const Caller op = SignIn("op.p", MakeUser("op.p", Role::kOperator));
  const Caller aud = SignIn("aud.p", MakeUser("aud.p", Role::kAuditor));
  ThreeViolations(admin);
  // The same plate searched twice, a pattern, a journey, each reason naming a plate in
  // another spelling; an operator pages the queue (which shows plates); a decision.
  const std::vector<std::pair<std::string, std::string>> searches = {
      {"01A101BC", "driver of 01 A 101 BC fled a stop"},
      {"01a101bc", "follow-up on 01-A-101-BC, stolen car report 114"},
      {"01A10*", "who else near 01A102BC on 2026-01-01"}};
  for (const auto& [plate, reason] : searches) {
    auto res =
        Send("POST", "/api/v1/reads/search",
             json{{"plate", plate}, {"case_number", "2026/9"}, {"reason", reason}}.dump(), &inv);
    ASSERT_EQ(res->status, 200) << res->body;
  }
  auto journey = Send("POST", "/api/v1/vehicles/journey",
                      json{{"plate", "01A103BC"},
                           {"from_ms", 0},
                           {"to_ms", store::ToMillis(clock_.Now()) + 1},
                           {"case_number", "2026/9"},
                           {"reason", "route of 01 A 103 BC before the crash"}}
                          .dump(),
                      &inv);
  ASSERT_EQ(journey->status, 200) << journey->body;
  QueueIds("", op);
  ASSERT_EQ(
      Send("POST", "/api/v1/violations/1/decision", json{{"outcome", "confirmed"}}.dump(), &sup)
          ->status,
      200);

  // The full record is kept: the log itself names the plates.
  EXPECT_GE(AuditCount("reads.search"), 3);
  auto raw = ctx_->WithStore([](store::Store& s) { return s.ListAudit(0, 10'000); });
  ASSERT_TRUE(raw.ok());
  bool raw_names_plate = false;
  for (const auto& e : *raw) raw_names_plate = raw_names_plate || e.subject == "plate:01A101BC";
  EXPECT_TRUE(raw_names_plate);

  auto res = Send("GET", "/api/v1/audit?limit=1000", "", &aud);
  ASSERT_EQ(res->status, 200) << res->body;
  const json view = json::parse(res->body);
  ASSERT_GE(view["entries"].size(), raw->size());
  std::vector<std::string> strings;
  CollectStrings(view, strings);
  for (const std::string& s : strings) {
    for (const char* plate : {"01A101BC", "01A102BC", "01A103BC", "01A10*"}) {
      EXPECT_EQ(Squeezed(s).find(plate), std::string::npos) << plate << " in " << s;
    }
  }
  // What, who and why stay readable; the same plate has the same pseudonym.
  std::vector<json> search_entries;
  for (const auto& e : view["entries"]) {
    EXPECT_FALSE(e.contains("hash") || e.contains("signature")) << e.dump();
    if (e["action"] == "reads.search") search_entries.push_back(e);
  }
  ASSERT_EQ(search_entries.size(), 3U);
  EXPECT_EQ(search_entries[0]["actor"], "inv.p");
  EXPECT_EQ(search_entries[0]["subject"], search_entries[1]["subject"]) << "same plate";
  EXPECT_NE(search_entries[0]["subject"], search_entries[2]["subject"]) << "another pattern";
  const std::string pseudonym = search_entries[0]["subject"].get<std::string>().substr(6);
  EXPECT_EQ(search_entries[0]["reason"], "case 2026/9: driver of " + pseudonym + " fled a stop");
  EXPECT_EQ(search_entries[1]["reason"],
            "case 2026/9: follow-up on " + pseudonym + ", stolen car report 114");

  // The chain is unchanged and still verifies.
  auto verified = Send("GET", "/api/v1/audit/verify", "", &aud);
  ASSERT_EQ(verified->status, 200);
  EXPECT_EQ(json::parse(verified->body)["intact"], true) << verified->body;
  const auto key = store::AuditSigningKey(*master_).public_key();
  auto chain = ctx_->WithStore([&](store::Store& s) { return s.VerifyAuditChain(key); });
  EXPECT_TRUE(chain.ok()) << chain.error().message;
}

TEST_F(ReviewRoutesTest, TheMapListsEveryCameraWithItsStatus) {
  const Caller admin = SignIn("adm.m", MakeUser("adm.m", Role::kAdministrator));
  Enrol(admin, "cam-a");
  Enrol(admin, "cam-b");
  Enrol(admin, "cam-c");
  ASSERT_EQ(Send("POST", "/api/v1/cameras/cam-b/revoke", "{}", &admin)->status, 200);
  auto res = Send("GET", "/api/v1/cameras", "", &admin);
  ASSERT_EQ(res->status, 200) << res->body;
  json cameras = json::parse(res->body)["cameras"];
  ASSERT_EQ(cameras.size(), 3U);
  EXPECT_EQ(cameras[0]["camera_id"], "cam-a");
  EXPECT_EQ(cameras[1]["status"], "revoked");
  EXPECT_EQ(cameras[2]["status"], "active");
  EXPECT_EQ(cameras[2]["latitude"], 41.28);
  res = Send("GET", "/api/v1/cameras?after=cam-a&limit=1", "", &admin);
  ASSERT_EQ(res->status, 200) << res->body;
  cameras = json::parse(res->body)["cameras"];
  ASSERT_EQ(cameras.size(), 1U);
  EXPECT_EQ(cameras[0]["camera_id"], "cam-b");
  // Near a point still works; a partial point is refused.
  res = Send("GET", "/api/v1/cameras?latitude=41.28&longitude=69.2&radius_m=100", "", &admin);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["cameras"].size(), 3U);
  EXPECT_EQ(Send("GET", "/api/v1/cameras?latitude=41.28", "", &admin)->status, 400);
}

}  // namespace
}  // namespace safelane::server
