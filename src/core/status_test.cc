#include "spcoop/core/status.h"

#include <gtest/gtest.h>

namespace spcoop {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Err(Status::InvalidArgument("odd").At("input:1:1"));
  return x / 2;
}

Result<int> Quarter(int x) {
  SPCOOP_ASSIGN_OR_RETURN(int h, Half(x));
  SPCOOP_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  auto h = Half(x);
  SPCOOP_RETURN_IF_ERROR(h ? Status::Ok() : h.error());
  return Status::Ok();
}

TEST(Status, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(Status, CarriesCodeLocationAndDetails) {
  Status s = Status::InvalidArgument("bad year").At("f.csv:3:2");
  s.AddDetail("f.csv:4:2", "bad year again");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.ToString(), "invalid_argument: f.csv:3:2: bad year\n  f.csv:4:2: bad year again");
}

TEST(Status, MacrosPropagateTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);  // 6/2 = 3 is odd
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "odd");
  EXPECT_EQ(r.error().location(), "input:1:1");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(3).code(), StatusCode::kInvalidArgument);
}

TEST(Status, CodeNamesAreStable) {
  EXPECT_EQ(StatusCodeName(StatusCode::kNotFound), "not_found");
  EXPECT_EQ(StatusCodeName(StatusCode::kResourceExhausted), "resource_exhausted");
}

}  // namespace
}  // namespace spcoop
