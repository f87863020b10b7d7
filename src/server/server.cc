// The HTTP server: cpp-httplib wired to the API (api.h), with the limits, security headers,
// request log and lifecycle of server.h.
//
// Request flow. Every request first reaches httplib's pre-routing hook (Dispatch, stage
// kPreRouting), which applies the URL limits and answers it, unless:
// - it is a POST/PUT/PATCH/DELETE with a body: httplib then reads the body (or, over
//   max_body_bytes, drains it and answers 413 itself) and calls the catch-all route registered
//   for that method, which comes back to Dispatch at stage kAfterBody. Reading the body keeps the
//   connection usable and the client able to read the answer (closing a socket with unread
//   bytes resets it). Chunked bodies are refused (411). httplib's limit is the larger of the
//   JSON and upload limits; Api::Handle applies the one of the route.
// - it is a GET/HEAD outside /api and a web root is set: httplib's static file handler serves
//   it, and the catch-all GET route (stage kAppFallback) answers paths that are not files.
// Errors httplib produces on its own (400 malformed request, 413, 414) get the JSON error shape
// in the error handler.
#include "spcoop/server/server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "api.h"
#include "export_routes.h"
#include "http.h"
#include "report_routes.h"
#include "sdmx_routes.h"
#include "simulation_jobs.h"
#include "store_pool.h"

