#include "spcoop/auth/auth.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

namespace spcoop::auth {
namespace {

// OWASP Password Storage Cheat Sheet: argon2id with m = 19 MiB, t = 2, p = 1 (sodium uses one
// lane). ASVS 4.0 level 2 (V2.4.1) asks for an approved memory-hard function at such settings.
constexpr unsigned long long kOpsLimit = 2;
constexpr size_t kMemLimit = 19u * 1024u * 1024u;
constexpr size_t kMinPassword = 12;
constexpr size_t kMaxPassword = 128;
constexpr std::string_view kTokenPrefix = "spc_";

std::string Json(std::initializer_list<std::pair<const std::string, nlohmann::json>> fields) {
  return nlohmann::json(fields).dump();
}

void Audit(Store& store, std::string_view actor, const ClientInfo& client, std::string action,
           std::string object, std::string outcome, std::string after = "") {
  AuditOrWarn(store, {.actor = std::string(actor),
                      .address = client.address,
                      .action = std::move(action),
                      .object = std::move(object),
                      .outcome = std::move(outcome),
                      .after = std::move(after)});
}

Clock::time_point Later(Clock::time_point a, Clock::time_point b) { return a < b ? b : a; }

}  // namespace

Status Init() {
  static const int rc = sodium_init();
  if (rc < 0) return Status::Internal("libsodium could not be initialised");
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  SPCOOP_RETURN_IF_ERROR(Init());
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Err(Status::ResourceExhausted("not enough memory to hash the password"));
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (!Init().ok() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool NeedsRehash(std::string_view hash) {
  std::string h(hash);
  return crypto_pwhash_str_needs_rehash(h.c_str(), kOpsLimit, kMemLimit) != 0;
}

Status CheckUsername(std::string_view name) {
  bool ok = name.size() >= 3 && name.size() <= 64 && std::isalnum(static_cast<unsigned char>(name[0]));
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                c == '-');
  }
  if (ok) return Status::Ok();
  return Status::InvalidArgument(fmt::format(
      "user name '{}' is not valid: use 3 to 64 lower-case letters, digits, '.', '_' or '-', "
      "starting with a letter or digit",
      name.substr(0, 80)));
}

Status CheckPasswordPolicy(std::string_view username, std::string_view password) {
  // Length counts characters, not bytes (UTF-8 continuation bytes are skipped).
  size_t chars = 0;
  for (unsigned char c : password) chars += (c & 0xC0) != 0x80;
  if (chars < kMinPassword) {
    return Status::InvalidArgument(fmt::format(
        "the password has {} characters; use at least {} (a passphrase of several words is "
        "easiest to remember)",
        chars, kMinPassword));
  }
  if (chars > kMaxPassword) {
    return Status::InvalidArgument(
        fmt::format("the password has {} characters; use at most {}", chars, kMaxPassword));
  }
  std::string lower(password);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (!username.empty() && lower.find(username) != std::string::npos) {
    return Status::InvalidArgument("the password contains the user name; choose another one");
  }
  if (std::all_of(password.begin(), password.end(),
                  [&](char c) { return c == password.front(); })) {
    return Status::InvalidArgument("the password repeats one character; choose another one");
  }
  return Status::Ok();
}

std::string RandomToken(size_t bytes) {
  (void)Init();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  sodium_memzero(raw.data(), raw.size());
  return out;
}

std::string RandomPassword() {
  (void)Init();
  // No look-alike characters (0/O, 1/l/I), so it can be read out over the phone.
  static constexpr std::string_view kAlphabet =
      "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  for (int i = 0; i < 20; ++i) {
    out += kAlphabet[randombytes_uniform(static_cast<uint32_t>(kAlphabet.size()))];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  (void)Init();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string FormatUtc(Clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

std::optional<Clock::time_point> ParseUtc(std::string_view text) {
  std::tm tm{};
  int ms = 0;
  std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) < 6) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::time_t secs = timegm(&tm);
  if (secs == static_cast<std::time_t>(-1)) return std::nullopt;
  return Clock::from_time_t(secs) + std::chrono::milliseconds(ms);
}

// ------------------------------------------------------------------ Authenticator

Status Authenticator::RecordFailure(Store& store, std::string_view subject, int free_failures,
                                    Clock::time_point now, const ClientInfo& client,
                                    bool* locked) const {
  SPCOOP_ASSIGN_OR_RETURN(Throttle t, GetThrottle(store, subject));
  ++t.failures;
  t.last_failure_at = FormatUtc(now);
  if (t.failures >= free_failures) {
    // Each failure past the free ones doubles the lock: base, 2 base, 4 base, ... up to max.
    int doublings = std::min(t.failures - free_failures, 20);
    auto lock = std::min<std::chrono::seconds>(policy_.base_lockout * (int64_t{1} << doublings),
                                               policy_.max_lockout);
    t.locked_until = FormatUtc(now + lock);
    *locked = true;
    Audit(store, "system", client, "lockout", std::string(subject), "ok",
          Json({{"failures", t.failures}, {"locked_until", t.locked_until}}));
  }
  return PutThrottle(store, t);
}

Result<LoginResult> Authenticator::Login(Store& store, std::string_view username,
                                         std::string_view password, const ClientInfo& client,
                                         int* retry_after_seconds) const {
  SPCOOP_RETURN_IF_ERROR(Init());
  const auto now = Clock::now();
  const std::string user_subject = fmt::format("user:{}", username.substr(0, 64));
  const std::string address_subject = fmt::format("address:{}", client.address);

  // Locked subjects answer at once, whatever the password.
  Clock::time_point locked_until{};
  for (const std::string& subject : {user_subject, address_subject}) {
    SPCOOP_ASSIGN_OR_RETURN(Throttle t, GetThrottle(store, subject));
    if (auto until = ParseUtc(t.locked_until); until && *until > now) {
      locked_until = Later(locked_until, *until);
    }
  }
  if (locked_until > now) {
    auto wait = std::chrono::duration_cast<std::chrono::seconds>(locked_until - now).count() + 1;
    if (retry_after_seconds) *retry_after_seconds = static_cast<int>(wait);
    Audit(store, username, client, "login_throttled", fmt::format("user:{}", username), "denied");
    return Err(Status::RateLimited(fmt::format(
        "too many failed logins for this account or address; try again in {} seconds", wait)));
  }

  auto user = GetUser(store, username);
  if (!user && user.error().code() != StatusCode::kNotFound) return Err(user.error());
  bool ok = false;
  if (user) {
    ok = VerifyPassword(user->password_hash, password);
  } else {
    // Spend the same time as for a real account, so timing does not tell which names exist.
    static const std::string kDummy = HashPassword("spcoop-dummy-password").value_or("");
    VerifyPassword(kDummy, password);
  }
  if (!ok) {
    bool locked = false;
    SPCOOP_RETURN_IF_ERROR(
        RecordFailure(store, user_subject, policy_.free_failures_per_account, now, client, &locked));
    SPCOOP_RETURN_IF_ERROR(RecordFailure(store, address_subject, policy_.free_failures_per_address,
                                         now, client, &locked));
    Audit(store, username, client, "login_failed", fmt::format("user:{}", username), "failed");
    return Err(Status::Unauthenticated("the user name or password is wrong"));
  }
  if (user->disabled) {
    Audit(store, username, client, "login_failed", fmt::format("user:{}", username), "denied",
          Json({{"reason", "disabled"}}));
    return Err(Status::PermissionDenied(
        "this account is disabled; ask an administrator to enable it"));
  }
  SPCOOP_RETURN_IF_ERROR(ClearThrottle(store, user_subject));
  if (NeedsRehash(user->password_hash)) {
    if (auto rehashed = HashPassword(password)) {
      user->password_hash = *rehashed;
      SPCOOP_ASSIGN_OR_RETURN(*user, UpdateUser(store, *user));
    }
  }
  LoginResult out;
  out.session_cookie = RandomToken(32);
  SessionRecord s;
  s.id_hash = Sha256Hex(out.session_cookie);
  s.user_id = user->id;
  s.csrf_token = RandomToken(32);
  s.created_at = s.last_seen_at = FormatUtc(now);
  s.address = client.address;
  s.user_agent = client.user_agent.substr(0, 200);
  SPCOOP_RETURN_IF_ERROR(CreateSession(store, s));
  out.principal.user = *user;
  out.principal.via_session = true;
  out.principal.session_hash = s.id_hash;
  out.principal.csrf_token = s.csrf_token;
  Audit(store, user->username, client, "login", fmt::format("user:{}", user->username), "ok");
  return out;
}

Result<std::optional<Principal>> Authenticator::FromSession(Store& store,
                                                            std::string_view cookie) const {
  if (cookie.empty() || cookie.size() > 128) return std::optional<Principal>();
  const std::string hash = Sha256Hex(cookie);
  SPCOOP_ASSIGN_OR_RETURN(std::optional<SessionRecord> s, GetSession(store, hash));
  if (!s) return std::optional<Principal>();
  const auto now = Clock::now();
  auto created = ParseUtc(s->created_at);
  auto seen = ParseUtc(s->last_seen_at);
  if (!created || !seen || now - *seen > policy_.idle_timeout ||
      now - *created > policy_.absolute_timeout) {
    SPCOOP_RETURN_IF_ERROR(DeleteSession(store, hash));
    return std::optional<Principal>();
  }
  auto user = GetUserById(store, s->user_id);
  if (!user) {
    if (user.error().code() == StatusCode::kNotFound) return std::optional<Principal>();
    return Err(user.error());
  }
  if (user->disabled) return std::optional<Principal>();
  if (now - *seen > policy_.touch_interval) {
    SPCOOP_RETURN_IF_ERROR(TouchSession(store, hash, FormatUtc(now)));
  }
  Principal p;
  p.user = std::move(*user);
  p.via_session = true;
  p.session_hash = hash;
  p.csrf_token = s->csrf_token;
  return std::optional<Principal>(std::move(p));
}

Result<std::optional<Principal>> Authenticator::FromToken(Store& store, std::string_view token) const {
  if (!token.starts_with(kTokenPrefix) || token.size() > 128) return std::optional<Principal>();
  SPCOOP_ASSIGN_OR_RETURN(std::optional<ApiToken> t, FindApiToken(store, Sha256Hex(token)));
  if (!t) return std::optional<Principal>();
  auto user = GetUserById(store, t->user_id);
  if (!user) {
    if (user.error().code() == StatusCode::kNotFound) return std::optional<Principal>();
    return Err(user.error());
  }
  if (user->disabled) return std::optional<Principal>();
  const auto now = Clock::now();
  auto used = ParseUtc(t->last_used_at);
  if (!used || now - *used > policy_.touch_interval) {
    SPCOOP_RETURN_IF_ERROR(TouchApiToken(store, t->id, FormatUtc(now)));
  }
  Principal p;
  p.user = std::move(*user);
  p.token_id = t->id;
  return std::optional<Principal>(std::move(p));
}

Status Authenticator::Logout(Store& store, const Principal& principal, const ClientInfo& client) const {
  if (principal.via_session) SPCOOP_RETURN_IF_ERROR(DeleteSession(store, principal.session_hash));
  Audit(store, principal.user.username, client, "logout",
        fmt::format("user:{}", principal.user.username), "ok");
  return Status::Ok();
}

Status Authenticator::ChangePassword(Store& store, const Principal& principal,
                                     std::string_view current, std::string_view next,
                                     const ClientInfo& client) const {
  SPCOOP_ASSIGN_OR_RETURN(User user, GetUserById(store, principal.user.id));
  if (!VerifyPassword(user.password_hash, current)) {
    Audit(store, user.username, client, "password_change", fmt::format("user:{}", user.username),
          "failed");
    return Status::Unauthenticated("the current password is wrong");
  }
  SPCOOP_RETURN_IF_ERROR(CheckPasswordPolicy(user.username, next));
  SPCOOP_ASSIGN_OR_RETURN(user.password_hash, HashPassword(next));
  SPCOOP_ASSIGN_OR_RETURN(user, UpdateUser(store, user));
  SPCOOP_ASSIGN_OR_RETURN(int64_t ended, DeleteUserSessions(store, user.id));
  (void)ended;
  Audit(store, user.username, client, "password_change", fmt::format("user:{}", user.username),
        "ok");
  return Status::Ok();
}

Result<std::pair<ApiToken, std::string>> Authenticator::CreateToken(Store& store,
                                                                    const Principal& principal,
                                                                    std::string_view name,
                                                                    const ClientInfo& client) const {
  std::string secret = std::string(kTokenPrefix) + RandomToken(32);
  ApiToken t;
  t.user_id = principal.user.id;
  t.name = std::string(name);
  t.token_hash = Sha256Hex(secret);
  SPCOOP_ASSIGN_OR_RETURN(t, CreateApiToken(store, t));
  Audit(store, principal.user.username, client, "token.create", fmt::format("token:{}", t.id),
        "ok", Json({{"name", t.name}, {"user", principal.user.username}}));
  return std::make_pair(std::move(t), std::move(secret));
}

}  // namespace spcoop::auth
