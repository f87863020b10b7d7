// Users, sessions, API tokens, throttling and the audit trail (accounts.h), in portable SQL.
#include "spcoop/store/accounts.h"

#include "tx_util.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace spcoop {
namespace {

using sql::Row;
using sql::Tx;
using sql::Value;
using sql::InTx;
using sql::StatusOf;

constexpr std::array<std::pair<Role, std::string_view>, 5> kRoles = {{
    {Role::kAdministrator, "administrator"},
    {Role::kSecretariat, "secretariat"},
    {Role::kFocalPoint, "focal_point"},
    {Role::kPartner, "partner"},
    {Role::kAnalyst, "analyst"},
}};

constexpr std::string_view kUserColumns =
    "id, username, display_name, role, economy, organisation, password_hash, disabled, "
    "created_at, updated_at";

User ReadUser(const Row& r) {
  User u;
  u.id = r.Int(0);
  u.username = r.Text(1);
  u.display_name = r.Text(2);
  u.role = ParseRole(r.Text(3)).value_or(Role::kAnalyst);
  u.economy = r.Text(4);
  u.organisation = r.Text(5);
  u.password_hash = r.Text(6);
  u.disabled = r.Int(7) != 0;
  u.created_at = r.Text(8);
  u.updated_at = r.Text(9);
  return u;
}

constexpr std::string_view kTokenColumns =
    "id, user_id, name, token_hash, created_at, last_used_at, revoked_at";

ApiToken ReadToken(const Row& r) {
  return ApiToken{r.Int(0),  r.Int(1),  r.Text(2), r.Text(3),
                  r.Text(4), r.Text(5), r.Text(6)};
}

constexpr std::string_view kAuditColumns =
    "id, at, actor, address, action, object, outcome, before_value, after_value, prev_hash, hash";

AuditEvent ReadAudit(const Row& r) {
  AuditEvent e;
  e.id = r.Int(0);
  e.at = r.Text(1);
  e.actor = r.Text(2);
  e.address = r.Text(3);
  e.action = r.Text(4);
  e.object = r.Text(5);
  e.outcome = r.Text(6);
  e.before = r.Text(7);
  e.after = r.Text(8);
  e.prev_hash = r.Text(9);
  e.hash = r.Text(10);
  return e;
}

Result<User> UserWhere(Tx& tx, std::string_view where, Value key, std::string_view what) {
  SPCOOP_ASSIGN_OR_RETURN(
      auto rows, tx.Query(fmt::format("SELECT {} FROM app_user WHERE {}", kUserColumns, where),
                          {std::move(key)}));
  if (rows.empty()) return Err(Status::NotFound(fmt::format("no user {}", what)));
  return ReadUser(rows.front());
}

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoles) {
    if (r == role) return name;
  }
  return "analyst";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& [r, n] : kRoles) {
    if (n == name) return r;
  }
  return std::nullopt;
}

// ------------------------------------------------------------------ users

Result<User> CreateUser(Store& store, const User& user) {
  return InTx<User>(store, [&](Tx& tx) -> Result<User> {
    SPCOOP_ASSIGN_OR_RETURN(auto existing, tx.Query("SELECT 1 FROM app_user WHERE username = ?",
                                                    {user.username}));
    if (!existing.empty()) {
      return Err(Status::AlreadyExists(
          fmt::format("a user named '{}' exists already; pick another name", user.username)));
    }
    const std::string now = NowUtc();
    SPCOOP_ASSIGN_OR_RETURN(
        auto rows,
        tx.Query("INSERT INTO app_user (username, display_name, role, economy, organisation, "
                 "password_hash, disabled, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?) "
                 "RETURNING id",
                 {user.username, user.display_name, std::string(RoleName(user.role)),
                  user.economy, user.organisation, user.password_hash,
                  int64_t{user.disabled ? 1 : 0}, now, now}));
    User out = user;
    out.id = rows.front().Int(0);
    out.created_at = out.updated_at = now;
    return out;
  });
}

Result<User> GetUser(Store& store, std::string_view username) {
  return InTx<User>(store, [&](Tx& tx) {
    return UserWhere(tx, "username = ?", std::string(username),
                     fmt::format("named '{}'", username));
  });
}

Result<User> GetUserById(Store& store, int64_t id) {
  return InTx<User>(store, [&](Tx& tx) {
    return UserWhere(tx, "id = ?", id, fmt::format("with id {}", id));
  });
}

