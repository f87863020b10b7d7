// The routes that need an account: sessions, users, API tokens, the audit trail, and the review
// workflow (uploads, edits, targets, narratives, change sets). docs/http.md describes them.
//
// Authorisation is checked here, in the server, for every route, before anything is read or
// written:
//   administrator  users and roles; reads drafts and the audit trail; reviews like the secretariat
//   secretariat    reads every economy's drafts; publishes or returns submissions; the audit trail
//   focal_point    writes drafts of its own economy only, submits them, reads them
//   partner, analyst, anonymous   published data only
// Refusals are kPermissionDenied (403) and are written to the audit trail by Api::Handle.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "api_internal.h"
#include "json_encode.h"
#include "spcoop/analysis/analysis.h"
#include "spcoop/ingest/ingest.h"
#include "spcoop/ingest/messages.h"
#include "spcoop/store/accounts.h"
#include "spcoop/store/workflow.h"

namespace spcoop::server::detail {
namespace {

// ------------------------------------------------------------------ helpers

json UserJson(const User& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"role", RoleName(u.role)},
          {"economy", u.economy},
          {"organisation", u.organisation},
          {"disabled", u.disabled},
          {"created_at", u.created_at},
          {"updated_at", u.updated_at}};
}

// The audit's before/after view of a user: never the password hash.
std::string UserAuditJson(const User& u) {
  return json{{"role", RoleName(u.role)},
              {"economy", u.economy},
              {"organisation", u.organisation},
              {"display_name", u.display_name},
              {"disabled", u.disabled}}
      .dump();
}

}  // namespace

void Audit(Context& ctx, std::string action, std::string object, std::string before,
           std::string after) {
  Result<Store*> store = ctx.GetStore();
  if (!store) return;
  AuditOrWarn(**store, {.actor = ctx.actor(),
                        .address = ctx.client.address,
                        .action = std::move(action),
                        .object = std::move(object),
                        .outcome = "ok",
                        .before = std::move(before),
                        .after = std::move(after)});
}

Status RequireLogin(const Context& ctx) {
  if (ctx.principal) return Status::Ok();
  return Status::Unauthenticated("log in first: POST /api/v1/session, or send an API token");
}

bool HasRole(const Context& ctx, std::initializer_list<Role> roles) {
  if (!ctx.principal) return false;
  return std::find(roles.begin(), roles.end(), ctx.principal->user.role) != roles.end();
}

namespace {

Status RequireRole(const Context& ctx, std::initializer_list<Role> roles, std::string_view what) {
  SPCOOP_RETURN_IF_ERROR(RequireLogin(ctx));
  if (HasRole(ctx, roles)) return Status::Ok();
  std::string names;
  for (Role r : roles) names += fmt::format("{}{}", names.empty() ? "" : " or ", RoleName(r));
  return Status::PermissionDenied(fmt::format("only {} may {}; you are {}", names, what,
                                              RoleName(ctx.principal->user.role)));
}

// Drafts of an economy are written by its focal points only.
Status RequireEditor(const Context& ctx, std::string_view iso3) {
  SPCOOP_RETURN_IF_ERROR(RequireLogin(ctx));
  const User& u = ctx.principal->user;
  if (u.role == Role::kFocalPoint && u.economy == iso3) return Status::Ok();
  if (u.role == Role::kFocalPoint) {
    return Status::PermissionDenied(fmt::format(
        "you are the focal point of {}; you cannot change {}'s data", u.economy, iso3));
  }
  return Status::PermissionDenied(fmt::format(
      "only a focal point of {} may change its data; you are {}", iso3, RoleName(u.role)));
}

Status RequireDraftReader(const Context& ctx, std::string_view iso3) {
  SPCOOP_RETURN_IF_ERROR(RequireLogin(ctx));
  if (CanReadDrafts(ctx, iso3)) return Status::Ok();
  return Status::PermissionDenied(
      fmt::format("{}'s unpublished changes are visible to its focal points and the secretariat "
                  "only",
                  iso3));
}

Status RequireReviewer(const Context& ctx) {
  return RequireRole(ctx, {Role::kSecretariat, Role::kAdministrator},
                     "publish or return submissions");
}

}  // namespace

// The request body as a JSON object; kInvalidArgument naming the problem otherwise.
Result<json> Body(const Context& ctx) {
  if (ctx.request.body.empty()) {
    return Err(Status::InvalidArgument("the request needs a JSON object as its body"));
  }
  json j = json::parse(ctx.request.body, nullptr, false);
  if (j.is_discarded()) {
    return Err(Status::InvalidArgument("the body is not valid JSON; send a JSON object"));
  }
  if (!j.is_object()) return Err(Status::InvalidArgument("the body must be a JSON object"));
  return j;
}

namespace {

// Reads fields of a JSON body, collecting every problem (like QueryParams).
class Fields {
 public:
  Fields(const json& body, std::initializer_list<std::string_view> accepted) : body_(body) {
    for (const auto& [k, v] : body.items()) {
      if (std::find(accepted.begin(), accepted.end(), k) == accepted.end()) {
        problems_.push_back({"body." + k, fmt::format("unknown field '{}'", Shorten(k))});
      }
    }
  }
  std::optional<std::string> Text(std::string_view name, bool required = false,
                                  size_t max_len = 200) {
    auto it = body_.find(std::string(name));
    if (it == body_.end() || it->is_null()) {
      if (required) Problem(name, "is required");
      return std::nullopt;
    }
    if (!it->is_string()) {
      Problem(name, "must be a string");
      return std::nullopt;
    }
    std::string v = it->get<std::string>();
    if (v.size() > max_len) {
      Problem(name, fmt::format("is longer than {} bytes", max_len));
      return std::nullopt;
    }
    if (required && v.empty()) Problem(name, "must not be empty");
    return v;
  }
  std::optional<double> Number(std::string_view name, bool required = true) {
    auto it = body_.find(std::string(name));
    if (it == body_.end() || it->is_null()) {
      if (required) Problem(name, "is required");
      return std::nullopt;
    }
    if (!it->is_number()) {
      Problem(name, "must be a number");
      return std::nullopt;
    }
    return it->get<double>();
  }
  std::optional<int> Integer(std::string_view name, bool required = true) {
    auto it = body_.find(std::string(name));
    if (it == body_.end() || it->is_null()) {
      if (required) Problem(name, "is required");
      return std::nullopt;
    }
    if (!it->is_number_integer()) {
      Problem(name, "must be a whole number");
      return std::nullopt;
    }
    return it->get<int>();
  }
  std::optional<bool> Bool(std::string_view name) {
    auto it = body_.find(std::string(name));
    if (it == body_.end() || it->is_null()) return std::nullopt;
    if (!it->is_boolean()) {
      Problem(name, "must be true or false");
      return std::nullopt;
    }
    return it->get<bool>();
  }
  const json* Object(std::string_view name) {
    auto it = body_.find(std::string(name));
    if (it == body_.end() || it->is_null()) return nullptr;
    if (!it->is_object()) {
      Problem(name, "must be an object");
      return nullptr;
    }
    return &*it;
  }
  void Problem(std::string_view name, std::string message) {
    problems_.push_back(
        {fmt::format("body.{}", name), fmt::format("{} {}", name, std::move(message))});
  }
  Status Check() const {
    if (problems_.empty()) return Status::Ok();
    std::string message = problems_.size() == 1 ? problems_.front().message
                                                : fmt::format("{} problems with the body; see "
                                                              "details",
                                                              problems_.size());
    return Status::InvalidArgument(std::move(message)).WithDetails(problems_);
  }

