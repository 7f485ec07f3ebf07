// Strict request parsing, the OpenAPI file against the route table, and mutation fuzzing
// of the request parsing path (bounded: a few seconds under ASan in CI).

#include "server/request_schema.h"

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <iterator>
#include <random>
#include <set>

#include "server/route_table.h"

namespace safelane::server {
namespace {

using FT = FieldType;
constexpr std::array kRules = {
    FieldRule{"plate", FT::kString, true, 16}, FieldRule{"limit", FT::kInteger},
    FieldRule{"ratio", FT::kNumber},           FieldRule{"flag", FT::kBoolean},
    FieldRule{"items", FT::kArray, false, 3},
};

std::string ErrorOf(std::string_view body) {
  auto r = ParseJsonObject(body, kRules);
  EXPECT_FALSE(r.ok()) << body;
  return r.ok() ? "" : r.error().message;
}

TEST(RequestSchema, AcceptsExactlyTheDeclaredFields) {
  auto r = ParseJsonObject(R"({"plate":"01A123BC","limit":5,"ratio":0.5,"flag":true})", kRules);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["limit"], 5);
}

TEST(RequestSchema, RefusesWithAPreciseMessage) {
  EXPECT_EQ(ErrorOf(R"({"plate":"A","extra":1})"), "body: unknown field 'extra'");
  EXPECT_EQ(ErrorOf(R"({"plate":1})"), "body: field 'plate' must be a string");
  EXPECT_EQ(ErrorOf(R"({"plate":"A","limit":1.5})"), "body: field 'limit' must be an integer");
  EXPECT_EQ(ErrorOf(R"({"limit":1})"), "body: missing field 'plate'");
  EXPECT_EQ(ErrorOf(R"({"plate":"A","plate":"B"})"), "body: duplicate field 'plate'");
  EXPECT_EQ(ErrorOf(R"({"plate":"0123456789ABCDEFG"})"),
            "body: field 'plate' is longer than 16 bytes");
  EXPECT_EQ(ErrorOf(R"({"plate":"A","items":[1,2,3,4]})"),
            "body: field 'items' has more than 3 elements");
  EXPECT_EQ(ErrorOf(R"([1])"), "body must be a JSON object");
  EXPECT_EQ(ErrorOf(R"({"plate":"A")"), "body is not valid JSON (UTF-8)");
  EXPECT_EQ(ErrorOf("{\"plate\":\"\xff\"}"), "body is not valid JSON (UTF-8)");
  EXPECT_EQ(ErrorOf(""), "body is empty; a JSON object is required");
  EXPECT_EQ(ErrorOf(R"({"plate":"A","items":[[[[[1]]]]]})"),
            "body nests objects or arrays deeper than 4");
  EXPECT_EQ(ParseJsonObject(std::string(kMaxJsonBodyBytes + 1, ' '), kRules).error().message,
            "body is larger than 65536 bytes");
}

TEST(RequestSchema, QueryParametersAreTyped) {
  std::multimap<std::string, std::string> q = {{"plate", "01A"}, {"limit", "20"}};
  auto r = ParseQuery(q, kRules);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["limit"], 20);
  EXPECT_FALSE(ParseQuery({{"plate", "A"}, {"limit", "20x"}}, kRules).ok());
  EXPECT_FALSE(ParseQuery({{"plate", "A"}, {"ratio", "nan"}}, kRules).ok());
  EXPECT_FALSE(ParseQuery({{"plate", "A"}, {"flag", "yes"}}, kRules).ok());
  EXPECT_FALSE(ParseQuery({{"plate", "A"}, {"other", "1"}}, kRules).ok());
  EXPECT_FALSE(ParseQuery({{"plate", "A"}, {"plate", "B"}}, kRules).ok());
  EXPECT_FALSE(ParseQuery({{"limit", "1"}}, kRules).ok());
}

