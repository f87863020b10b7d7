// spcoop user add|list|role|disable|enable|reset-password, and spcoop audit [verify]: the
// operator's side of accounts (docs/cli.md). Every change is written to the audit trail with
// the actor "cli:<login name>".
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "common.h"
#include "output.h"
#include "spcoop/auth/auth.h"
#include "spcoop/store/accounts.h"

namespace spcoop::cli {
namespace {

std::string CliActor() {
  const char* user = std::getenv("USER");
  return fmt::format("cli:{}", user && *user ? user : "operator");
}

void AuditCli(Store& store, std::string action, std::string object, std::string before,
              std::string after) {
  AuditOrWarn(store, {.actor = CliActor(),
                      .action = std::move(action),
                      .object = std::move(object),
                      .outcome = "ok",
                      .before = std::move(before),
                      .after = std::move(after)});
}

std::string UserState(const User& u) {
  return nlohmann::json{{"role", RoleName(u.role)},
                        {"economy", u.economy},
                        {"organisation", u.organisation},
                        {"disabled", u.disabled}}
      .dump();
}

std::string ReadLineNoEcho(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  termios old{};
  bool tty = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  return line;
}

// The password from `env_var`, else asked twice on a terminal, else one line of stdin.
Result<std::string> ReadNewPassword(const std::string& username, const char* env_var) {
  if (const char* p = std::getenv(env_var); p && *p) return std::string(p);
  std::string first = ReadLineNoEcho(fmt::format("password for {}: ", username));
  if (::isatty(STDIN_FILENO)) {
    std::string again = ReadLineNoEcho("again: ");
    if (again != first) return Err(Status::InvalidArgument("the two passwords differ; try again"));
  }
  if (first.empty()) {
    return Err(Status::InvalidArgument(fmt::format(
        "no password given; set {} or type one at the prompt", env_var)));
  }
  return first;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

struct UserArgs {
  std::string name, role, economy, organisation, display_name;
  std::string since, until, actor, action, object;
  int limit = 50;
};

int RunAdd(const GlobalOptions& g, const UserArgs& a) {
  auto role = ParseRole(a.role);
  if (!role) {
    return Fail(Status::InvalidArgument(fmt::format(
        "unknown role '{}'; use administrator, secretariat, focal_point, partner or analyst",
        a.role)));
  }
  if (Status s = auth::CheckUsername(a.name); !s.ok()) return Fail(s);
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  User u;
  u.username = a.name;
  u.display_name = a.display_name.empty() ? a.name : a.display_name;
  u.role = *role;
  u.economy = Upper(a.economy);
  u.organisation = a.organisation;
  if (Status s = ValidateUserFields(**store, u); !s.ok()) return Fail(s);
  auto password = ReadNewPassword(a.name, "SPCOOP_PASSWORD");
  if (!password) return Fail(password.error());
  if (Status s = auth::CheckPasswordPolicy(a.name, *password); !s.ok()) return Fail(s);
  auto hash = auth::HashPassword(*password);
  if (!hash) return Fail(hash.error());
  u.password_hash = *hash;
  auto created = CreateUser(**store, u);
  if (!created) return Fail(created.error());
  AuditCli(**store, "user.create", "user:" + u.username, "", UserState(*created));
  std::cout << fmt::format("user {} created ({}{})\n", created->username, RoleName(created->role),
                           created->economy.empty() ? "" : ", " + created->economy);
  return kExitOk;
}

int RunList(const GlobalOptions& g) {
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  auto users = ListUsers(**store);
  if (!users) return Fail(users.error());
  Table t({"username", "display_name", "role", "economy", "organisation", "disabled",
           "created_at"});
  for (const User& u : *users) {
    t.AddRow({u.username, u.display_name, std::string(RoleName(u.role)), u.economy,
              u.organisation, Cell(u.disabled), u.created_at});
  }
  t.Print(std::cout, g.Format());
  return kExitOk;
}

// Applies `change` to a user, ends their sessions when rights change, and audits it.
template <typename F>
int Change(const GlobalOptions& g, const std::string& name, std::string action, F change) {
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  auto before = GetUser(**store, name);
  if (!before) return Fail(before.error());
  User after = *before;
  if (Status s = change(**store, after); !s.ok()) return Fail(s);
  auto updated = UpdateUser(**store, after);
  if (!updated) return Fail(updated.error());
  auto ended = DeleteUserSessions(**store, updated->id);
  if (!ended) return Fail(ended.error());
  AuditCli(**store, action, "user:" + name, UserState(*before), UserState(*updated));
  std::cout << fmt::format("user {}: {} ({} session(s) ended)\n", name, UserState(*updated),
                           *ended);
  return kExitOk;
}

int RunAuditList(const GlobalOptions& g, const UserArgs& a) {
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  AuditFilter f;
  if (!a.actor.empty()) f.actor = a.actor;
  if (!a.action.empty()) f.action = a.action;
  if (!a.object.empty()) f.object = a.object;
  if (!a.since.empty()) f.since = a.since;
  if (!a.until.empty()) f.until = a.until;
  f.limit = a.limit;
  auto events = QueryAudit(**store, f);
  if (!events) return Fail(events.error());
  Table t({"id", "at", "actor", "address", "action", "object", "outcome", "before", "after"});
  for (const AuditEvent& e : *events) {
    t.AddRow({Cell(e.id), e.at, e.actor, e.address, e.action, e.object, e.outcome, e.before,
              e.after});
  }
  t.Print(std::cout, g.Format());
  return kExitOk;
}

int RunAuditVerify(const GlobalOptions& g) {
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  auto check = VerifyAudit(**store);
  if (!check) return Fail(check.error());
  if (!check->ok) {
    return Fail(Status::DataLoss(fmt::format(
        "the audit trail is broken at event {}: {} ({} events checked); restore the database "
        "from a backup and investigate who had write access to it",
        check->first_bad_id, check->problem, check->events)));
  }
  std::cout << fmt::format("audit trail intact: {} events, every hash matches\n", check->events);
  return kExitOk;
}

}  // namespace

// Called by `spcoop init`: the first administrator, from SPCOOP_ADMIN_PASSWORD (and
// SPCOOP_ADMIN_USER) or a prompt on a terminal. Never a default password.
Status EnsureAdministrator(Store& store) {
  SPCOOP_ASSIGN_OR_RETURN(int64_t users, CountUsers(store));
  if (users > 0) return Status::Ok();
  const char* env_user = std::getenv("SPCOOP_ADMIN_USER");
  std::string name = env_user && *env_user ? env_user : "admin";
  const char* env_password = std::getenv("SPCOOP_ADMIN_PASSWORD");
  if (!(env_password && *env_password) && !::isatty(STDIN_FILENO)) {
    std::cout << "no administrator yet: set SPCOOP_ADMIN_PASSWORD and run spcoop init again, or "
                 "run: spcoop user add admin --role administrator\n";
    return Status::Ok();
  }
  SPCOOP_RETURN_IF_ERROR(auth::CheckUsername(name));
  std::string password;
  if (env_password && *env_password) {
    password = env_password;
  } else {
    password = ReadLineNoEcho(fmt::format(
        "password for the first administrator '{}' (12 or more characters; Enter to skip): ",
        name));
    if (password.empty()) {
      std::cout << "no administrator created; later: spcoop user add admin --role "
                   "administrator\n";
      return Status::Ok();
    }
    if (ReadLineNoEcho("again: ") != password) {
      return Status::InvalidArgument("the two passwords differ; run spcoop init again");
    }
  }
  SPCOOP_RETURN_IF_ERROR(auth::CheckPasswordPolicy(name, password));
  User u;
  u.username = name;
  u.display_name = "Administrator";
  u.role = Role::kAdministrator;
  SPCOOP_ASSIGN_OR_RETURN(u.password_hash, auth::HashPassword(password));
  SPCOOP_ASSIGN_OR_RETURN(u, CreateUser(store, u));
  AuditCli(store, "user.create", "user:" + u.username, "", UserState(u));
  std::cout << fmt::format("administrator {} created\n", u.username);
  return Status::Ok();
}

void AddUserCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  static UserArgs a;
  auto* user = app.add_subcommand("user", "Manage accounts: add, list, role, disable, enable, "
                                          "reset-password");
  user->require_subcommand(1);