namespace spcoop::server {
namespace {

using Clock = std::chrono::steady_clock;
using HandlerResponse = httplib::Server::HandlerResponse;

// When the request the current worker thread is handling arrived (for the log line). Set by
// Dispatch, read and cleared by the logger; both run on the worker thread of the request.
thread_local std::optional<Clock::time_point> t_request_start;

// The request line limit compiled into Debian's cpp-httplib (CPPHTTPLIB_REQUEST_URI_MAX_LENGTH):
// longer request lines get 414 from httplib itself, whatever max_url_bytes says.
constexpr size_t kHttplibRequestLineLimit = 8192;

const httplib::Headers& SecurityHeaders() {
  static const httplib::Headers kHeaders = {
      {"Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
  };
  return kHeaders;
}

constexpr std::string_view kLandingPage = R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>spcoop: SDG 1.3.1 social protection coverage</title>
</head>
<body>
<h1>spcoop</h1>
<p>This server monitors SDG indicator 1.3.1, the share of people covered by social protection,
for the 62 economies of UN ESCAP (Asia and the Pacific). This server was started without the web
app (<code>--web</code>), so it answers its JSON API only: public reads here, and for logged-in
users the accounts and review workflow (see docs/http.md). Every answer is JSON in UTF-8; errors look like
<code>{"code": "not_found", "message": "...", "details": [...]}</code>.</p>
<ul>
<li><a href="/api/v1/health">/api/v1/health</a>: is the server up, and which database schema.</li>
<li><a href="/api/v1/economies">/api/v1/economies</a>: the economies, with names in English,
Chinese, Russian and French (filter by <code>subregion</code>, pick <code>lang</code>).
One economy: <a href="/api/v1/economies/KHM">/api/v1/economies/KHM</a>.</li>
<li><a href="/api/v1/series">/api/v1/series</a>: the 12 series of the indicator and whom each
one counts. One series: <a href="/api/v1/series/SI_COV_BENFTS">/api/v1/series/SI_COV_BENFTS</a>.</li>
<li><a href="/api/v1/observations?economy=KHM">/api/v1/observations</a>: the data, page by page
(filter by series, economy, sex, age, quantile, years).</li>
<li><a href="/api/v1/targets">/api/v1/targets</a>: national targets for 2025 and 2030.</li>
<li><a href="/api/v1/progress?economy=KHM">/api/v1/progress?economy=KHM</a>: how far each
economy is from its targets, and whether it is on track (or <code>?subregion=Pacific</code>).</li>
<li><a href="/api/v1/aggregates?series=SI_COV_BENFTS">/api/v1/aggregates</a>: regional and
subregional averages, with ILO's own modelled estimates shown apart.</li>
<li><code>/api/v1/history?series=...&amp;economy=...&amp;year=...</code>: every revision of one
data point.</li>
<li><a href="/api/v1/imports">/api/v1/imports</a>: which files were loaded, when and by whom.</li>
</ul>
<p>The full reference is docs/http.md in the source tree; <a href="/api/v1">/api/v1</a> lists
the routes.</p>
</body>
</html>
)";

// Makes client-controlled text safe for a one-line log entry: control bytes escaped, capped.
std::string LogSafe(std::string_view s) {
  if (s.empty()) return "-";
  constexpr size_t kMax = 200;
  std::string out;
  for (size_t i = 0; i < s.size() && i < kMax; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f || c == '\\') {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > kMax) out += "...";
  return out;
}

void Apply(const HttpResponse& from, httplib::Response& to) {
  to.status = from.status;
  for (const auto& [name, value] : from.headers) to.set_header(name, value);
  if (from.stream) {
    to.set_chunked_content_provider(
        from.content_type, [stream = from.stream](size_t, httplib::DataSink& sink) {
          bool ok = stream([&sink](std::string_view piece) {
            return piece.empty() || sink.write(piece.data(), piece.size());
          });
          if (ok) sink.done();
          return ok;
        });
    return;
  }
  if (!from.content_type.empty()) to.set_content(from.body, from.content_type);
}

bool IsMemoryDatabase(std::string_view uri) {
  return uri == ":memory:" || uri == "sqlite::memory:";
}

// The file behind a SQLite URI, or empty for other backends.
std::string SqliteFile(std::string_view uri) {
  if (uri.find("://") != std::string_view::npos) return "";
  if (uri.starts_with("sqlite:")) uri.remove_prefix(7);
  return std::string(uri);
}

Status ValidateOptions(const ServerOptions& o) {
  std::vector<StatusDetail> problems;
  auto check = [&](bool ok, std::string path, std::string message) {
    if (!ok) problems.push_back({std::move(path), std::move(message)});
  };
  check(!o.host.empty(), "host", "the host is empty; use 127.0.0.1 or 0.0.0.0");
  check(o.port >= 0 && o.port <= 65535, "port", fmt::format("port {} is not 0..65535", o.port));
  check(o.threads >= 1 && o.threads <= 1024, "threads",
        fmt::format("threads {} is not 1..1024", o.threads));
  check(o.max_url_bytes >= 64, "max_url_bytes",
        fmt::format("max_url_bytes {} is below 64", o.max_url_bytes));
  check(o.max_page_size >= 1, "max_page_size",
        fmt::format("max_page_size {} is below 1", o.max_page_size));
  check(o.default_page_size >= 1 && o.default_page_size <= o.max_page_size, "default_page_size",
        fmt::format("default_page_size {} is not 1..max_page_size ({})", o.default_page_size,
                    o.max_page_size));
  check(o.read_timeout_seconds >= 1, "read_timeout_seconds",
        fmt::format("read_timeout_seconds {} is below 1", o.read_timeout_seconds));
  check(o.write_timeout_seconds >= 1, "write_timeout_seconds",
        fmt::format("write_timeout_seconds {} is below 1", o.write_timeout_seconds));
  check(o.max_query_params >= 0, "max_query_params",
        fmt::format("max_query_params {} is negative", o.max_query_params));
  check(o.keep_alive_timeout_seconds >= 0, "keep_alive_timeout_seconds",
        fmt::format("keep_alive_timeout_seconds {} is negative", o.keep_alive_timeout_seconds));
  check(o.simulation_workers >= 0 && o.simulation_workers <= 64, "simulation_workers",
        fmt::format("simulation_workers {} is not 0..64", o.simulation_workers));
  check(o.simulation_queue >= 1, "simulation_queue",
        fmt::format("simulation_queue {} is below 1", o.simulation_queue));
  check(o.anonymous_max_persons >= 0 && o.anonymous_max_persons <= 100000000,
        "anonymous_max_persons",
        fmt::format("anonymous_max_persons {} is not 0..100,000,000", o.anonymous_max_persons));
  check(o.user_max_persons >= 0 && o.user_max_persons <= 100000000, "user_max_persons",
        fmt::format("user_max_persons {} is not 0..100,000,000", o.user_max_persons));
  check(o.anonymous_runs_per_client >= 0, "anonymous_runs_per_client",
        fmt::format("anonymous_runs_per_client {} is negative", o.anonymous_runs_per_client));
  if (problems.empty()) return Status::Ok();
  std::string message =
      problems.size() == 1 ? problems.front().message : "invalid server options; see details";
  return Status::InvalidArgument(std::move(message)).WithDetails(std::move(problems));
}

class HttpServer final : public Server {
 public:
  HttpServer(ServerOptions options, std::unique_ptr<StorePool> pool)
      : options_(std::move(options)),
        pool_(std::move(pool)),
        jobs_(*pool_, {.workers = options_.simulation_workers}),
        api_(*pool_,
             {.max_page_size = options_.max_page_size,
              .default_page_size = options_.default_page_size,
              .max_json_body_bytes = options_.max_body_bytes,
              .max_upload_bytes = options_.max_upload_bytes,
              .max_json_depth = options_.max_json_depth,
              .secure_cookies = options_.secure_cookies,
              .trust_proxy = options_.trust_proxy,
              .auth = options_.auth,
              .anonymous_max_persons = options_.anonymous_max_persons,
              .user_max_persons = options_.user_max_persons,
              .anonymous_runs_per_client = options_.anonymous_runs_per_client,
              .simulation_queue = options_.simulation_queue,
              .rules_dir = options_.rules_dir},
             &jobs_) {}