TEST(RouteTable, MatchesPatternsAndRefusesOddSegments) {
  auto m = MatchRoute("GET", "/api/v1/violations/42");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->params.at("violation_id"), "42");
  EXPECT_FALSE(MatchRoute("GET", "/api/v1/violations/..").has_value());
  EXPECT_FALSE(MatchRoute("GET", "/api/v1/violations/").has_value());
  EXPECT_FALSE(MatchRoute("PUT", "/api/v1/health").has_value());
  EXPECT_FALSE(MatchRoute("GET", "api/v1/health").has_value());
  EXPECT_FALSE(MatchRoute("GET", "/api/v1/health/").has_value());
  // Each (method, pattern) once; only health, sign-in and activation are public.
  std::set<std::string> seen;
  for (const Route& r : Routes()) {
    EXPECT_TRUE(seen.insert(std::string(r.method) + " " + std::string(r.pattern)).second);
    if (r.access.kind() == RouteAccess::Kind::kPublic) {
      EXPECT_TRUE(r.pattern == "/api/v1/health" || r.pattern == "/api/v1/session" ||
                  r.pattern == "/api/v1/activate")
          << r.pattern;
    }
  }
}

// docs/openapi.json lists exactly the routes of the table, with the same permission.
TEST(OpenApi, ListsExactlyTheRealRoutes) {
  std::ifstream in(SAFELANE_OPENAPI_FILE);
  ASSERT_TRUE(in) << SAFELANE_OPENAPI_FILE;
  const auto doc = nlohmann::json::parse(std::istreambuf_iterator<char>(in),
                                         std::istreambuf_iterator<char>(), nullptr, false);
  ASSERT_TRUE(doc.is_object() && doc.contains("paths"));
  std::map<std::string, std::string> documented;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented[upper + " " + path] = op.value("x-safelane-access", "");
    }
  }
  std::map<std::string, std::string> real;
  for (const Route& r : Routes()) {
    std::string access = "public";
    if (r.access.kind() == RouteAccess::Kind::kCamera) access = "camera";
    if (r.access.kind() == RouteAccess::Kind::kSession) {
      access = std::string(security::PermissionName(r.access.permission()));
    }
    real[std::string(r.method) + " " + std::string(r.pattern)] = access;
  }
  for (const auto& [route, access] : real) {
    ASSERT_TRUE(documented.count(route)) << route << " is not in docs/openapi.json";
    EXPECT_EQ(documented[route], access) << route;
  }
  for (const auto& [route, access] : documented) {
    EXPECT_TRUE(real.count(route)) << route << " is documented but not served";
  }
}

// Mutation fuzzing of the request parsing path: bodies, query strings, paths and route
// matching. Each input must parse or give a kBadRequest error; nothing may crash.
TEST(RequestSchema, SurvivesMutatedRequests) {
  const std::vector<std::string> seeds = {
      R"({"plate":"01A*BC","limit":10,"ratio":1e3,"flag":false,"items":[1,"a",{}]})",
      R"({"case_number":"2026/1","reason":"a reason \u00e9\n","plate":"01A123BC"})",
      R"({"events":[{"manifest":"{\"a\":1}","signature":"ab","evidence":["AAAA"]}]})",
  };
  std::mt19937 rng(2026);
  const std::string alphabet = "{}[]\":,\\ 0123456789.eE+-abtrufnl\x00\xff\xc3\xa9/{}";
  int parsed = 0;
  int refused = 0;
  for (int i = 0; i < 6000; ++i) {
    std::string body = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits && !body.empty(); ++e) {
      const std::size_t at = rng() % body.size();
      switch (rng() % 4) {
        case 0: body[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: body.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        case 2: body.erase(at, 1 + rng() % 4); break;
        default: body.insert(at, body.substr(rng() % body.size(), rng() % 16)); break;
      }
    }
    auto r = ParseJsonObject(body, kRules);
    if (r.ok()) {
      ++parsed;
    } else {
      ++refused;
      EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
      EXPECT_FALSE(r.error().message.empty());
    }
    std::multimap<std::string, std::string> query = {{body.substr(0, rng() % 8), body}};
    (void)ParseQuery(query, kRules);
    std::string path = "/api/v1/" + body.substr(0, rng() % 40);
    (void)MatchRoute(i % 2 == 0 ? "GET" : "POST", path);
  }
  EXPECT_GT(refused, 0);
  EXPECT_EQ(parsed + refused, 6000);
}

}  // namespace
}  // namespace safelane::server