  auto* add = user->add_subcommand(
      "add", "Create an account. The password comes from SPCOOP_PASSWORD or a prompt.");
  add->add_option("name", a.name, "User name: 3-64 of a-z 0-9 . _ -")->required();
  add->add_option("--role", a.role,
                  "administrator, secretariat, focal_point, partner or analyst")
      ->required();
  add->add_option("--economy", a.economy, "ISO3 code: required for a focal point");
  add->add_option("--organisation", a.organisation, "Required for a development partner");
  add->add_option("--display-name", a.display_name, "Name shown in the web pages");
  add->callback([&] { action = [&] { return RunAdd(g, a); }; });

  auto* list = user->add_subcommand("list", "List every account");
  list->callback([&] { action = [&] { return RunList(g); }; });

  auto* role = user->add_subcommand(
      "role", "Change a user's role (and economy); ends the user's sessions");
  role->add_option("name", a.name, "User name")->required();
  role->add_option("role", a.role, "The new role")->required();
  role->add_option("--economy", a.economy, "ISO3 code, for a focal point");
  role->add_option("--organisation", a.organisation, "For a development partner");
  role->callback([&] {
    action = [&] {
      return Change(g, a.name, "user.role", [&](Store& store, User& u) -> Status {
        auto r = ParseRole(a.role);
        if (!r) {
          return Status::InvalidArgument(fmt::format("unknown role '{}'", a.role));
        }
        u.role = *r;
        u.economy = Upper(a.economy);
        if (!a.organisation.empty()) u.organisation = a.organisation;
        return ValidateUserFields(store, u);
      });
    };
  });