Result<std::vector<User>> ListUsers(Store& store) {
  return InTx<std::vector<User>>(store, [&](Tx& tx) -> Result<std::vector<User>> {
    SPCOOP_ASSIGN_OR_RETURN(
        auto rows,
        tx.Query(fmt::format("SELECT {} FROM app_user ORDER BY username", kUserColumns), {}));
    std::vector<User> out;
    for (const Row& r : rows) out.push_back(ReadUser(r));
    return out;
  });
}

Result<int64_t> CountUsers(Store& store) {
  return InTx<int64_t>(store, [&](Tx& tx) -> Result<int64_t> {
    SPCOOP_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM app_user", {}));
    return rows.front().Int(0);
  });
}

Result<User> UpdateUser(Store& store, const User& user) {
  return InTx<User>(store, [&](Tx& tx) -> Result<User> {
    const std::string now = NowUtc();
    SPCOOP_ASSIGN_OR_RETURN(
        int64_t n,
        tx.Exec("UPDATE app_user SET display_name = ?, role = ?, economy = ?, organisation = ?, "
                "password_hash = ?, disabled = ?, updated_at = ? WHERE id = ?",
                {user.display_name, std::string(RoleName(user.role)), user.economy,
                 user.organisation, user.password_hash, int64_t{user.disabled ? 1 : 0}, now,
                 user.id}));
    if (n == 0) return Err(Status::NotFound(fmt::format("no user with id {}", user.id)));
    return UserWhere(tx, "id = ?", user.id, "");
  });
}

Status ValidateUserFields(Store& store, const User& u) {
  if (u.role == Role::kFocalPoint) {
    if (u.economy.empty()) {
      return Status::InvalidArgument(
          "a focal point needs an economy: an ISO3 code such as KHM (--economy, or \"economy\")");
    }
    if (!store.GetEconomy(u.economy)) {
      return Status::InvalidArgument(fmt::format(
          "economy '{}' is not known; use an ISO3 code of the economies list",
          u.economy.substr(0, 40)));
    }
  } else if (!u.economy.empty()) {
    return Status::InvalidArgument("only focal points are tied to an economy; leave it empty");
  }
  if (u.role == Role::kPartner && u.organisation.empty()) {
    return Status::InvalidArgument("a development partner needs an organisation");
  }
  return Status::Ok();
}

// ------------------------------------------------------------------ sessions

Status CreateSession(Store& store, const SessionRecord& s) {
  return store.Transact([&](Tx& tx) -> Status {
    return StatusOf(tx.Exec("INSERT INTO user_session (id_hash, user_id, csrf_token, created_at, last_seen_at, "
              "address, user_agent) VALUES (?,?,?,?,?,?,?)",
              {s.id_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.address,
               s.user_agent})
        );
  });
}

Result<std::optional<SessionRecord>> GetSession(Store& store, std::string_view id_hash) {
  return InTx<std::optional<SessionRecord>>(
      store, [&](Tx& tx) -> Result<std::optional<SessionRecord>> {
        SPCOOP_ASSIGN_OR_RETURN(
            auto rows, tx.Query("SELECT id_hash, user_id, csrf_token, created_at, last_seen_at, "
                                "address, user_agent FROM user_session WHERE id_hash = ?",
                                {std::string(id_hash)}));
        if (rows.empty()) return std::optional<SessionRecord>();
        const Row& r = rows.front();
        return std::optional<SessionRecord>(SessionRecord{
            r.Text(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6)});
      });
}

Status TouchSession(Store& store, std::string_view id_hash, std::string_view at) {
  return store.Transact([&](Tx& tx) -> Status {
    return StatusOf(tx.Exec("UPDATE user_session SET last_seen_at = ? WHERE id_hash = ?",
              {std::string(at), std::string(id_hash)})
        );
  });
}

Status DeleteSession(Store& store, std::string_view id_hash) {
  return store.Transact([&](Tx& tx) -> Status {
    return StatusOf(tx.Exec("DELETE FROM user_session WHERE id_hash = ?", {std::string(id_hash)}));
  });
}

Result<int64_t> DeleteUserSessions(Store& store, int64_t user_id) {
  return InTx<int64_t>(store, [&](Tx& tx) {
    return tx.Exec("DELETE FROM user_session WHERE user_id = ?", {user_id});
  });
}

Result<int64_t> DeleteExpiredSessions(Store& store, std::string_view idle_before,
                                      std::string_view created_before) {
  return InTx<int64_t>(store, [&](Tx& tx) {
    return tx.Exec("DELETE FROM user_session WHERE last_seen_at < ? OR created_at < ?",
                   {std::string(idle_before), std::string(created_before)});
  });
}

// ------------------------------------------------------------------ API tokens

