// Internal to the server's tests: a Server listening on loopback from its own thread.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "spcoop/server/server.h"

namespace spcoop::server {

// A Server listening on its own thread; Stop() joins it and keeps what Listen() returned.
class Running {
 public:
  explicit Running(const ServerOptions& options) {
    auto created = Server::Create(options);
    if (!created) {
      ADD_FAILURE() << created.error().ToString();
      return;
    }
    server_ = std::move(*created);
    Status bound = server_->Bind();
    if (!bound.ok()) {
      ADD_FAILURE() << bound.ToString();
      server_.reset();
      return;
    }
    port_ = server_->port();
    thread_ = std::thread([this] { listen_status_ = server_->Listen(); });
  }
  ~Running() { (void)Stop(); }
  Status Stop() {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    return listen_status_;
  }
  bool ok() const { return server_ != nullptr; }
  int port() const { return port_; }
  Server& server() { return *server_; }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
  Status listen_status_;
  int port_ = 0;
};

// The options of a quiet test server on a free port serving `database`.
inline ServerOptions TestServerOptions(const std::string& database, int threads = 2) {
  ServerOptions options;
  options.database = database;
  options.port = 0;
  options.threads = threads;
  options.log_requests = false;
  return options;
}

// An answer of the API to CallApi(): status, headers, body as text and as JSON (discarded when
// it is not JSON).
struct ApiReply {
  int status = 0;
  nlohmann::json body;
  std::string text;
  httplib::Headers headers;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// One request to /api/v1`path` of a server on loopback `port` (GET, or POST/PUT/PATCH/DELETE
// with `body`). A transport failure is a test failure and status 0.
inline ApiReply CallApi(int port, const std::string& method, const std::string& path,
                        const httplib::Headers& headers, const std::string& body = "",
                        const std::string& content_type = "application/json") {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(60, 0);
  const std::string full = "/api/v1" + path;
  httplib::Result res = [&] {
    if (method == "POST") return client.Post(full, headers, body, content_type);
    if (method == "PUT") return client.Put(full, headers, body, content_type);
    if (method == "PATCH") return client.Patch(full, headers, body, content_type);
    if (method == "DELETE") return client.Delete(full, headers, body, content_type);
    return client.Get(full, headers);
  }();
  ApiReply r;
  if (!res) {
    ADD_FAILURE() << method << " " << path << ": " << httplib::to_string(res.error());
    return r;
  }
  r.status = res->status;
  r.headers = res->headers;
  r.text = res->body;
  r.body = nlohmann::json::parse(res->body, nullptr, false);
  return r;
}

}  // namespace spcoop::server
