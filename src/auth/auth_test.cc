// The security policy of spcoop/auth over a real (in-memory SQLite) store.
#include "spcoop/auth/auth.h"

#include <gtest/gtest.h>

#include "spcoop/store/accounts.h"

namespace spcoop::auth {
namespace {

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenStore(":memory:");
    ASSERT_TRUE(s);
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate().ok());
    User u;
    u.username = "ana";
    u.display_name = "Ana";
    u.role = Role::kFocalPoint;
    u.economy = "KHM";
    u.password_hash = *HashPassword(kPassword);
    user_ = *CreateUser(*store_, u);
  }
  int CountAudit(const std::string& action) {
    AuditFilter f;
    f.action = action;
    f.limit = 1000;
    return static_cast<int>(QueryAudit(*store_, f)->size());
  }

  static constexpr char kPassword[] = "correct horse battery";
  std::unique_ptr<Store> store_;
  User user_;
  ClientInfo client_{"192.0.2.7", "test"};
};

TEST(PasswordTest, Argon2idAtOwaspParameters) {
  auto h = HashPassword("a long enough passphrase");
  ASSERT_TRUE(h);
  // The PHC string names the algorithm and its cost: 19 MiB = 19456 KiB, 2 passes, 1 lane.
  EXPECT_EQ(h->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *h;
  EXPECT_TRUE(VerifyPassword(*h, "a long enough passphrase"));
  EXPECT_FALSE(VerifyPassword(*h, "a long enough passphrasE"));
  EXPECT_FALSE(NeedsRehash(*h));
  EXPECT_NE(*HashPassword("a long enough passphrase"), *h);  // salted
}

TEST(PasswordTest, PolicyExplainsWhatIsWrong) {
  EXPECT_EQ(CheckPasswordPolicy("ana", "short").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckPasswordPolicy("ana", "twelve chars").ok());
  // Twelve characters, 36 bytes: length counts characters.
  EXPECT_TRUE(CheckPasswordPolicy("ana", "社会保护社会保护社会保护").ok());
  EXPECT_FALSE(CheckPasswordPolicy("ana", "社会保护社会保护").ok());
  EXPECT_FALSE(CheckPasswordPolicy("ana", "my name is ana!!").ok());
  EXPECT_FALSE(CheckPasswordPolicy("bob", "aaaaaaaaaaaaaaaa").ok());
  EXPECT_FALSE(CheckPasswordPolicy("bob", std::string(129, 'x') + "y").ok());
  EXPECT_TRUE(CheckUsername("fp.khm-2").ok());
  EXPECT_FALSE(CheckUsername("Ana").ok());
  EXPECT_FALSE(CheckUsername("ab").ok());
  EXPECT_FALSE(CheckUsername("-ab").ok());
}

TEST(PasswordTest, TimesRoundTrip) {
  auto t = ParseUtc("2026-11-29T10:11:12.345Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatUtc(*t), "2026-11-29T10:11:12.345Z");
  EXPECT_FALSE(ParseUtc("yesterday"));
  EXPECT_EQ(RandomToken(32).size(), 43u);  // 256 bits in unpadded base64url
  EXPECT_NE(RandomToken(32), RandomToken(32));
}

TEST_F(AuthTest, LoginCreatesASessionWithCsrfToken) {
  Authenticator auth;
  auto in = auth.Login(*store_, "ana", kPassword, client_);
  ASSERT_TRUE(in) << in.error().ToString();
  EXPECT_EQ(in->principal.user.username, "ana");
  EXPECT_FALSE(in->principal.csrf_token.empty());
  // The store keeps the hash only.
  auto raw = GetSession(*store_, in->session_cookie);
  EXPECT_FALSE(*raw);
  auto p = auth.FromSession(*store_, in->session_cookie);
  ASSERT_TRUE(p && *p);
  EXPECT_EQ((*p)->user.id, user_.id);
  EXPECT_EQ((*p)->csrf_token, in->principal.csrf_token);
  EXPECT_EQ(CountAudit("login"), 1);

  ASSERT_TRUE(auth.Logout(*store_, **p, client_).ok());
  EXPECT_FALSE(*auth.FromSession(*store_, in->session_cookie));
}

TEST_F(AuthTest, WrongPasswordAndUnknownUserLookAlike) {
  Authenticator auth;
  auto a = auth.Login(*store_, "ana", "wrong password!", client_);
  auto b = auth.Login(*store_, "nobody", "wrong password!", client_);
  ASSERT_FALSE(a);
  ASSERT_FALSE(b);
  EXPECT_EQ(a.error().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(a.error().message(), b.error().message());
  EXPECT_EQ(CountAudit("login_failed"), 2);
}

TEST_F(AuthTest, AccountLocksAfterRepeatedFailuresEvenForTheRightPassword) {
  AuthPolicy policy;
  policy.free_failures_per_account = 3;
  Authenticator auth(policy);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(auth.Login(*store_, "ana", "wrong password!", client_).error().code(),
              StatusCode::kUnauthenticated);
  }
  int retry = 0;
  auto locked = auth.Login(*store_, "ana", kPassword, client_, &retry);
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code(), StatusCode::kRateLimited);
  EXPECT_GT(retry, 0);
  EXPECT_LE(retry, 61);
  EXPECT_EQ(CountAudit("lockout"), 1);
  EXPECT_EQ(CountAudit("login_throttled"), 1);
  // Another client address is locked out of this account too.
  EXPECT_EQ(auth.Login(*store_, "ana", kPassword, {"198.51.100.1", ""}).error().code(),
            StatusCode::kRateLimited);
}

TEST_F(AuthTest, LockoutDoublesWithEachFurtherFailure) {
  AuthPolicy policy;
  policy.free_failures_per_account = 1;
  policy.base_lockout = std::chrono::seconds(-10);  // lock already over: keep guessing
  Authenticator auth(policy);
  for (int i = 0; i < 3; ++i) (void)auth.Login(*store_, "ana", "wrong password!", client_);
  auto t = GetThrottle(*store_, "user:ana");
  EXPECT_EQ(t->failures, 3);
  // Third failure: base * 2^(3-1) = -40 s from the last failure.
  auto until = ParseUtc(t->locked_until);
  auto last = ParseUtc(t->last_failure_at);
  ASSERT_TRUE(until && last);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(*last - *until).count(), 40);
  // A success clears the account's count.
  ASSERT_TRUE(auth.Login(*store_, "ana", kPassword, client_));
  EXPECT_EQ(GetThrottle(*store_, "user:ana")->failures, 0);
}