 private:
  const json& body_;
  std::vector<StatusDetail> problems_;
};

Result<int64_t> IdArg(const Context& ctx, std::string_view what) {
  int64_t id = 0;
  const std::string& a = ctx.arg;
  auto [p, ec] = std::from_chars(a.data(), a.data() + a.size(), id);
  if (ec != std::errc() || p != a.data() + a.size() || id <= 0) {
    return Err(NotFoundAt("path", fmt::format("'{}' is not a {} id", Shorten(a), what)));
  }
  return id;
}

std::string SetCookie(const Context& ctx, std::string_view value, int64_t max_age) {
  bool secure = ctx.limits.secure_cookies ||
                (ctx.limits.trust_proxy &&
                 AsciiLower(HeaderValue(ctx.request, "X-Forwarded-Proto")) == "https");
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kSessionCookie,
                     value, max_age, secure ? "; Secure" : "");
}

Result<std::string> EconomyArg(Context& ctx) {
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(auto codes, ResolveEconomies(*store, {ctx.arg}, "path"));
  return codes.front();
}

// ------------------------------------------------------------------ sessions

json SessionJson(const Context& ctx) {
  if (!ctx.principal) return {{"user", nullptr}, {"csrf_token", nullptr}};
  return {{"user", UserJson(ctx.principal->user)},
          {"csrf_token", ctx.principal->via_session ? json(ctx.principal->csrf_token)
                                                    : json(nullptr)}};
}

Result<json> HandleSessionGet(Context& ctx) { return SessionJson(ctx); }

Result<json> HandleLogin(Context& ctx) {
  SPCOOP_ASSIGN_OR_RETURN(json body, Body(ctx));
  Fields f(body, {"username", "password"});
  auto username = f.Text("username", true, 64);
  auto password = f.Text("password", true, 1024);
  SPCOOP_RETURN_IF_ERROR(f.Check());
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  int retry_after = 0;
  auto in = ctx.auth.Login(*store, AsciiLower(*username), *password, ctx.client, &retry_after);
  if (!in) {
    if (in.error().code() == StatusCode::kRateLimited) {
      ctx.response_headers.emplace_back("Retry-After", std::to_string(retry_after));
    }
    return Err(in.error());
  }
  ctx.principal = in->principal;
  ctx.response_headers.emplace_back(
      "Set-Cookie", SetCookie(ctx, in->session_cookie, ctx.auth.policy().absolute_timeout.count()));
  return SessionJson(ctx);
}

Result<json> HandleLogout(Context& ctx) {
  SPCOOP_RETURN_IF_ERROR(RequireLogin(ctx));
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_RETURN_IF_ERROR(ctx.auth.Logout(*store, *ctx.principal, ctx.client));
  ctx.response_headers.emplace_back("Set-Cookie", SetCookie(ctx, "", 0));
  return json{{"user", nullptr}, {"csrf_token", nullptr}};
}

Result<json> HandlePasswordChange(Context& ctx) {
  SPCOOP_RETURN_IF_ERROR(RequireLogin(ctx));
  SPCOOP_ASSIGN_OR_RETURN(json body, Body(ctx));
  Fields f(body, {"current_password", "new_password"});
  auto current = f.Text("current_password", true, 1024);
  auto next = f.Text("new_password", true, 1024);
  SPCOOP_RETURN_IF_ERROR(f.Check());
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_RETURN_IF_ERROR(
      ctx.auth.ChangePassword(*store, *ctx.principal, *current, *next, ctx.client));
  ctx.response_headers.emplace_back("Set-Cookie", SetCookie(ctx, "", 0));
  return json{{"changed", true}, {"message", "password changed; log in again"}};
}

// ------------------------------------------------------------------ users

// Refuses changes that would leave no active administrator.
Status KeepAnAdministrator(Store& store, const User& before, const User& after) {
  if (before.role != Role::kAdministrator || before.disabled) return Status::Ok();
  if (after.role == Role::kAdministrator && !after.disabled) return Status::Ok();
  SPCOOP_ASSIGN_OR_RETURN(auto users, ListUsers(store));
  int active = 0;
  for (const User& u : users) active += u.role == Role::kAdministrator && !u.disabled;
  if (active <= 1) {
    return Status::FailedPrecondition(
        "this is the last active administrator; make another administrator first");
  }
  return Status::Ok();
}

Result<json> HandleUsersList(Context& ctx) {
  SPCOOP_RETURN_IF_ERROR(RequireRole(ctx, {Role::kAdministrator}, "list users"));
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(auto users, ListUsers(*store));
  std::vector<json> items;
  for (const User& u : users) items.push_back(UserJson(u));
  return DataOf(std::move(items));
}