  // Destroying a server whose Listen() still runs on another thread is not allowed: Stop() and
  // join that thread first.
  ~HttpServer() override {
    stop_requested_ = true;
    bool close_socket = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      close_socket = bound_ && !served_;
      served_ = true;
    }
    if (close_socket) CloseUnservedSocket();
  }

  Status Init();
  Status Listen() override;
  Status Bind() override;
  int port() const override { return port_; }
  void Stop() override;

 private:
  Status BindLocked();  // mu_ held
  void CloseUnservedSocket();
  void StopLoop();
  // Where Dispatch() is called from (see the top of this file).
  enum class Stage { kPreRouting, kAfterBody, kAppFallback };
  HandlerResponse Dispatch(Stage stage, const httplib::Request& req, httplib::Response& res);
  HandlerResponse CheckLimits(const httplib::Request& req, httplib::Response& res);
  HandlerResponse Answer(const httplib::Request& req, httplib::Response& res);
  void ServeAppFallback(const httplib::Request& req, httplib::Response& res);
  void ServePrecompressed(const httplib::Request& req, httplib::Response& res);
  HandlerResponse AnswerHttpError(const httplib::Request& req, httplib::Response& res);
  void LogRequest(const httplib::Request& req, const httplib::Response& res);

  const ServerOptions options_;
  std::unique_ptr<StorePool> pool_;
  SimulationJobs jobs_;  // runs while Listen() serves
  const Api api_;
  httplib::Server http_;