TEST_F(AuthTest, SessionsExpireWhenIdleOrTooOld) {
  AuthPolicy idle;
  idle.idle_timeout = std::chrono::seconds(-1);
  Authenticator a(idle);
  auto in = a.Login(*store_, "ana", kPassword, client_);
  ASSERT_TRUE(in);
  EXPECT_FALSE(*a.FromSession(*store_, in->session_cookie));

  AuthPolicy old;
  old.absolute_timeout = std::chrono::seconds(-1);
  Authenticator b(old);
  auto in2 = b.Login(*store_, "ana", kPassword, client_);
  ASSERT_TRUE(in2);
  EXPECT_FALSE(*b.FromSession(*store_, in2->session_cookie));
  EXPECT_TRUE(*Authenticator().FromSession(*store_, in2->session_cookie) == std::nullopt);
}

TEST_F(AuthTest, DisabledUsersLoseSessionsAndTokensAndCannotLogIn) {
  Authenticator auth;
  auto in = auth.Login(*store_, "ana", kPassword, client_);
  ASSERT_TRUE(in);
  auto token = auth.CreateToken(*store_, in->principal, "cron", client_);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->second.rfind("spc_", 0), 0u);
  EXPECT_TRUE(*auth.FromToken(*store_, token->second));
  EXPECT_FALSE(*auth.FromToken(*store_, token->second + "x"));

  User u = *GetUser(*store_, "ana");
  u.disabled = true;
  ASSERT_TRUE(UpdateUser(*store_, u));
  EXPECT_FALSE(*auth.FromSession(*store_, in->session_cookie));
  EXPECT_FALSE(*auth.FromToken(*store_, token->second));
  EXPECT_EQ(auth.Login(*store_, "ana", kPassword, client_).error().code(),
            StatusCode::kPermissionDenied);
}

TEST_F(AuthTest, PasswordChangeEndsSessions) {
  Authenticator auth;
  auto in = auth.Login(*store_, "ana", kPassword, client_);
  ASSERT_TRUE(in);
  EXPECT_EQ(auth.ChangePassword(*store_, in->principal, "wrong password!", "a new passphrase",
                                client_)
                .code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(auth.ChangePassword(*store_, in->principal, kPassword, "short", client_).code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(auth.ChangePassword(*store_, in->principal, kPassword, "a new passphrase", client_)
                  .ok());
  EXPECT_FALSE(*auth.FromSession(*store_, in->session_cookie));
  EXPECT_FALSE(auth.Login(*store_, "ana", kPassword, client_));
  EXPECT_TRUE(auth.Login(*store_, "ana", "a new passphrase", client_));
}

}  // namespace
}  // namespace spcoop::auth
