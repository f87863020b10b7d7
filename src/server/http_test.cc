// Unit tests of the pieces below the HTTP server: the StatusCode -> HTTP table, the error JSON,
// query parameter validation and the API's routing (no network, no database).
#include "http.h"

#include <gtest/gtest.h>

#include "api.h"
#include "query.h"
#include "store_pool.h"

namespace spcoop::server {
namespace {

using json = Json;

TEST(HttpStatusTest, EveryStatusCodeHasItsDocumentedHttpStatus) {
  // The table of docs/http.md, written out independently of http.cc.
  const std::vector<std::pair<StatusCode, int>> expected = {
      {StatusCode::kOk, 200},
      {StatusCode::kInvalidArgument, 400},
      {StatusCode::kNotFound, 404},
      {StatusCode::kAlreadyExists, 409},
      {StatusCode::kFailedPrecondition, 409},
      {StatusCode::kConflict, 409},
      {StatusCode::kPermissionDenied, 403},
      {StatusCode::kUnauthenticated, 401},
      {StatusCode::kResourceExhausted, 413},
      {StatusCode::kUnavailable, 503},
      {StatusCode::kDataLoss, 500},
      {StatusCode::kInternal, 500},
  };
  for (const auto& [code, http] : expected) {
    EXPECT_EQ(HttpStatusFor(code), http) << StatusCodeName(code);
  }
}

TEST(HttpStatusTest, ErrorsOfTheHttpLayerGetTheNearestCode) {
  EXPECT_EQ(StatusCodeForHttp(400), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForHttp(404), StatusCode::kNotFound);
  EXPECT_EQ(StatusCodeForHttp(413), StatusCode::kResourceExhausted);
  EXPECT_EQ(StatusCodeForHttp(414), StatusCode::kResourceExhausted);
  EXPECT_EQ(StatusCodeForHttp(503), StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForHttp(418), StatusCode::kInternal);
}

TEST(ErrorJsonTest, HasCodeMessageAndDetails) {
  Status s = Status::InvalidArgument("bad page_size");
  s.AddDetail("query.page_size", "page_size must be between 1 and 50");
  json j = ErrorJson(s);
  EXPECT_EQ(j["code"], "invalid_argument");
  EXPECT_EQ(j["message"], "bad page_size");
  ASSERT_EQ(j["details"].size(), 1u);
  EXPECT_EQ(j["details"][0]["path"], "query.page_size");
  EXPECT_EQ(j["details"][0]["message"], "page_size must be between 1 and 50");

  // No details: an empty array, never missing.
  EXPECT_EQ(ErrorJson(Status::NotFound("x"))["details"], json::array());
  // A location alone becomes one detail.
  json located = ErrorJson(Status::InvalidArgument("bad cell").At("a.csv:3:2"));
  ASSERT_EQ(located["details"].size(), 1u);
  EXPECT_EQ(located["details"][0]["path"], "a.csv:3:2");
}

TEST(ErrorJsonTest, ResponseUsesTheTableAndUtf8Json) {
  HttpResponse r = ErrorResponse(Status::NotFound("economy 'XXX' is not known"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(json::parse(r.body)["code"], "not_found");
  EXPECT_EQ(ErrorResponse(Status::InvalidArgument("x"), 405).status, 405);
}

TEST(DumpJsonTest, WritesUtf8AsIsAndReplacesInvalidBytes) {
  EXPECT_EQ(DumpJson(json{{"name", "柬埔寨"}}), "{\"name\":\"柬埔寨\"}");
  // "\xff" is not UTF-8: replaced by U+FFFD (EF BF BD) rather than throwing.
  EXPECT_EQ(DumpJson(json("a\xff")), "\"a\xEF\xBF\xBD\"");
  // Keys keep the documented order instead of being sorted.
  EXPECT_EQ(DumpJson(ErrorJson(Status::NotFound("x"))),
            "{\"code\":\"not_found\",\"message\":\"x\",\"details\":[]}");
}

TEST(QueryParamsTest, UnknownNamesAreListedWithTheAcceptedOnes) {
  NameValues query = {{"economy", "KHM"}, {"colour", "red"}};
  QueryParams q(query, {"economy", "page"});
  Status s = q.Check();
  ASSERT_EQ(s.code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(s.details().size(), 1u);
  EXPECT_EQ(s.details()[0].path, "query.colour");
  EXPECT_NE(s.message().find("economy, page"), std::string::npos) << s.message();
}

TEST(QueryParamsTest, RouteWithoutParametersSaysSo) {
  NameValues query = {{"x", "1"}};
  QueryParams q(query, {});
  EXPECT_NE(q.Check().message().find("takes no parameters"), std::string::npos);
}

TEST(QueryParamsTest, RepeatedNameIsAnError) {
  NameValues query = {{"economy", "KHM"}, {"economy", "THA"}};
  QueryParams q(query, {"economy"});
  Status s = q.Check();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("more than once"), std::string::npos);
}

TEST(QueryParamsTest, EmptyValueIsAbsentAndListsAreTrimmed) {
  NameValues query = {{"year_from", ""}, {"economy", " KHM , THA "}};
  QueryParams q(query, {"year_from", "economy"});
  EXPECT_FALSE(q.Year("year_from").has_value());
  EXPECT_EQ(q.List("economy"), (std::vector<std::string>{"KHM", "THA"}));
  EXPECT_TRUE(q.Check().ok());
}

TEST(QueryParamsTest, EmptyListItemIsAnError) {
  NameValues query = {{"economy", "KHM,,THA"}};
  QueryParams q(query, {"economy"});
  EXPECT_TRUE(q.List("economy").empty());
  EXPECT_FALSE(q.Check().ok());
}

TEST(QueryParamsTest, IntegersAreCheckedForFormAndRange) {
  NameValues query = {{"a", "12"}, {"b", "12x"}, {"c", "0"}, {"d", "99999999999999999999"},
                      {"e", "+3"}, {"f", "-1"}};
  QueryParams q(query, {"a", "b", "c", "d", "e", "f"});
  EXPECT_EQ(q.Int("a", 1, 100), 12);
  EXPECT_FALSE(q.Int("b", 1, 100));
  EXPECT_FALSE(q.Int("c", 1, 100));
  EXPECT_FALSE(q.Int("d", 1, 100));
  EXPECT_EQ(q.Int("e", 1, 100), 3);
  EXPECT_FALSE(q.Int("f", 1, 100));
  Status s = q.Check();
  ASSERT_EQ(s.details().size(), 4u);  // b, c, d, f
  EXPECT_EQ(s.details()[0].path, "query.b");
  EXPECT_NE(s.details()[0].message.find("whole number"), std::string::npos);
  EXPECT_NE(s.details()[1].message.find("between 1 and 100"), std::string::npos);
}

TEST(QueryParamsTest, YearsMustBeInTheAcceptedRange) {
  NameValues query = {{"y1", "2019"}, {"y2", "1800"}, {"y3", "20x9"}};
  QueryParams q(query, {"y1", "y2", "y3"});
  EXPECT_EQ(q.Year("y1"), 2019);
  EXPECT_FALSE(q.Year("y2"));
  EXPECT_FALSE(q.Year("y3"));
  EXPECT_EQ(q.Check().details().size(), 2u);
}

TEST(QueryParamsTest, RequiredNotesMissingParameter) {
  NameValues query;
  QueryParams q(query, {"year"});
  EXPECT_FALSE(q.Required("year"));
  Status s = q.Check();
  ASSERT_EQ(s.details().size(), 1u);
  EXPECT_EQ(s.details()[0].path, "query.year");
}

// Routing needs no database: unknown routes and wrong methods are answered before a store is
// opened (this pool's database does not exist).
TEST(ApiRoutingTest, UnknownRouteWrongMethodAndOptions) {
  StorePool pool("/nonexistent-folder/spcoop.db", 1);
  Api api(pool, {});
  EXPECT_TRUE(IsApiPath("/api"));
  EXPECT_TRUE(IsApiPath("/api/v2/x"));
  EXPECT_FALSE(IsApiPath("/apis"));

  HttpResponse r = api.Handle({"GET", "/api/v1/nothing", {}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(json::parse(r.body)["code"], "not_found");
  EXPECT_EQ(api.Handle({"GET", "/api/v1/economies/KHM/extra", {}}).status, 404);
  EXPECT_EQ(api.Handle({"GET", "/api/v2/health", {}}).status, 404);

  r = api.Handle({"DELETE", "/api/v1/economies/KHM", {}});
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(json::parse(r.body)["code"], "invalid_argument");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Allow", "GET, HEAD, OPTIONS"}));

  r = api.Handle({"OPTIONS", "/api/v1/series", {}});
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
}

TEST(ApiRoutingTest, StoreFreeRoutesAnswerWithoutADatabase) {
  StorePool pool("/nonexistent-folder/spcoop.db", 1);
  Api api(pool, {});
  HttpResponse r = api.Handle({"GET", "/api/v1/series/", {}});  // trailing slash is fine
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["data"].size(), 12u);
  r = api.Handle({"GET", "/api/v1/series/si_cov_pensn", {{"lang", "fr"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  json s = json::parse(r.body);
  EXPECT_EQ(s["code"], "SI_COV_PENSN");
  EXPECT_EQ(s["relevant_population"]["min_age"], 65);
  EXPECT_EQ(s["relevant_population"]["max_age"], nullptr);
  EXPECT_EQ(s["name"], s["names"]["fr"]);
  EXPECT_EQ(api.Handle({"GET", "/api/v1", {}}).status, 200);
  // A route that needs the store reports the store's error through the table: the database's
  // folder is missing, which OpenStore reports as failed_precondition (409).
  r = api.Handle({"GET", "/api/v1/imports", {}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(json::parse(r.body)["code"], "failed_precondition");
  // Health says unavailable instead.
  EXPECT_EQ(api.Handle({"GET", "/api/v1/health", {}}).status, 503);
}

}  // namespace
}  // namespace spcoop::server