  for (bool disable : {true, false}) {
    auto* cmd = user->add_subcommand(disable ? "disable" : "enable",
                                     disable ? "Disable an account; ends its sessions and tokens"
                                             : "Enable a disabled account");
    cmd->add_option("name", a.name, "User name")->required();
    cmd->callback([&, disable] {
      action = [&, disable] {
        return Change(g, a.name, disable ? "user.disable" : "user.enable",
                      [disable](Store&, User& u) {
                        u.disabled = disable;
                        return Status::Ok();
                      });
      };
    });
  }

  auto* reset = user->add_subcommand(
      "reset-password", "Set a new password (SPCOOP_PASSWORD or a prompt); ends the sessions");
  reset->add_option("name", a.name, "User name")->required();
  reset->callback([&] {
    action = [&] {
      return Change(g, a.name, "user.reset_password", [&](Store&, User& u) -> Status {
        SPCOOP_ASSIGN_OR_RETURN(std::string password, ReadNewPassword(u.username,
                                                                      "SPCOOP_PASSWORD"));
        SPCOOP_RETURN_IF_ERROR(auth::CheckPasswordPolicy(u.username, password));
        SPCOOP_ASSIGN_OR_RETURN(u.password_hash, auth::HashPassword(password));
        return Status::Ok();
      });
    };
  });

  auto* audit = app.add_subcommand(
      "audit", "Show the audit trail, newest first; 'audit verify' checks its hash chain");
  audit->add_option("--actor", a.actor, "Only this user name");
  audit->add_option("--action", a.action, "Only this action, or a prefix ending in '.'");
  audit->add_option("--object", a.object, "Only this object, e.g. user:ana or changeset:3");
  audit->add_option("--since", a.since, "From this UTC time, e.g. 2026-11-01");
  audit->add_option("--until", a.until, "Before this UTC time");
  audit->add_option("--limit", a.limit, "At most this many events (default 50)");
  auto* verify = audit->add_subcommand(
      "verify", "Recompute the hash chain; exit 1 and name the first event that was changed");
  verify->callback([&] { action = [&] { return RunAuditVerify(g); }; });
  audit->callback([&, verify] {
    if (verify->parsed()) return;
    action = [&] { return RunAuditList(g, a); };
  });
}

}  // namespace spcoop::cli