  // Bind() and Listen() take mu_; Stop() uses only the atomics (it is called from signal
  // handlers, see src/cli/serve_command.cc).
  std::mutex mu_;
  bool bound_ = false;   // guarded by mu_
  bool served_ = false;  // guarded by mu_: Listen() ran (or the socket was closed)
  std::atomic<bool> stop_requested_{false};
  // True from just before Listen() checks stop_requested_ until listen_after_bind() returns.
  std::atomic<bool> listening_{false};
  // Set by the one caller that stops httplib's accept loop (a server runs it at most once).
  std::atomic<bool> loop_stopped_{false};
  std::atomic<int> port_{0};
};

Status HttpServer::Init() {
  const int threads = options_.threads;
  http_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_.set_payload_max_length(std::max(options_.max_body_bytes, options_.max_upload_bytes));
  http_.set_read_timeout(options_.read_timeout_seconds, 0);
  http_.set_write_timeout(options_.write_timeout_seconds, 0);
  http_.set_keep_alive_timeout(options_.keep_alive_timeout_seconds);
  http_.set_default_headers(SecurityHeaders());
  // httplib's default sets SO_REUSEPORT, with which a second server binds the same port and the
  // kernel splits connections between them. SO_REUSEADDR alone allows a restart while old
  // connections are in TIME_WAIT, and a port in use still fails to bind.
  http_.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  http_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    return Dispatch(Stage::kPreRouting, req, res);
  });
  http_.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        return AnswerHttpError(req, res);
      }));
  if (options_.log_requests) {
    http_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      LogRequest(req, res);
    });
  }
  auto after_body = [this](const httplib::Request& req, httplib::Response& res) {
    Dispatch(Stage::kAfterBody, req, res);
  };
  http_.Post(".*", after_body);
  http_.Put(".*", after_body);
  http_.Patch(".*", after_body);
  http_.Delete(".*", after_body);
  if (!options_.web_root.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(options_.web_root, ec)) {
      return Status::NotFound(
          fmt::format("the web root '{}' is not a folder; build the web app or leave out --web",
                      options_.web_root));
    }
    if (!http_.set_mount_point("/", options_.web_root)) {
      return Status::NotFound(
          fmt::format("cannot serve files from the web root '{}'", options_.web_root));
    }
    // Scripts and JSON get a charset, which also keeps httplib from compressing them on every
    // request: its Brotli runs at quality 11, 1.7 s for the app's 700 kB script. The web build
    // writes a gzip copy (FILE.gz) of each, sent instead when the browser accepts gzip.
    http_.set_file_extension_and_mimetype_mapping("js", "application/javascript; charset=utf-8");
    http_.set_file_extension_and_mimetype_mapping("json", "application/json; charset=utf-8");
    http_.set_file_request_handler([this](const httplib::Request& req, httplib::Response& res) {
      ServePrecompressed(req, res);
    });
    // Reached only for GET/HEAD outside /api that match no file.
    http_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
      Dispatch(Stage::kAppFallback, req, res);
    });
  }
  return Status::Ok();
}

Status HttpServer::BindLocked() {
  if (bound_) return Status::Ok();
  int port = -1;
  if (options_.port == 0) {
    port = http_.bind_to_any_port(options_.host);
  } else if (http_.bind_to_port(options_.host, options_.port)) {
    port = options_.port;
  }
  if (port <= 0) {
    return Status::Unavailable(fmt::format(
        "cannot listen on {}:{}: the address is in use or not available here; pick another "
        "--port or --host",
        options_.host, options_.port));
  }
  port_ = port;
  bound_ = true;
  return Status::Ok();
}

Status HttpServer::Bind() {
  std::lock_guard<std::mutex> lock(mu_);
  if (served_ && !bound_) {
    return Status::FailedPrecondition("this server has already served; create a new one");
  }
  return BindLocked();
}

Status HttpServer::Listen() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (served_) {
      return Status::FailedPrecondition("this server has already served; create a new one");
    }
    SPCOOP_RETURN_IF_ERROR(BindLocked());
    served_ = true;
  }
  // Stop() writes stop_requested_ then reads listening_; we write listening_ then read
  // stop_requested_ (both sequentially consistent), so one of us sees the other.
  listening_ = true;
  if (stop_requested_) {
    listening_ = false;
    CloseUnservedSocket();
    return Status::Ok();
  }
  jobs_.Start();
  bool ok = http_.listen_after_bind();
  listening_ = false;
  jobs_.Stop();  // a run in progress goes back to the queue
  if (!ok && !stop_requested_) {
    return Status::Unavailable(fmt::format("the server on {}:{} stopped accepting connections",
                                           options_.host, port_.load()));
  }
  return Status::Ok();
}