Result<json> HandleUserCreate(Context& ctx) {
  SPCOOP_RETURN_IF_ERROR(RequireRole(ctx, {Role::kAdministrator}, "create users"));
  SPCOOP_ASSIGN_OR_RETURN(json body, Body(ctx));
  Fields f(body, {"username", "display_name", "role", "economy", "organisation", "password"});
  auto username = f.Text("username", true, 64);
  auto display = f.Text("display_name");
  auto role_name = f.Text("role", true);
  auto economy = f.Text("economy");
  auto organisation = f.Text("organisation");
  auto password = f.Text("password", true, 1024);
  std::optional<Role> role = role_name ? ParseRole(*role_name) : std::nullopt;
  if (role_name && !role) {
    f.Problem("role",
              "must be administrator, secretariat, focal_point, partner or analyst");
  }
  SPCOOP_RETURN_IF_ERROR(f.Check());
  SPCOOP_RETURN_IF_ERROR(auth::CheckUsername(*username));
  SPCOOP_RETURN_IF_ERROR(auth::CheckPasswordPolicy(*username, *password));
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  User u;
  u.username = *username;
  u.display_name = display.value_or(*username);
  u.role = role.value_or(Role::kAnalyst);
  u.economy = AsciiUpper(economy.value_or(""));
  u.organisation = organisation.value_or("");
  SPCOOP_RETURN_IF_ERROR(ValidateUserFields(*store, u));
  SPCOOP_ASSIGN_OR_RETURN(u.password_hash, auth::HashPassword(*password));
  SPCOOP_ASSIGN_OR_RETURN(u, CreateUser(*store, u));
  Audit(ctx, "user.create", "user:" + u.username, "", UserAuditJson(u));
  ctx.status = 201;
  return UserJson(u);
}

Result<json> HandleUserUpdate(Context& ctx) {
  SPCOOP_RETURN_IF_ERROR(RequireRole(ctx, {Role::kAdministrator}, "change users"));
  SPCOOP_ASSIGN_OR_RETURN(json body, Body(ctx));
  Fields f(body, {"display_name", "role", "economy", "organisation", "disabled"});
  auto display = f.Text("display_name");
  auto role_name = f.Text("role");
  auto economy = f.Text("economy");
  auto organisation = f.Text("organisation");
  auto disabled = f.Bool("disabled");
  const bool role_given = role_name.has_value();
  const Role role = ParseRole(role_name.value_or("")).value_or(Role::kAnalyst);
  if (role_given && !ParseRole(*role_name)) {
    f.Problem("role", "must be administrator, secretariat, focal_point, partner or analyst");
  }
  SPCOOP_RETURN_IF_ERROR(f.Check());
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(User before, GetUser(*store, ctx.arg));
  User after = before;
  if (display) after.display_name = *display;
  if (role_given) after.role = role;
  if (economy) after.economy = AsciiUpper(*economy);
  if (role_given && role != Role::kFocalPoint && !economy) after.economy.clear();
  if (organisation) after.organisation = *organisation;
  if (disabled) after.disabled = *disabled;
  SPCOOP_RETURN_IF_ERROR(ValidateUserFields(*store, after));
  SPCOOP_RETURN_IF_ERROR(KeepAnAdministrator(*store, before, after));
  SPCOOP_ASSIGN_OR_RETURN(after, UpdateUser(*store, after));
  // Sessions carry the rights of the moment they were opened: end them when rights change.
  int64_t ended = 0;
  if (after.role != before.role || after.economy != before.economy || after.disabled) {
    SPCOOP_ASSIGN_OR_RETURN(ended, DeleteUserSessions(*store, after.id));
  }
  std::string action = after.role != before.role || after.economy != before.economy
                           ? "user.role"
                           : (after.disabled != before.disabled ? "user.disable" : "user.update");
  Audit(ctx, action, "user:" + after.username, UserAuditJson(before), UserAuditJson(after));
  json out = UserJson(after);
  out["sessions_ended"] = ended;
  return out;
}

Result<json> HandleUserResetPassword(Context& ctx) {
  SPCOOP_RETURN_IF_ERROR(RequireRole(ctx, {Role::kAdministrator}, "reset passwords"));
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(User u, GetUser(*store, ctx.arg));
  std::string temporary = auth::RandomPassword();
  SPCOOP_ASSIGN_OR_RETURN(u.password_hash, auth::HashPassword(temporary));
  SPCOOP_ASSIGN_OR_RETURN(u, UpdateUser(*store, u));
  SPCOOP_ASSIGN_OR_RETURN(int64_t ended, DeleteUserSessions(*store, u.id));
  Audit(ctx, "user.reset_password", "user:" + u.username, "", "");
  return json{{"username", u.username},
              {"temporary_password", temporary},
              {"sessions_ended", ended},
              {"message", "give this password to the user privately; ask them to change it"}};
}

// ------------------------------------------------------------------ API tokens

json TokenJson(const ApiToken& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"created_at", t.created_at},
          {"last_used_at", t.last_used_at.empty() ? json(nullptr) : json(t.last_used_at)},
          {"revoked_at", t.revoked_at.empty() ? json(nullptr) : json(t.revoked_at)}};
}

Result<json> HandleTokensList(Context& ctx) {
  SPCOOP_RETURN_IF_ERROR(RequireLogin(ctx));
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(auto tokens, ListApiTokens(*store, ctx.principal->user.id));
  std::vector<json> items;
  for (const ApiToken& t : tokens) items.push_back(TokenJson(t));
  return DataOf(std::move(items));
}

Result<json> HandleTokenCreate(Context& ctx) {
  SPCOOP_RETURN_IF_ERROR(RequireLogin(ctx));
  if (ctx.principal->token_id != 0) {
    return Err(Status::PermissionDenied(
        "an API token cannot create further tokens; log in with a password to do that"));
  }
  SPCOOP_ASSIGN_OR_RETURN(json body, Body(ctx));
  Fields f(body, {"name"});
  auto name = f.Text("name", true, 100);
  SPCOOP_RETURN_IF_ERROR(f.Check());
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(auto created,
                          ctx.auth.CreateToken(*store, *ctx.principal, *name, ctx.client));
  json out = TokenJson(created.first);
  out["token"] = created.second;
  out["message"] = "keep this token secret; it is shown only now";
  ctx.status = 201;
  return out;
}

