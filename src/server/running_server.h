// Internal to the server's tests: a Server listening on loopback from its own thread.
#pragma once

#include <gtest/gtest.h>

#include <memory>
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

}  // namespace spcoop::server