void HttpServer::Stop() {
  if (stop_requested_.exchange(true)) return;
  // Listen() may be about to enter listen_after_bind(), which marks itself running as its first
  // step: wait for that, unless Listen() has returned or closed the socket instead.
  while (listening_ && !http_.is_running()) std::this_thread::yield();
  StopLoop();
}

void HttpServer::StopLoop() {
  if (http_.is_running() && !loop_stopped_.exchange(true)) http_.stop();
}

// httplib closes a bound socket only when stopping its accept loop: run the loop and stop it.
void HttpServer::CloseUnservedSocket() {
  std::atomic<bool> returned{false};
  std::thread loop([this, &returned] {
    http_.listen_after_bind();
    returned = true;
  });
  while (!returned && !http_.is_running()) std::this_thread::yield();
  StopLoop();  // or a concurrent Stop() did
  loop.join();
}

// The dispatcher. Its catch-all is the only one in the server: nothing escapes to httplib
// (which would put the exception's text in a response header).
HandlerResponse HttpServer::Dispatch(Stage stage, const httplib::Request& req,
                                     httplib::Response& res) {
  try {
    switch (stage) {
      case Stage::kPreRouting:
        t_request_start = Clock::now();
        return CheckLimits(req, res);
      case Stage::kAfterBody:
        return Answer(req, res);
      case Stage::kAppFallback:
        ServeAppFallback(req, res);
        return HandlerResponse::Handled;
    }
    return HandlerResponse::Unhandled;
  } catch (const std::exception& e) {
    fmt::print(stderr, "spcoop http: internal error on {} {}: {}\n", LogSafe(req.method),
               LogSafe(req.path), LogSafe(e.what()));
  } catch (...) {
    fmt::print(stderr, "spcoop http: internal error on {} {}: unknown exception\n",
               LogSafe(req.method), LogSafe(req.path));
  }
  res = httplib::Response();
  Apply(ErrorResponse(Status::Internal("internal error; the server log has the details")), res);
  return HandlerResponse::Handled;
}