Result<ApiToken> CreateApiToken(Store& store, const ApiToken& token) {
  return InTx<ApiToken>(store, [&](Tx& tx) -> Result<ApiToken> {
    ApiToken out = token;
    if (out.created_at.empty()) out.created_at = NowUtc();
    SPCOOP_ASSIGN_OR_RETURN(
        auto rows, tx.Query("INSERT INTO api_token (user_id, name, token_hash, created_at) "
                            "VALUES (?,?,?,?) RETURNING id",
                            {out.user_id, out.name, out.token_hash, out.created_at}));
    out.id = rows.front().Int(0);
    return out;
  });
}

Result<std::optional<ApiToken>> FindApiToken(Store& store, std::string_view token_hash) {
  return InTx<std::optional<ApiToken>>(store, [&](Tx& tx) -> Result<std::optional<ApiToken>> {
    SPCOOP_ASSIGN_OR_RETURN(
        auto rows,
        tx.Query(fmt::format("SELECT {} FROM api_token WHERE token_hash = ? AND revoked_at = ''",
                             kTokenColumns),
                 {std::string(token_hash)}));
    if (rows.empty()) return std::optional<ApiToken>();
    return std::optional<ApiToken>(ReadToken(rows.front()));
  });
}

Result<std::vector<ApiToken>> ListApiTokens(Store& store, int64_t user_id) {
  return InTx<std::vector<ApiToken>>(store, [&](Tx& tx) -> Result<std::vector<ApiToken>> {
    SPCOOP_ASSIGN_OR_RETURN(
        auto rows,
        tx.Query(fmt::format("SELECT {} FROM api_token WHERE user_id = ? ORDER BY id",
                             kTokenColumns),
                 {user_id}));
    std::vector<ApiToken> out;
    for (const Row& r : rows) out.push_back(ReadToken(r));
    return out;
  });
}

Status RevokeApiToken(Store& store, int64_t token_id, int64_t user_id, std::string_view at) {
  return store.Transact([&](Tx& tx) -> Status {
    SPCOOP_ASSIGN_OR_RETURN(
        int64_t n, tx.Exec("UPDATE api_token SET revoked_at = ? WHERE id = ? AND user_id = ? AND "
                           "revoked_at = ''",
                           {std::string(at), token_id, user_id}));
    if (n == 0) {
      return Status::NotFound(
          fmt::format("you have no valid API token with id {}; list them with GET /api/v1/tokens",
                      token_id));
    }
    return Status::Ok();
  });
}

Status TouchApiToken(Store& store, int64_t token_id, std::string_view at) {
  return store.Transact([&](Tx& tx) -> Status {
    return StatusOf(tx.Exec("UPDATE api_token SET last_used_at = ? WHERE id = ?", {std::string(at), token_id}));
  });
}

// ------------------------------------------------------------------ throttling

Result<Throttle> GetThrottle(Store& store, std::string_view subject) {
  return InTx<Throttle>(store, [&](Tx& tx) -> Result<Throttle> {
    SPCOOP_ASSIGN_OR_RETURN(auto rows,
                            tx.Query("SELECT subject, failures, last_failure_at, locked_until "
                                     "FROM login_throttle WHERE subject = ?",
                                     {std::string(subject)}));
    if (rows.empty()) return Throttle{std::string(subject), 0, "", ""};
    const Row& r = rows.front();
    return Throttle{r.Text(0), static_cast<int>(r.Int(1)), r.Text(2), r.Text(3)};
  });
}

Status PutThrottle(Store& store, const Throttle& t) {
  return store.Transact([&](Tx& tx) -> Status {
    SPCOOP_RETURN_IF_ERROR(
        StatusOf(tx.Exec("DELETE FROM login_throttle WHERE subject = ?", {t.subject})));
    return StatusOf(tx.Exec("INSERT INTO login_throttle (subject, failures, last_failure_at, locked_until) "
              "VALUES (?,?,?,?)",
              {t.subject, int64_t{t.failures}, t.last_failure_at, t.locked_until})
        );
  });
}

Status ClearThrottle(Store& store, std::string_view subject) {
  return store.Transact([&](Tx& tx) -> Status {
    return StatusOf(tx.Exec("DELETE FROM login_throttle WHERE subject = ?", {std::string(subject)}));
  });
}

// ------------------------------------------------------------------ audit trail

std::string AuditHash(const AuditEvent& e, std::string_view prev_hash) {
  // Length-prefixed fields, so that no two different events serialise alike.
  std::string text;
  for (std::string_view field : {prev_hash, std::string_view(e.at), std::string_view(e.actor),
                                 std::string_view(e.address), std::string_view(e.action),
                                 std::string_view(e.object), std::string_view(e.outcome),
                                 std::string_view(e.before), std::string_view(e.after)}) {
    text += fmt::format("{}:", field.size());
    text += field;
  }
  text += fmt::format("#{}", e.id);
  return sql::Sha256Hex(text);
}

