// spcoop/server/server.h — the HTTP layer: JSON API under /api/v1 (docs/http.md).
//
//   ServerOptions opt;
//   opt.database = "var/spcoop.db";
//   opt.port = 8080;
//   SPCOOP_ASSIGN_OR_RETURN(auto server, Server::Create(opt));
//   SPCOOP_RETURN_IF_ERROR(server->Listen());  // blocks until Stop() (another thread, a signal)
//
// Only this layer knows HTTP. It translates requests into store/analysis calls and results into
// JSON. Errors go out as {"code","message","details":[{"path","message"}]} with the HTTP status
// mapped from the StatusCode in one table. Thread safety: Listen() runs a thread pool; each worker
// uses its own Store connection (a small pool, one connection per concurrently busy worker).
// Stop() may be called from any thread, also before Listen() (Listen() then returns at once).
// A Server serves once: after Listen() has returned, create a new one to serve again.
// An in-memory SQLite database is private to one connection, so Create() refuses it
// (kFailedPrecondition), as it does a SQLite file that does not exist or has no schema.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "spcoop/auth/auth.h"
#include "spcoop/core/status.h"

namespace spcoop::server {

struct ServerOptions {
  std::string database = "var/spcoop.db";  // any URI OpenStore() accepts
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = pick a free port (see Server::port())
  int threads = 8;
  size_t max_body_bytes = 1 << 20;     // larger JSON bodies get 413
  size_t max_upload_bytes = 32 << 20;  // larger uploads (imports) get 413
  int max_json_depth = 32;             // deeper JSON bodies get 400
  // Session cookies get the Secure flag. Set it when clients reach spcoop over TLS; behind a
  // reverse proxy with trust_proxy, X-Forwarded-Proto: https sets it per request.
  bool secure_cookies = false;
  // Behind a reverse proxy: take the client's address from the last X-Forwarded-For entry
  // (login throttling and the audit trail use it) and the scheme from X-Forwarded-Proto.
  bool trust_proxy = false;
  auth::AuthPolicy auth;               // session lifetimes and login throttling
  size_t max_url_bytes = 8192;      // longer URLs get 414
  int max_page_size = 1000;         // observations per page, at most
  int default_page_size = 100;
  int read_timeout_seconds = 10;  // slow clients cannot hold a thread forever
  int write_timeout_seconds = 30;
  std::string web_root;                // folder of the built web app; empty = none
  int max_query_params = 32;           // more query parameters get 414
  int keep_alive_timeout_seconds = 5;  // idle keep-alive connections are closed after this
  bool log_requests = true;            // one line per request on stderr
  // Simulation jobs (POST /api/v1/simulations; docs/simulator.md, "Engine, partitions, jobs").
  // Runs are queued in the database; these threads run them while Listen() serves (0 = none
  // here: another server on the database runs them).
  int simulation_workers = 1;
  int simulation_queue = 16;               // queued runs, then 503 with Retry-After
  int64_t anonymous_max_persons = 200000;  // persons per run, anonymous callers
  int64_t user_max_persons = 10000000;     // persons per run, signed-in users
  int anonymous_runs_per_client = 2;       // queued or running per client address
  std::string rules_dir = "rules";         // examples/ holds the catalogue's schemes
};

class Server {
 public:
  // Opens one store connection to check the database (kFailedPrecondition with "run spcoop init"
  // when it has no schema) and sets up routes. Does not listen yet. kInvalidArgument for option
  // values out of range (threads < 1, page sizes < 1, default_page_size > max_page_size, ...);
  // kNotFound when web_root is set but is not a folder.
  static Result<std::unique_ptr<Server>> Create(const ServerOptions& options);
  virtual ~Server() = default;

  // Binds (unless Bind() was called) and serves until Stop(); returns once every worker has
  // finished its request. kUnavailable when the address cannot be bound; kFailedPrecondition
  // when called a second time.
  virtual Status Listen() = 0;
  // Binds now (so port() is known) without serving yet; Listen() then serves on that socket.
  // kUnavailable when the address cannot be bound. Calling it again after success is a no-op.
  virtual Status Bind() = 0;
  // The bound port (the one picked when options.port was 0); 0 before Bind()/Listen().
  virtual int port() const = 0;
  // Stops accepting connections and makes Listen() return (once the requests in progress are
  // answered). Idempotent; takes no lock, so a signal handler may call it; never blocks for long
  // (at most until a concurrent Listen() has started its accept loop).
  virtual void Stop() = 0;
};

}  // namespace spcoop::server