Result<json> HandleTokenRevoke(Context& ctx) {
  SPCOOP_RETURN_IF_ERROR(RequireLogin(ctx));
  SPCOOP_ASSIGN_OR_RETURN(int64_t id, IdArg(ctx, "token"));
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_RETURN_IF_ERROR(RevokeApiToken(*store, id, ctx.principal->user.id, NowUtc()));
  Audit(ctx, "token.revoke", fmt::format("token:{}", id), "", "");
  return json{{"id", id}, {"revoked", true}};
}

// ------------------------------------------------------------------ audit trail

json AuditJson(const AuditEvent& e) {
  auto parsed = [](const std::string& s) {
    if (s.empty()) return json(nullptr);
    json j = json::parse(s, nullptr, false);
    return j.is_discarded() ? json(s) : j;
  };
  return {{"id", e.id},           {"at", e.at},         {"actor", e.actor},
          {"address", e.address}, {"action", e.action}, {"object", e.object},
          {"outcome", e.outcome}, {"before", parsed(e.before)}, {"after", parsed(e.after)},
          {"hash", e.hash}};
}

Result<json> HandleAudit(Context& ctx) {
  SPCOOP_RETURN_IF_ERROR(
      RequireRole(ctx, {Role::kAdministrator, Role::kSecretariat}, "read the audit trail"));
  QueryParams q(ctx.request.query,
                {"actor", "action", "object", "since", "until", "page", "page_size"});
  AuditFilter f;
  f.actor = q.Text("actor");
  f.action = q.Text("action");
  f.object = q.Text("object");
  f.since = q.Text("since");
  f.until = q.Text("until");
  int page = q.Int("page", 1, 1'000'000).value_or(1);
  int page_size =
      q.Int("page_size", 1, ctx.limits.max_page_size).value_or(ctx.limits.default_page_size);
  SPCOOP_RETURN_IF_ERROR(q.Check());
  f.limit = page_size;
  f.offset = int64_t{page - 1} * page_size;
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(auto events, QueryAudit(*store, f));
  std::vector<json> items;
  for (const AuditEvent& e : events) items.push_back(AuditJson(e));
  json out = DataOf(std::move(items));
  out["page"] = page;
  out["page_size"] = page_size;
  return out;
}

// ------------------------------------------------------------------ change sets

json EventJson(const ChangesetEvent& e) {
  return {{"state", ChangesetStateName(e.state)},
          {"actor", e.actor},
          {"comment", e.comment},
          {"at", e.at}};
}

json ChangesetJson(const Changeset& cs) {
  json events = json::array();
  for (const auto& e : cs.events) events.push_back(EventJson(e));
  return {{"id", cs.id},
          {"economy", cs.economy},
          {"state", ChangesetStateName(cs.state)},
          {"created_by", cs.created_by},
          {"created_at", cs.created_at},
          {"updated_at", cs.updated_at},
          {"counts",
           {{"observation", cs.observations},
            {"target", cs.targets},
            {"narrative", cs.narratives}}},
          {"events", std::move(events)}};
}

json NarrativeJson(const Narrative& n) {
  return {{"economy", n.key.economy},     {"period", n.key.period},
          {"measure", n.key.measure},     {"lang", n.key.lang},
          {"stage", StageName(n.stage)},  {"progress", n.progress},
          {"challenges", n.challenges},   {"next_steps", n.next_steps}};
}

json ChangeKeyJson(const DraftChange& c) {
  switch (c.kind) {
    case ChangeKind::kObservation: {
      const ObservationKey& k = c.observation.key;
      return {{"series", k.series}, {"economy", k.economy},   {"sex", k.sex},
              {"age", k.age},       {"quantile", k.quantile}, {"year", k.year}};
    }
    case ChangeKind::kTarget: {
      const TargetKey& k = c.target.key;
      return {{"economy", k.economy}, {"series", k.series}, {"sex", k.sex}, {"age", k.age}};
    }
    case ChangeKind::kNarrative: {
      const NarrativeKey& k = c.narrative.key;
      return {{"economy", k.economy},
              {"period", k.period},
              {"measure", k.measure},
              {"lang", k.lang}};
    }
  }
  return json::object();
}

json ObservationValueJson(const Observation& o) {
  return {{"value", o.value},
          {"unit", o.attributes.unit},
          {"nature", o.attributes.nature},
          {"source", o.attributes.source},
          {"note", o.attributes.note}};
}

json TargetValueJson(const Target& t) {
  return {{"baseline_year", t.baseline_year},
          {"baseline_value", t.baseline_value},
          {"interim_2025", t.interim_2025 ? json(*t.interim_2025) : json(nullptr)},
          {"target_2030", t.target_2030}};
}

