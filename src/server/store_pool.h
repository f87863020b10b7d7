// Internal to spcoop::server: store connections for the worker threads. A Store is
// single-threaded, so each request leases one for its duration; connections are opened lazily
// and kept for reuse, at most `max_idle` of them.
//
//   StorePool pool("var/spcoop.db", 8);
//   SPCOOP_ASSIGN_OR_RETURN(StorePool::Lease store, pool.Acquire());
//   store->ListEconomies();          // returned to the pool when `store` goes out of scope
//
// Thread-safe. The pool must outlive every Lease.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/store/store.h"

namespace spcoop::server {

class StorePool {
 public:
  StorePool(std::string uri, size_t max_idle) : uri_(std::move(uri)), max_idle_(max_idle) {}
  StorePool(const StorePool&) = delete;
  StorePool& operator=(const StorePool&) = delete;

  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<Store> store) : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (store_) pool_->Release(std::move(store_));
    }
    Store& operator*() const { return *store_; }
    Store* operator->() const { return store_.get(); }
    // Closes the connection instead of returning it (after it reported a broken state).
    void Discard() { store_.reset(); }

   private:
    StorePool* pool_;
    std::unique_ptr<Store> store_;
  };

  // An idle connection, or a new one (errors of OpenStore, e.g. kFailedPrecondition).
  Result<Lease> Acquire();
  size_t idle() const;

 private:
  void Release(std::unique_ptr<Store> store);

  const std::string uri_;
  const size_t max_idle_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Store>> idle_;  // guarded by mu_
};

}  // namespace spcoop::server
