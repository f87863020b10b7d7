// spcoop/store/accounts.h — users, sessions, API tokens, login throttling and the audit trail,
// as stored. Policy (hashing, expiry, backoff, who may do what) lives in spcoop/auth; these
// functions only read and write, on any backend, through Store::Transact() (sql.h).
//
//   SPCOOP_ASSIGN_OR_RETURN(User u, CreateUser(store, user));
//   SPCOOP_ASSIGN_OR_RETURN(AuditEvent e, AppendAudit(store, {.actor = "ana", .action = ...}));
//   SPCOOP_ASSIGN_OR_RETURN(AuditCheck check, VerifyAudit(store));
//
// Secrets are never stored in the clear: sessions and API tokens are kept as SHA-256 hashes of
// the random values given to the client, passwords as argon2id strings.
//
// The audit trail is append-only (database triggers refuse UPDATE and DELETE) and a hash
// chain: each event stores the SHA-256 of the previous event's hash and its own fields, so an
// event changed or removed directly in the database breaks the chain, and VerifyAudit() names
// the first event that no longer matches.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/store/store.h"

namespace spcoop {

enum class Role { kAdministrator, kSecretariat, kFocalPoint, kPartner, kAnalyst };
// "administrator", "secretariat", "focal_point", "partner", "analyst".
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct User {
  int64_t id = 0;
  std::string username;       // 3-64 of [a-z0-9._-], unique
  std::string display_name;
  Role role = Role::kAnalyst;
  std::string economy;        // ISO3: set for focal points only
  std::string organisation;   // set for development partners
  std::string password_hash;  // argon2id string (sodium's crypto_pwhash_str)
  bool disabled = false;
  std::string created_at;
  std::string updated_at;
};

struct SessionRecord {
  std::string id_hash;        // hex SHA-256 of the cookie value
  int64_t user_id = 0;
  std::string csrf_token;
  std::string created_at;
  std::string last_seen_at;
  std::string address;
  std::string user_agent;
};

struct ApiToken {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;
  std::string token_hash;     // hex SHA-256 of the token
  std::string created_at;
  std::string last_used_at;   // "" when never used
  std::string revoked_at;     // "" while valid
};

// Failed logins of one subject ("user:<name>" or "address:<ip>").
struct Throttle {
  std::string subject;
  int failures = 0;
  std::string last_failure_at;
  std::string locked_until;   // "" when not locked
};

struct AuditEvent {
  int64_t id = 0;
  std::string at;             // UTC ISO 8601, set by AppendAudit
  std::string actor;          // user name, "anonymous", or "system"
  std::string address;        // client address, "" for the CLI
  std::string action;         // "login", "login_failed", "user.role", "observation.edit", ...
  std::string object;         // "user:ana", "economy:KHM", "changeset:12", ...
  std::string outcome;        // "ok", "denied", "failed"
  std::string before;         // JSON text, "" when not applicable
  std::string after;          // JSON text, "" when not applicable
  std::string prev_hash;
  std::string hash;
};

struct AuditFilter {
  std::optional<std::string> actor;
  std::optional<std::string> action;   // exact, or a prefix ending in '.' ("user.")
  std::optional<std::string> object;
  std::optional<std::string> since;    // inclusive, ISO 8601 prefix ("2026-11-29")
  std::optional<std::string> until;    // exclusive
  int64_t limit = 100;
  int64_t offset = 0;                  // newest first
};

struct AuditCheck {
  int64_t events = 0;                  // events checked
  bool ok = true;
  int64_t first_bad_id = 0;            // when !ok
  std::string problem;                 // when !ok
};

// --- Users. CreateUser: kAlreadyExists when the name is taken.
Result<User> CreateUser(Store& store, const User& user);
Result<User> GetUser(Store& store, std::string_view username);  // kNotFound
Result<User> GetUserById(Store& store, int64_t id);             // kNotFound
Result<std::vector<User>> ListUsers(Store& store);              // by username
Result<int64_t> CountUsers(Store& store);
// The fields that go together: a focal point has a known economy (kInvalidArgument otherwise,
// naming it), no other role has one, and a development partner has an organisation.
Status ValidateUserFields(Store& store, const User& user);
// Writes every field but id, username and created_at. kNotFound when the id is unknown.
Result<User> UpdateUser(Store& store, const User& user);

// --- Sessions.
Status CreateSession(Store& store, const SessionRecord& session);
Result<std::optional<SessionRecord>> GetSession(Store& store, std::string_view id_hash);
Status TouchSession(Store& store, std::string_view id_hash, std::string_view at);
Status DeleteSession(Store& store, std::string_view id_hash);
// Ends every session of a user (role change, disabling, password change). Returns how many.
Result<int64_t> DeleteUserSessions(Store& store, int64_t user_id);
// Removes sessions last seen before `idle_before` or created before `created_before`.
Result<int64_t> DeleteExpiredSessions(Store& store, std::string_view idle_before,
                                      std::string_view created_before);

// --- API tokens.
Result<ApiToken> CreateApiToken(Store& store, const ApiToken& token);
// A token that is not revoked, by its hash.
Result<std::optional<ApiToken>> FindApiToken(Store& store, std::string_view token_hash);
Result<std::vector<ApiToken>> ListApiTokens(Store& store, int64_t user_id);
// kNotFound unless the token exists, belongs to the user and is not revoked yet.
Status RevokeApiToken(Store& store, int64_t token_id, int64_t user_id, std::string_view at);
Status TouchApiToken(Store& store, int64_t token_id, std::string_view at);

// --- Login throttling.
Result<Throttle> GetThrottle(Store& store, std::string_view subject);  // zero failures if none
Status PutThrottle(Store& store, const Throttle& throttle);
Status ClearThrottle(Store& store, std::string_view subject);

// --- Audit trail. Fills at (when empty), prev_hash, hash and id.
Result<AuditEvent> AppendAudit(Store& store, AuditEvent event);
// AppendAudit for callers whose action has already happened: a failure to record it is reported
// on stderr (the operator's log) instead of failing the action.
void AuditOrWarn(Store& store, AuditEvent event);
Result<std::vector<AuditEvent>> QueryAudit(Store& store, const AuditFilter& filter);
// Recomputes the chain from the first event.
Result<AuditCheck> VerifyAudit(Store& store);
// The hash AppendAudit stores for `event` after `prev_hash` (hex SHA-256).
std::string AuditHash(const AuditEvent& event, std::string_view prev_hash);

}  // namespace spcoop
