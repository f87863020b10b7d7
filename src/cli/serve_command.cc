// spcoop serve — the HTTP API (and the web app when built).
#include <csignal>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "common.h"
#include "spcoop/server/server.h"

namespace spcoop::cli {
namespace {

server::Server* g_running = nullptr;

void OnSignal(int) {
  if (g_running) g_running->Stop();
}

int RunServe(const GlobalOptions& g, server::ServerOptions opt) {
  opt.database = g.database;
  if (auto store = OpenDatabase(g); !store) return Fail(store.error());
  auto srv = server::Server::Create(opt);
  if (!srv) return Fail(srv.error());
  if (Status s = (*srv)->Bind(); !s.ok()) return Fail(s);
  std::cerr << fmt::format("spcoop: serving {} on http://{}:{}/ (API at /api/v1); Ctrl-C stops\n",
                           DisplayUri(g.database), opt.host, (*srv)->port());
  std::error_code ec;
  if (!std::filesystem::is_directory(std::filesystem::path(opt.rules_dir) / "examples", ec)) {
    std::cerr << fmt::format(
        "spcoop: warning: no folder '{}/examples'; the simulator offers no example schemes "
        "(start from the repository root, or give --rules DIR)\n",
        opt.rules_dir);
  }
  g_running = srv->get();
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  Status s = (*srv)->Listen();
  g_running = nullptr;
  if (!s.ok()) return Fail(s);
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, GlobalOptions& g, Action& action) {
  auto opt = std::make_shared<server::ServerOptions>();
  auto* cmd = app.add_subcommand("serve", "Serve the HTTP API (docs/http.md)");
  cmd->add_option("--host", opt->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", opt->port, "Port (0 = any free port)")->capture_default_str();
  cmd->add_option("--threads", opt->threads, "Worker threads")->capture_default_str();
  cmd->add_option("--max-body", opt->max_body_bytes, "Largest request body, bytes")
      ->capture_default_str();
  cmd->add_option("--max-page-size", opt->max_page_size, "Largest page of observations")
      ->capture_default_str();
  cmd->add_option("--read-timeout", opt->read_timeout_seconds, "Seconds a client may take to send")
      ->capture_default_str();
  cmd->add_option("--write-timeout", opt->write_timeout_seconds,
                  "Seconds a client may take to receive")
      ->capture_default_str();
  cmd->add_option("--max-query-params", opt->max_query_params, "Most query parameters per request")
      ->capture_default_str();
  cmd->add_flag("--no-log", [opt](int64_t) { opt->log_requests = false; },
                "Do not log one line per request");
  cmd->add_option("--max-upload", opt->max_upload_bytes, "Largest import upload, bytes")
      ->capture_default_str();
  cmd->add_flag("--secure-cookies", opt->secure_cookies,
                "Mark session cookies Secure (clients reach spcoop over TLS)");
  cmd->add_flag("--trust-proxy", opt->trust_proxy,
                "Behind a reverse proxy: client address from X-Forwarded-For, scheme from "
                "X-Forwarded-Proto");
  cmd->add_option("--web", opt->web_root, "Folder of the built web app to serve at /");
  cmd->add_option("--simulation-workers", opt->simulation_workers,
                  "Threads running simulation jobs (0 = leave them to another server)")
      ->capture_default_str();
  cmd->add_option("--simulation-queue", opt->simulation_queue,
                  "Most queued simulation runs; more get 503")
      ->capture_default_str();
  cmd->add_option("--anonymous-max-persons", opt->anonymous_max_persons,
                  "Largest simulation run (persons) of an anonymous caller")
      ->capture_default_str();
  cmd->add_option("--user-max-persons", opt->user_max_persons,
                  "Largest simulation run (persons) of a signed-in user")
      ->capture_default_str();
  cmd->add_option("--anonymous-runs", opt->anonymous_runs_per_client,
                  "Simulation runs an anonymous client address may have queued or running")
      ->capture_default_str();
  cmd->add_option("--rules", opt->rules_dir,
                  "Rules folder; its examples/ are the simulator's example schemes")
      ->capture_default_str();
  cmd->callback([&g, &action, opt] { action = [&g, opt] { return RunServe(g, *opt); }; });
}

}  // namespace spcoop::cli