Result<AuditEvent> AppendAudit(Store& store, AuditEvent event) {
  return InTx<AuditEvent>(store, [&](Tx& tx) -> Result<AuditEvent> {
    SPCOOP_RETURN_IF_ERROR(tx.Lock("audit"));
    SPCOOP_ASSIGN_OR_RETURN(
        auto last, tx.Query("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1", {}));
    AuditEvent e = event;
    if (e.at.empty()) e.at = NowUtc();
    e.id = last.empty() ? 1 : last.front().Int(0) + 1;
    e.prev_hash = last.empty() ? std::string() : last.front().Text(1);
    e.hash = AuditHash(e, e.prev_hash);
    SPCOOP_RETURN_IF_ERROR(
        StatusOf(tx.Exec(fmt::format("INSERT INTO audit_event ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                            kAuditColumns),
                {e.id, e.at, e.actor, e.address, e.action, e.object, e.outcome, e.before, e.after,
                 e.prev_hash, e.hash})));
    return e;
  });
}

void AuditOrWarn(Store& store, AuditEvent event) {
  std::string what = event.action + " " + event.object;
  if (auto r = AppendAudit(store, std::move(event)); !r) {
    fmt::print(stderr, "spcoop: could not write '{}' to the audit trail: {}\n", what,
               r.error().message());
  }
}

Result<std::vector<AuditEvent>> QueryAudit(Store& store, const AuditFilter& f) {
  return InTx<std::vector<AuditEvent>>(store, [&](Tx& tx) -> Result<std::vector<AuditEvent>> {
    std::string where;
    std::vector<Value> params;
    auto add = [&](std::string_view cond, std::string value) {
      where += where.empty() ? " WHERE " : " AND ";
      where += cond;
      params.emplace_back(std::move(value));
    };
    if (f.actor) add("actor = ?", *f.actor);
    if (f.action) {
      if (f.action->ends_with('.')) {
        add("substr(action, 1, " + std::to_string(f.action->size()) + ") = ?", *f.action);
      } else {
        add("action = ?", *f.action);
      }
    }
    if (f.object) add("object = ?", *f.object);
    if (f.since) add("at >= ?", *f.since);
    if (f.until) add("at < ?", *f.until);
    params.emplace_back(f.limit > 0 ? f.limit : int64_t{100});
    params.emplace_back(f.offset);
    SPCOOP_ASSIGN_OR_RETURN(
        auto rows, tx.Query(fmt::format("SELECT {} FROM audit_event{} ORDER BY id DESC LIMIT ? "
                                        "OFFSET ?",
                                        kAuditColumns, where),
                            std::move(params)));
    std::vector<AuditEvent> out;
    for (const Row& r : rows) out.push_back(ReadAudit(r));
    return out;
  });
}

Result<AuditCheck> VerifyAudit(Store& store) {
  AuditCheck check;
  int64_t after = 0;
  std::string prev;
  int64_t expected_id = 1;
  constexpr int64_t kBatch = 10000;
  while (true) {
    SPCOOP_ASSIGN_OR_RETURN(
        std::vector<AuditEvent> batch,
        (InTx<std::vector<AuditEvent>>(store, [&](Tx& tx) -> Result<std::vector<AuditEvent>> {
          SPCOOP_ASSIGN_OR_RETURN(
              auto rows,
              tx.Query(fmt::format("SELECT {} FROM audit_event WHERE id > ? ORDER BY id LIMIT ?",
                                   kAuditColumns),
                       {after, kBatch}));
          std::vector<AuditEvent> out;
          for (const Row& r : rows) out.push_back(ReadAudit(r));
          return out;
        })));
    if (batch.empty()) break;
    for (const AuditEvent& e : batch) {
      ++check.events;
      std::string problem;
      if (e.id != expected_id) {
        problem = fmt::format("event {} follows event {}: {} event(s) are missing", e.id,
                              expected_id - 1, e.id - expected_id);
      } else if (e.prev_hash != prev) {
        problem = fmt::format("event {} does not point at the hash of event {}", e.id, e.id - 1);
      } else if (AuditHash(e, prev) != e.hash) {
        problem = fmt::format("event {} ({} {} at {}) was changed after it was recorded", e.id,
                              e.action, e.object, e.at);
      }
      if (!problem.empty()) {
        check.ok = false;
        check.first_bad_id = e.id;
        check.problem = std::move(problem);
        return check;
      }
      prev = e.hash;
      after = e.id;
      ++expected_id;
    }
  }
  return check;
}

}  // namespace spcoop