// Every change with the current published value of its object, for a diff.
Result<json> ChangesJson(Store& store, const std::vector<DraftChange>& changes) {
  json out = json::array();
  std::map<std::string, std::vector<Observation>> published_obs;  // by series
  for (const DraftChange& c : changes) {
    json item = {{"id", c.id},
                 {"kind", ChangeKindName(c.kind)},
                 {"key", ChangeKeyJson(c)},
                 {"value", nullptr},
                 {"published", nullptr},
                 {"reason", c.provenance.reason},
                 {"author", c.provenance.author},
                 {"recorded_at", c.recorded_at}};
    if (c.kind == ChangeKind::kObservation) {
      item["value"] = ObservationValueJson(c.observation);
      const ObservationKey& k = c.observation.key;
      ObservationFilter f;
      f.series = {k.series};
      f.economies = {k.economy};
      f.sex = k.sex;
      f.age = k.age;
      f.quantile = k.quantile;
      f.year_from = f.year_to = k.year;
      SPCOOP_ASSIGN_OR_RETURN(auto current, store.QueryObservations(f));
      if (!current.empty()) item["published"] = ObservationValueJson(current.front());
    } else if (c.kind == ChangeKind::kTarget) {
      item["value"] = TargetValueJson(c.target);
      SPCOOP_ASSIGN_OR_RETURN(auto current,
                              store.ListTargets({{c.target.key.economy}, {c.target.key.series}}));
      for (const Target& t : current) {
        if (t.key == c.target.key) item["published"] = TargetValueJson(t);
      }
    } else {
      item["value"] = NarrativeJson(c.narrative);
      SPCOOP_ASSIGN_OR_RETURN(auto current, store.ListNarratives({{c.narrative.key.economy},
                                                                  c.narrative.key.period}));
      for (const Narrative& n : current) {
        if (n.key == c.narrative.key) item["published"] = NarrativeJson(n);
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

Result<json> ChangesetWithChanges(Store& store, const Changeset& cs) {
  json out = ChangesetJson(cs);
  SPCOOP_ASSIGN_OR_RETURN(auto changes, ChangesetChanges(store, cs.id));
  SPCOOP_ASSIGN_OR_RETURN(out["changes"], ChangesJson(store, changes));
  return out;
}

Result<json> HandleChangesets(Context& ctx) {
  SPCOOP_RETURN_IF_ERROR(RequireLogin(ctx));
  QueryParams q(ctx.request.query, {"economy", "state"});
  std::vector<std::string> economies = q.List("economy");
  auto state_name = q.Text("state");
  std::optional<ChangesetState> state;
  if (state_name) {
    state = ParseChangesetState(*state_name);
    if (!state) {
      q.Invalid("state", "state must be draft, submitted, returned, publishing or published");
    }
  }
  SPCOOP_RETURN_IF_ERROR(q.Check());
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(economies, ResolveEconomies(*store, economies, "query.economy"));
  const User& u = ctx.principal->user;
  if (u.role == Role::kFocalPoint) {
    for (const std::string& e : economies) SPCOOP_RETURN_IF_ERROR(RequireDraftReader(ctx, e));
    economies = {u.economy};
  } else if (!HasRole(ctx, {Role::kSecretariat, Role::kAdministrator})) {
    return Err(Status::PermissionDenied(
        "change sets are visible to focal points (their own) and the secretariat only"));
  }
  SPCOOP_ASSIGN_OR_RETURN(auto list, ListChangesets(*store, {economies, state, 200}));
  std::vector<json> items;
  for (const Changeset& cs : list) items.push_back(ChangesetJson(cs));
  return DataOf(std::move(items));
}

Result<json> HandleChangeset(Context& ctx) {
  SPCOOP_RETURN_IF_ERROR(RequireLogin(ctx));
  SPCOOP_ASSIGN_OR_RETURN(int64_t id, IdArg(ctx, "change set"));
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(Changeset cs, GetChangeset(*store, id));
  SPCOOP_RETURN_IF_ERROR(RequireDraftReader(ctx, cs.economy));
  return ChangesetWithChanges(*store, cs);
}

Result<std::string> CommentOf(const Context& ctx) {
  if (ctx.request.body.empty()) return std::string();
  SPCOOP_ASSIGN_OR_RETURN(json body, Body(ctx));
  Fields f(body, {"comment"});
  auto comment = f.Text("comment", false, 4000);
  SPCOOP_RETURN_IF_ERROR(f.Check());
  return comment.value_or("");
}

Result<json> HandleSubmit(Context& ctx) {
  SPCOOP_RETURN_IF_ERROR(RequireLogin(ctx));
  SPCOOP_ASSIGN_OR_RETURN(int64_t id, IdArg(ctx, "change set"));
  SPCOOP_ASSIGN_OR_RETURN(std::string comment, CommentOf(ctx));
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(Changeset cs, GetChangeset(*store, id));
  SPCOOP_RETURN_IF_ERROR(RequireEditor(ctx, cs.economy));
  SPCOOP_ASSIGN_OR_RETURN(cs, SubmitChangeset(*store, id, ctx.actor(), comment));
  Audit(ctx, "changeset.submit", fmt::format("changeset:{}", id), "",
        json{{"economy", cs.economy}, {"comment", comment}}.dump());
  return ChangesetJson(cs);
}

Result<json> HandlePublish(Context& ctx) {
  SPCOOP_RETURN_IF_ERROR(RequireReviewer(ctx));
  SPCOOP_ASSIGN_OR_RETURN(int64_t id, IdArg(ctx, "change set"));
  SPCOOP_ASSIGN_OR_RETURN(std::string comment, CommentOf(ctx));
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(Changeset cs, PublishChangeset(*store, id, ctx.actor(), comment));
  Audit(ctx, "changeset.publish", fmt::format("changeset:{}", id), "",
        json{{"economy", cs.economy},
             {"observations", cs.observations},
             {"targets", cs.targets},
             {"narratives", cs.narratives},
             {"comment", comment}}
            .dump());
  return ChangesetJson(cs);
}

Result<json> HandleReturn(Context& ctx) {
  SPCOOP_RETURN_IF_ERROR(RequireReviewer(ctx));
  SPCOOP_ASSIGN_OR_RETURN(int64_t id, IdArg(ctx, "change set"));
  SPCOOP_ASSIGN_OR_RETURN(std::string comment, CommentOf(ctx));
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(Changeset cs, ReturnChangeset(*store, id, ctx.actor(), comment));
  Audit(ctx, "changeset.return", fmt::format("changeset:{}", id), "",
        json{{"economy", cs.economy}, {"comment", comment}}.dump());
  return ChangesetJson(cs);
}

Result<json> HandleWorkspace(Context& ctx) {
  SPCOOP_ASSIGN_OR_RETURN(std::string iso3, EconomyArg(ctx));
  SPCOOP_RETURN_IF_ERROR(RequireDraftReader(ctx, iso3));
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(auto latest, LatestChangeset(*store, iso3));
  json out = {{"economy", iso3}, {"changeset", nullptr}};
  if (latest) {
    SPCOOP_ASSIGN_OR_RETURN(out["changeset"], ChangesetWithChanges(*store, *latest));
  }
  out["can_edit"] = RequireEditor(ctx, iso3).ok();
  return out;
}

// ------------------------------------------------------------------ writes

Result<json> Drafted(Context& ctx, std::string_view iso3, std::vector<DraftChange> changes,
                     std::string_view action) {
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(Changeset cs, AddDraftChanges(*store, iso3, ctx.actor(), changes));
  json after = json::array();
  for (const DraftChange& c : changes) {
    json item = {{"kind", ChangeKindName(c.kind)}, {"key", ChangeKeyJson(c)}};
    if (c.kind == ChangeKind::kObservation) item["value"] = c.observation.value;
    if (c.kind == ChangeKind::kTarget) item["value"] = TargetValueJson(c.target);
    if (c.kind == ChangeKind::kNarrative) item["stage"] = StageName(c.narrative.stage);
    item["reason"] = c.provenance.reason;
    after.push_back(std::move(item));
    if (after.size() >= 50) break;  // a large upload is summarised by its count below
  }
  Audit(ctx, std::string(action), fmt::format("changeset:{}", cs.id), "",
        json{{"economy", iso3}, {"count", changes.size()}, {"changes", std::move(after)}}.dump());
  return ChangesetJson(cs);
}

Result<json> HandleObservationEdit(Context& ctx) {
  SPCOOP_ASSIGN_OR_RETURN(std::string iso3, EconomyArg(ctx));
  SPCOOP_RETURN_IF_ERROR(RequireEditor(ctx, iso3));
  SPCOOP_ASSIGN_OR_RETURN(json body, Body(ctx));
  Fields f(body, {"series", "sex", "age", "quantile", "year", "value", "attributes", "reason"});
  auto series = f.Text("series", true);
  auto sex = f.Text("sex");
  auto age = f.Text("age");
  auto quantile = f.Text("quantile");
  auto year = f.Integer("year");
  auto value = f.Number("value");
  auto reason = f.Text("reason", true, 2000);
  Observation o;
  if (const json* a = f.Object("attributes")) {
    Fields af(*a, {"unit", "nature", "source", "note"});
    o.attributes.unit = af.Text("unit").value_or("PERCENT");
    o.attributes.nature = af.Text("nature").value_or("");
    o.attributes.source = af.Text("source", false, 500).value_or("");
    o.attributes.note = af.Text("note", false, 2000).value_or("");
    SPCOOP_RETURN_IF_ERROR(af.Check());
  }
  SPCOOP_RETURN_IF_ERROR(f.Check());
  SPCOOP_ASSIGN_OR_RETURN(auto codes, ResolveSeries({*series}, "body.series"));
  o.key.series = codes.front();
  o.key.economy = iso3;
  auto norm = [&](const std::optional<std::string>& v, auto fn, std::string_view name,
                  std::string* out) -> Status {
    if (!v) return Status::Ok();
    auto code = fn(*v);
    if (!code) {
      return Status::InvalidArgument(fmt::format("{} '{}' is not a valid code", name, Shorten(*v)))
          .WithDetails({{fmt::format("body.{}", name), "not a valid code"}});
    }
    *out = *code;
    return Status::Ok();
  };
  SPCOOP_RETURN_IF_ERROR(norm(sex, NormalizeSex, "sex", &o.key.sex));
  SPCOOP_RETURN_IF_ERROR(norm(age, NormalizeAge, "age", &o.key.age));
  SPCOOP_RETURN_IF_ERROR(norm(quantile, NormalizeQuantile, "quantile", &o.key.quantile));
  if (*year < kMinYear || *year > kMaxYear) {
    std::string m = fmt::format("year {} is outside {}..{}", *year, kMinYear, kMaxYear);
    return Err(Status::InvalidArgument(m).WithDetails({{"body.year", m}}));
  }
  o.key.year = *year;
  if (Status st = ValidatePercent(*value); !st.ok()) {
    return Err(Status::InvalidArgument(st.message()).WithDetails({{"body.value", st.message()}}));
  }
  o.value = *value;
  std::vector<DraftChange> changes = {
      DraftChange::ForObservation(o, {ctx.actor(), "edit", *reason})};
  return Drafted(ctx, iso3, std::move(changes), "observation.edit");
}

Result<Target> TargetFromFields(Fields& f, std::string_view iso3) {
  auto series = f.Text("series", true);
  auto sex = f.Text("sex");
  auto age = f.Text("age");
  auto baseline_year = f.Integer("baseline_year");
  auto baseline_value = f.Number("baseline_value");
  auto interim = f.Number("interim_2025", false);
  auto target_2030 = f.Number("target_2030");
  SPCOOP_RETURN_IF_ERROR(f.Check());
  Target t;
  SPCOOP_ASSIGN_OR_RETURN(auto codes, ResolveSeries({*series}, "body.series"));
  t.key = {std::string(iso3), codes.front(), "_T", "_T"};
  if (sex) t.key.sex = NormalizeSex(*sex).value_or(*sex);
  if (age) t.key.age = NormalizeAge(*age).value_or(*age);
  t.baseline_year = *baseline_year;
  t.baseline_value = *baseline_value;
  t.interim_2025 = interim;
  t.target_2030 = *target_2030;
  SPCOOP_RETURN_IF_ERROR(ValidateTarget(t));
  return t;
}

Result<json> HandleTargetSet(Context& ctx) {
  SPCOOP_ASSIGN_OR_RETURN(std::string iso3, EconomyArg(ctx));
  SPCOOP_RETURN_IF_ERROR(RequireEditor(ctx, iso3));
  SPCOOP_ASSIGN_OR_RETURN(json body, Body(ctx));
  Fields f(body, {"series", "sex", "age", "baseline_year", "baseline_value", "interim_2025",
                  "target_2030", "reason"});
  auto reason = f.Text("reason", true, 2000);
  SPCOOP_ASSIGN_OR_RETURN(Target t, TargetFromFields(f, iso3));
  std::vector<DraftChange> changes = {DraftChange::ForTarget(t, {ctx.actor(), "edit", *reason})};
  return Drafted(ctx, iso3, std::move(changes), "target.set");
}

Result<json> HandleNarrativeSet(Context& ctx) {
  SPCOOP_ASSIGN_OR_RETURN(std::string iso3, EconomyArg(ctx));
  SPCOOP_RETURN_IF_ERROR(RequireEditor(ctx, iso3));
  SPCOOP_ASSIGN_OR_RETURN(json body, Body(ctx));
  Fields f(body, {"period", "measure", "lang", "stage", "progress", "challenges", "next_steps",
                  "reason"});
  constexpr size_t kMaxText = 20000;
  auto period = f.Text("period", true, 4);
  auto measure = f.Text("measure", true, 1);
  auto lang = f.Text("lang", true, 5);
  auto stage = f.Text("stage", true);
  auto progress = f.Text("progress", false, kMaxText);
  auto challenges = f.Text("challenges", false, kMaxText);
  auto next_steps = f.Text("next_steps", false, kMaxText);
  auto reason = f.Text("reason", false, 2000);
  if (period && (period->size() != 4 || !std::all_of(period->begin(), period->end(), ::isdigit))) {
    f.Problem("period", "must be a year such as 2025");
  }
  if (measure && !IsMeasure(*measure)) f.Problem("measure", "must be one of a to l");
  if (lang && !ParseLanguage(*lang)) f.Problem("lang", "must be en, zh, ru or fr");
  if (stage && !ParseStage(*stage)) {
    f.Problem("stage", "must be not_started, planning, in_progress or achieved");
  }
  SPCOOP_RETURN_IF_ERROR(f.Check());
  Narrative n;
  n.key = {iso3, *period, *measure, std::string(LanguageCode(*ParseLanguage(*lang)))};
  n.stage = *ParseStage(*stage);
  n.progress = progress.value_or("");
  n.challenges = challenges.value_or("");
  n.next_steps = next_steps.value_or("");
  std::vector<DraftChange> changes = {
      DraftChange::ForNarrative(n, {ctx.actor(), "edit", reason.value_or("")})};
  return Drafted(ctx, iso3, std::move(changes), "narrative.set");
}

// An upload: the same parser and validation as `spcoop import`; all or nothing.
Result<json> HandleUpload(Context& ctx) {
  SPCOOP_ASSIGN_OR_RETURN(std::string iso3, EconomyArg(ctx));
  SPCOOP_RETURN_IF_ERROR(RequireEditor(ctx, iso3));
  QueryParams q(ctx.request.query, {"format", "dry_run", "reason", "lang", "file_name"});
  auto format_name = q.Text("format");
  auto dry_run_text = q.Text("dry_run");
  auto reason = q.Text("reason");
  Language lang = LangParam(q);
  std::string file_name = q.Text("file_name").value_or("upload.csv");
  std::optional<ingest::Format> format = ingest::Format::kAuto;
  if (format_name) {
    format = ingest::ParseFormat(*format_name);
    if (!format) q.Invalid("format", "format must be tidy-csv, sdg-csv, ilostat-csv or auto");
  }
  bool dry_run = dry_run_text && (*dry_run_text == "true" || *dry_run_text == "1");
  if (dry_run_text && !dry_run && *dry_run_text != "false" && *dry_run_text != "0") {
    q.Invalid("dry_run", "dry_run must be true or false");
  }
  if (!reason) q.Invalid("reason", "say why these values change (reason=...)");
  SPCOOP_RETURN_IF_ERROR(q.Check());
  if (ctx.request.body.empty()) {
    return Err(Status::InvalidArgument("the upload is empty; send the CSV file as the body"));
  }
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Economy> economies, store->ListEconomies());
  ingest::ParseOptions options;
  options.format = *format;
  options.state = State::kDraft;
  SPCOOP_ASSIGN_OR_RETURN(ingest::ParsedFile parsed,
                          ingest::Parse(ctx.request.body, file_name, economies, options));
  std::vector<ingest::RowError> errors = parsed.errors;
  // Rows of other economies are errors too: an upload writes one economy's drafts.
  for (size_t i = 0; i < parsed.rows.size(); ++i) {
    if (parsed.rows[i].key.economy != iso3) {
      ingest::RowError e;
      e.file = file_name;
      e.line = parsed.row_lines[i];
      e.field = "economy";
      e.value = parsed.rows[i].key.economy;
      e.code = "economy_other_upload";
      e.fix_code = "fix_economy_other_upload";
      e.args = {{"row_economy", parsed.rows[i].key.economy}, {"economy", iso3}};
      e.problem = ingest::RenderMessage(e.code, Language::kEn, e.args);
      e.fix = ingest::RenderMessage(e.fix_code, Language::kEn, e.args);
      errors.push_back(std::move(e));
    }
  }
  if (!errors.empty()) {
    std::sort(errors.begin(), errors.end(),
              [](const auto& a, const auto& b) { return a.line < b.line; });
    std::vector<StatusDetail> details;
    for (const ingest::RowError& e : errors) {
      details.push_back({e.Location(), ingest::RenderRowErrorMessage(e, lang)});
    }
    return Err(Status::InvalidArgument(
                   fmt::format("{}: {} problem(s) found; nothing was stored. Fix every row and "
                               "upload the file again",
                               file_name, errors.size()))
                   .WithDetails(std::move(details)));
  }
  // Compare with the published values, to report what the change set will change.
  ObservationFilter filter;
  filter.economies = {iso3};
  SPCOOP_ASSIGN_OR_RETURN(auto current, store->QueryObservations(filter));
  std::map<ObservationKey, const Observation*> by_key;
  for (const Observation& o : current) by_key[o.key] = &o;
  int64_t added = 0, changed = 0, unchanged = 0;
  std::vector<DraftChange> changes;
  for (const Observation& o : parsed.rows) {
    auto it = by_key.find(o.key);
    if (it == by_key.end()) {
      ++added;
    } else if (it->second->value != o.value || !(it->second->attributes == o.attributes)) {
      ++changed;
    } else {
      ++unchanged;
      continue;  // nothing to review
    }
    changes.push_back(DraftChange::ForObservation(o, {ctx.actor(), "upload", *reason}));
  }
  json out = {{"file_name", file_name},
              {"format", ingest::FormatName(parsed.format)},
              {"rows", parsed.rows.size()},
              {"added", added},
              {"changed", changed},
              {"unchanged", unchanged},
              {"dry_run", dry_run},
              {"changeset_id", nullptr}};
  if (dry_run || changes.empty()) return out;
  fmt::print(stderr, "spcoop http: upload to {} by {}: storing {} draft rows\n", iso3,
             ctx.actor(), changes.size());
  SPCOOP_ASSIGN_OR_RETURN(json cs, Drafted(ctx, iso3, std::move(changes), "observation.upload"));
  out["changeset_id"] = cs["id"];
  out["changeset"] = std::move(cs);
  return out;
}

// ------------------------------------------------------------------ reads

Result<json> HandleNarratives(Context& ctx) {
  QueryParams q(ctx.request.query, {"economy", "period"});
  std::vector<std::string> economies = q.List("economy");
  auto period = q.Text("period");
  SPCOOP_RETURN_IF_ERROR(q.Check());
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(economies, ResolveEconomies(*store, economies, "query.economy"));
  SPCOOP_ASSIGN_OR_RETURN(auto list, store->ListNarratives({economies, period}));
  std::vector<json> items;
  for (const Narrative& n : list) {
    json j = NarrativeJson(n);
    j["author"] = n.provenance.author;
    j["recorded_at"] = n.recorded_at;
    items.push_back(std::move(j));
  }
  return DataOf(std::move(items));
}

// The assessment a target would give, without storing it (the target editor's live preview).
Result<json> HandlePreview(Context& ctx) {
  QueryParams q(ctx.request.query, {"economy", "series", "sex", "age", "baseline_year",
                                    "baseline_value", "interim_2025", "target_2030"});
  auto economy = q.Required("economy");
  auto series = q.Required("series");
  std::string sex = SexParam(q).value_or("_T");
  std::string age = AgeParam(q).value_or("_T");
  auto number = [&](std::string_view name, bool required) -> std::optional<double> {
    auto text = required ? q.Required(name) : q.Text(name);
    if (!text) return std::nullopt;
    char* end = nullptr;
    double v = std::strtod(text->c_str(), &end);
    if (end == text->c_str() || *end != '\0') {
      q.Invalid(name, fmt::format("{} must be a number", name));
      return std::nullopt;
    }
    return v;
  };
  auto baseline_year = q.Int("baseline_year", kMinYear, 2025);
  auto baseline_value = number("baseline_value", true);
  auto interim = number("interim_2025", false);
  auto target_2030 = number("target_2030", true);
  if (!baseline_year && q.ok()) q.Invalid("baseline_year", "missing required parameter");
  SPCOOP_RETURN_IF_ERROR(q.Check());
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(auto economies, ResolveEconomies(*store, {*economy}, "query.economy"));
  SPCOOP_ASSIGN_OR_RETURN(auto codes, ResolveSeries({*series}, "query.series"));
  const Series* s = FindSeries(codes.front());
  Target t;
  t.key = {economies.front(), s->code, sex, age};
  t.baseline_year = *baseline_year;
  t.baseline_value = *baseline_value;
  t.interim_2025 = interim;
  t.target_2030 = *target_2030;
  SPCOOP_RETURN_IF_ERROR(ValidateTarget(t));
  ObservationFilter f;
  f.series = {s->code};
  f.economies = {t.key.economy};
  f.sex = sex;
  f.age = age;
  f.quantile = "_T";
  SPCOOP_ASSIGN_OR_RETURN(auto observations, store->QueryObservations(f));
  std::vector<analysis::YearValue> values;
  for (const Observation& o : observations) values.push_back({o.key.year, o.value});
  PopulationFilter pf;
  pf.economies = {t.key.economy};
  SPCOOP_ASSIGN_OR_RETURN(auto rows, store->QueryPopulation(pf));
  analysis::PopulationTable population(std::move(rows));
  ObservationKey key{s->code, t.key.economy, sex, age, "_T", 0};
  analysis::Assessment a = analysis::Assess(*s, key, values, t, &population);
  return AssessmentJson(a);
}

const Route kWriteRoutes[] = {
    {"GET", "/session", "who is logged in, and the CSRF token", HandleSessionGet},
    {"POST", "/session", "log in (username, password); sets the session cookie", HandleLogin},
    {"DELETE", "/session", "log out", HandleLogout},
    {"POST", "/session/password", "change your password (current_password, new_password)",
     HandlePasswordChange},
    {"GET", "/users", "every user (administrators)", HandleUsersList},
    {"POST", "/users", "create a user (administrators)", HandleUserCreate},
    {"PATCH", "/users/{username}", "change role, economy, organisation, name, disabled",
     HandleUserUpdate},
    {"POST", "/users/{username}/reset-password", "a new temporary password (administrators)",
     HandleUserResetPassword},
    {"GET", "/tokens", "your API tokens", HandleTokensList},
    {"POST", "/tokens", "create an API token (name); shown once", HandleTokenCreate},
    {"DELETE", "/tokens/{id}", "revoke one of your API tokens", HandleTokenRevoke},
    {"GET", "/audit", "the audit trail (administrators, secretariat)", HandleAudit},
    {"GET", "/changesets", "change sets under review (economy, state)", HandleChangesets},
    {"GET", "/changesets/{id}", "one change set with its changes and the published values",
     HandleChangeset},
    {"POST", "/changesets/{id}/submit", "submit for review (focal point)", HandleSubmit},
    {"POST", "/changesets/{id}/publish", "publish (secretariat)", HandlePublish},
    {"POST", "/changesets/{id}/return", "return with a comment (secretariat)", HandleReturn},
    {"GET", "/economies/{iso3}/workspace", "the economy's open or latest change set",
     HandleWorkspace},
    {"POST", "/economies/{iso3}/imports",
     "upload a CSV as drafts (format, dry_run, reason, lang)", HandleUpload, true},
    {"PUT", "/economies/{iso3}/observations", "edit one observation, with a reason",
     HandleObservationEdit},
    {"PUT", "/economies/{iso3}/targets", "set a target, with a reason", HandleTargetSet},
    {"PUT", "/economies/{iso3}/narratives", "write a narrative of a national report",
     HandleNarrativeSet},
    {"GET", "/narratives", "published narratives (economy, period)", HandleNarratives},
    {"GET", "/progress/preview", "the assessment a target would give, without storing it",
     HandlePreview},
};

}  // namespace

std::span<const Route> WriteRoutes() { return kWriteRoutes; }

bool CanReadDrafts(const Context& ctx, std::string_view iso3) {
  if (!ctx.principal) return false;
  const User& u = ctx.principal->user;
  return u.role == Role::kAdministrator || u.role == Role::kSecretariat ||
         (u.role == Role::kFocalPoint && u.economy == iso3);
}

}  // namespace spcoop::server::detail
