// spcoop/auth/auth.h — passwords, sessions, API tokens and login throttling: the security
// policy over the records of spcoop/store/accounts.h. Crypto is libsodium's.
//
//   Authenticator auth(AuthPolicy{});
//   SPCOOP_ASSIGN_OR_RETURN(LoginResult in, auth.Login(store, "ana", password, {"10.0.0.5", ua}));
//   // give in.session_cookie to the client (HttpOnly cookie), in.csrf_token to the page
//   SPCOOP_ASSIGN_OR_RETURN(std::optional<Principal> p, auth.FromSession(store, cookie));
//
// Policy (docs/security.md):
// - Passwords: argon2id (crypto_pwhash_str) at t=2, m=19 MiB, one lane: OWASP's recommended
//   minimum for argon2id, which ASVS level 2 refers to. 12 to 128 characters, not containing
//   the user name. Hashes made with weaker parameters are upgraded at the next login.
// - Sessions: 256-bit random cookie values, stored as SHA-256 hashes; a CSRF token per session;
//   expire after `idle_timeout` without use and `absolute_timeout` after login.
// - API tokens: "spc_" + 256 random bits, stored hashed; shown once.
// - Throttling: per account and per client address. After `free_failures` failed attempts the
//   subject is locked for `base_lockout`, doubling with each further failure up to
//   `max_lockout`. A locked account answers kRateLimited whatever the password, so guessing
//   does not continue while locked. Success clears the account's count.
// Every login, failure, lockout and logout is written to the audit trail.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "spcoop/core/status.h"
#include "spcoop/store/accounts.h"
#include "spcoop/store/store.h"

namespace spcoop::auth {

using Clock = std::chrono::system_clock;

struct AuthPolicy {
  std::chrono::seconds idle_timeout{30 * 60};
  std::chrono::seconds absolute_timeout{12 * 3600};
  int free_failures_per_account = 5;
  int free_failures_per_address = 20;
  std::chrono::seconds base_lockout{60};
  std::chrono::seconds max_lockout{3600};
  // Sessions are touched (last_seen_at written) at most this often, to spare the database.
  std::chrono::seconds touch_interval{60};
};

// Who is making a request.
struct Principal {
  User user;
  bool via_session = false;       // cookie session: state-changing requests need csrf_token
  std::string session_hash;       // when via_session
  std::string csrf_token;         // when via_session
  int64_t token_id = 0;           // when authenticated by an API token
};

struct ClientInfo {
  std::string address;
  std::string user_agent;
};

struct LoginResult {
  Principal principal;
  std::string session_cookie;     // the secret value for the cookie
};

// --- Primitives.
// Initialises libsodium (idempotent, thread-safe). kInternal when it cannot.
Status Init();
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view hash, std::string_view password);
// Whether the hash was made with other parameters than HashPassword uses today.
bool NeedsRehash(std::string_view hash);
// kInvalidArgument with guidance when the password is not acceptable for `username`.
Status CheckPasswordPolicy(std::string_view username, std::string_view password);
// kInvalidArgument when the name is not 3-64 of [a-z0-9._-] starting with a letter or digit.
Status CheckUsername(std::string_view username);
// `bytes` random bytes as unpadded base64url.
std::string RandomToken(size_t bytes);
// A password of 20 random characters, for resets.
std::string RandomPassword();
std::string Sha256Hex(std::string_view data);
bool ConstantTimeEquals(std::string_view a, std::string_view b);
// "YYYY-MM-DDTHH:MM:SS.mmmZ", the format of every stored time.
std::string FormatUtc(Clock::time_point t);
std::optional<Clock::time_point> ParseUtc(std::string_view text);

class Authenticator {
 public:
  explicit Authenticator(AuthPolicy policy = {}) : policy_(policy) {}
  const AuthPolicy& policy() const { return policy_; }

  // Checks throttling, the password and the account; creates a session. kUnauthenticated for a
  // wrong name or password (the same message for both), kPermissionDenied for a disabled
  // account, kRateLimited (with the wait in the message and retry_after) while locked.
  Result<LoginResult> Login(Store& store, std::string_view username, std::string_view password,
                            const ClientInfo& client, int* retry_after_seconds = nullptr) const;
  // The principal of a session cookie, or nullopt when unknown, expired or the user disabled.
  Result<std::optional<Principal>> FromSession(Store& store, std::string_view cookie) const;
  // The principal of an API token, or nullopt when unknown, revoked or the user disabled.
  Result<std::optional<Principal>> FromToken(Store& store, std::string_view token) const;
  Status Logout(Store& store, const Principal& principal, const ClientInfo& client) const;
  // Checks the current password, applies the policy, stores the new hash and ends every session
  // of the user, this one included (the client logs in again with the new password).
  Status ChangePassword(Store& store, const Principal& principal, std::string_view current,
                        std::string_view next, const ClientInfo& client) const;
  // Creates an API token for the principal's user; returns the record and the secret.
  Result<std::pair<ApiToken, std::string>> CreateToken(Store& store, const Principal& principal,
                                                       std::string_view name,
                                                       const ClientInfo& client) const;

 private:
  Status RecordFailure(Store& store, std::string_view subject, int free_failures,
                       Clock::time_point now, const ClientInfo& client, bool* locked) const;
  AuthPolicy policy_;
};

}  // namespace spcoop::auth