// The methods httplib reads a body for (its detail::expect_content()).
bool ReadsBody(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

HandlerResponse HttpServer::CheckLimits(const httplib::Request& req, httplib::Response& res) {
  const bool has_length = req.has_header("Content-Length");
  const uint64_t length = has_length ? req.get_header_value<uint64_t>("Content-Length") : 0;
  // Bytes of a body we answer without reading could be taken for the next request.
  if (length > 0 || req.has_header("Transfer-Encoding")) res.set_header("Connection", "close");

  const size_t url_limit = std::min(options_.max_url_bytes, kHttplibRequestLineLimit);
  if (req.target.size() > url_limit) {
    Apply(ErrorResponse(
              Status::ResourceExhausted(fmt::format(
                  "the URL is {} bytes long; the limit is {} bytes", req.target.size(), url_limit)),
              414),
          res);
    return HandlerResponse::Handled;
  }
  if (req.params.size() > static_cast<size_t>(options_.max_query_params)) {
    Apply(ErrorResponse(Status::ResourceExhausted(
                            fmt::format("the URL has {} query parameters; the limit is {}",
                                        req.params.size(), options_.max_query_params)),
                        414),
          res);
    return HandlerResponse::Handled;
  }
  if (req.has_header("Transfer-Encoding")) {
    Apply(ErrorResponse(Status::InvalidArgument("chunked request bodies are not accepted; send a "
                                                "Content-Length"),
                        411),
          res);
    return HandlerResponse::Handled;
  }
  if (length > 0 && ReadsBody(req.method)) {
    res.headers.erase("Connection");    // the body will be read: the connection stays usable
    return HandlerResponse::Unhandled;  // httplib reads or refuses the body; then kAfterBody
  }
  if (length > std::max(options_.max_body_bytes, options_.max_upload_bytes)) {
    Apply(ErrorResponse(Status::ResourceExhausted(
              fmt::format("the request body is {} bytes; the limit is {} bytes", length,
                          options_.max_body_bytes))),
          res);
    return HandlerResponse::Handled;
  }
  return Answer(req, res);
}

HandlerResponse HttpServer::Answer(const httplib::Request& req, httplib::Response& res) {
  if (IsSdmxPath(req.path)) {
    HttpRequest request{req.method, req.path, {}};
    request.query.assign(req.params.begin(), req.params.end());
    Apply(HandleSdmx(*pool_, request, req.get_header_value("Accept")), res);
    return HandlerResponse::Handled;
  }
  if (IsReportPath(req.path)) {
    HttpRequest request{req.method, req.path, {}};
    request.query.assign(req.params.begin(), req.params.end());
    Apply(HandleReport(*pool_, request), res);
    return HandlerResponse::Handled;
  }
  if (IsExportPath(req.path)) {  // files under /api/v1: spreadsheets
    HttpRequest request{req.method, req.path, {}};
    request.query.assign(req.params.begin(), req.params.end());
    Apply(HandleExport(*pool_, request), res);
    return HandlerResponse::Handled;
  }
  if (IsApiPath(req.path)) {
    HttpRequest request{req.method, req.path, {}};
    request.query.assign(req.params.begin(), req.params.end());
    for (const char* name : {"Cookie", "Authorization", "X-CSRF-Token", "Content-Type",
                             "User-Agent", "X-Forwarded-For", "X-Forwarded-Proto"}) {
      if (req.has_header(name)) request.headers.emplace_back(name, req.get_header_value(name));
    }
    request.body = req.body;
    request.remote_addr = req.remote_addr;
    Apply(api_.Handle(request), res);
    return HandlerResponse::Handled;
  }

  // Outside the API: the web app, or the landing page.
  if (req.method == "OPTIONS") {
    res.status = 204;
    res.set_header("Allow", "GET, HEAD, OPTIONS");
    return HandlerResponse::Handled;
  }
  if (req.method != "GET" && req.method != "HEAD") {
    Apply(
        ErrorResponse(Status::InvalidArgument(fmt::format("method {} is not allowed on {}; use GET",
                                                          LogSafe(req.method), LogSafe(req.path))),
                      405),
        res);
    res.set_header("Allow", "GET, HEAD, OPTIONS");
    return HandlerResponse::Handled;
  }
  if (options_.web_root.empty()) {
    if (req.path == "/" || req.path == "/index.html") {
      res.status = 200;
      res.set_content(std::string(kLandingPage), std::string(kHtmlContentType));
    } else {
      Apply(ErrorResponse(Status::NotFound(fmt::format(
                "nothing at {}; the API is under /api/v1 and / describes it", LogSafe(req.path)))),
            res);
    }
    return HandlerResponse::Handled;
  }
  return HandlerResponse::Unhandled;  // httplib's static file handler, then kAppFallback
}

// A file of the web app that has a gzip copy beside it (FILE.gz, written by the web build): the
// copy, when the browser accepts gzip and asked for the whole file. httplib has already checked
// that the path stays inside the web root and names a file.
void HttpServer::ServePrecompressed(const httplib::Request& req, httplib::Response& res) {
  const std::string type = res.get_header_value("Content-Type");
  if (type.rfind("application/", 0) != 0) return;  // text/* is compressed by httplib itself
  if (!req.ranges.empty() ||
      req.get_header_value("Accept-Encoding").find("gzip") == std::string::npos)
    return;
  std::ifstream in(std::filesystem::path(options_.web_root) / (req.path.substr(1) + ".gz"),
                   std::ios::binary);
  if (!in) return;
  std::ostringstream body;
  body << in.rdbuf();
  res.body = body.str();
  res.set_header("Content-Encoding", "gzip");
  res.set_header("Vary", "Accept-Encoding");
}

// A path of the web app that is not a file: a client-side route gets index.html; a missing file
// (its last segment has an extension) gets 404.
void HttpServer::ServeAppFallback(const httplib::Request& req, httplib::Response& res) {
  std::string_view path = req.path;
  std::string_view last = path.substr(path.rfind('/') + 1);
  if (last.find('.') == std::string_view::npos) {
    std::ifstream in(std::filesystem::path(options_.web_root) / "index.html", std::ios::binary);
    if (in) {
      std::ostringstream body;
      body << in.rdbuf();
      res.status = 200;
      res.set_content(body.str(), std::string(kHtmlContentType));
      return;
    }
  }
  Apply(ErrorResponse(Status::NotFound(fmt::format("no file at {}", LogSafe(req.path)))), res);
}

// Errors httplib produced itself (malformed request, request line too long, body too large)
// arrive with an empty body: give them the JSON error shape.
HandlerResponse HttpServer::AnswerHttpError(const httplib::Request&, httplib::Response& res) {
  if (!res.body.empty()) return HandlerResponse::Unhandled;
  std::string message;
  switch (res.status) {
    case 400:
      message = "the request is malformed (request line or headers)";
      break;
    case 404:
      message = "not found";
      break;
    case 413:
      message = fmt::format(
          "the request body is larger than {} bytes; the limits are {} bytes for imports and {} "
          "bytes for other requests",
          std::max(options_.max_body_bytes, options_.max_upload_bytes), options_.max_upload_bytes,
          options_.max_body_bytes);
      break;
    case 414:
      message = fmt::format("the URL is longer than {} bytes",
                            std::min(options_.max_url_bytes, kHttplibRequestLineLimit));
      break;
    default:
      message = fmt::format("HTTP error {}", res.status);
      break;
  }
  Apply(ErrorResponse(Status(StatusCodeForHttp(res.status), std::move(message)), res.status), res);
  return HandlerResponse::Handled;
}

void HttpServer::LogRequest(const httplib::Request& req, const httplib::Response& res) {
  double ms = 0;
  if (t_request_start) {
    ms = std::chrono::duration<double, std::milli>(Clock::now() - *t_request_start).count();
    t_request_start.reset();
  }
  fmt::print(stderr, "spcoop http: {} {} {} {:.1f} ms\n", LogSafe(req.method), LogSafe(req.path),
             res.status, ms);
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options) {
  SPCOOP_RETURN_IF_ERROR(ValidateOptions(options));
  if (IsMemoryDatabase(options.database)) {
    return Err(Status::FailedPrecondition(
        "an in-memory database cannot be served: each worker's connection would see its own "
        "empty database; give a database file"));
  }
  if (std::string file = SqliteFile(options.database); !file.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
      return Err(Status::FailedPrecondition(
          fmt::format("there is no database at '{}'; run 'spcoop init' first", file)));
    }
  }
  auto pool = std::make_unique<StorePool>(options.database, static_cast<size_t>(options.threads));
  {
    SPCOOP_ASSIGN_OR_RETURN(StorePool::Lease store, pool->Acquire());
    SPCOOP_ASSIGN_OR_RETURN(int version, store->SchemaVersion());
    if (version == 0) {
      return Err(Status::FailedPrecondition(fmt::format(
          "the database '{}' has no schema; run 'spcoop init' first", options.database)));
    }
  }
  auto server = std::make_unique<HttpServer>(options, std::move(pool));
  SPCOOP_RETURN_IF_ERROR(server->Init());
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace spcoop::server
