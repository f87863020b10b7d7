#include "store_pool.h"

namespace spcoop::server {

Result<StorePool::Lease> StorePool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Store> store = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(store));
    }
  }
  // Opening happens outside the lock so a slow open does not hold up other workers.
  SPCOOP_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(uri_));
  return Lease(this, std::move(store));
}

size_t StorePool::idle() const {
  std::lock_guard<std::mutex> lock(mu_);
  return idle_.size();
}

void StorePool::Release(std::unique_ptr<Store> store) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(store));
}

}  // namespace spcoop::server
