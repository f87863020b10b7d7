#include "spcoop/simulate/indicators.h"

#include <algorithm>
#include <bit>
#include <thread>
#include <cmath>
#include <cstring>

namespace spcoop::simulate {

void WeightedDistribution::Append(const WeightedDistribution& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
  sorted_ = false;
}

namespace {

// Order-preserving map of a double to an unsigned key (negative values included).
inline uint64_t SortKey(double v) {
  uint64_t u;
  std::memcpy(&u, &v, sizeof u);
  return (u & 0x8000000000000000ULL) ? ~u : (u | 0x8000000000000000ULL);
}

// LSD radix sort on the value (11-bit digits, so the bucket table stays in cache; digits
// shared by every key are skipped). Stable.
void RadixSortByValue(std::vector<WeightedDistribution::Item>& items) {
  const size_t n = items.size();
  if (n < 4096) {
    std::stable_sort(items.begin(), items.end(),
                     [](const auto& a, const auto& b) { return a.value < b.value; });
    return;
  }
  std::vector<uint64_t> keys(n), keys2(n);
  for (size_t i = 0; i < n; ++i) keys[i] = SortKey(items[i].value);
  std::vector<WeightedDistribution::Item> buf(n);
  constexpr int kBits = 11;
  constexpr uint64_t kMask = (1u << kBits) - 1;
  std::vector<size_t> count(size_t{1} << kBits);
  for (int shift = 0; shift < 64; shift += kBits) {
    std::fill(count.begin(), count.end(), 0);
    for (size_t i = 0; i < n; ++i) ++count[(keys[i] >> shift) & kMask];
    if (count[(keys[0] >> shift) & kMask] == n) continue;  // all share this digit
    size_t sum = 0;
    for (auto& c : count) {
      const size_t t = c;
      c = sum;
      sum += t;
    }
    for (size_t i = 0; i < n; ++i) {
      const size_t pos = count[(keys[i] >> shift) & kMask]++;
      buf[pos] = items[i];
      keys2[pos] = keys[i];
    }
    items.swap(buf);
    keys.swap(keys2);
  }
}

inline double FromSortKey(uint64_t k) {
  const uint64_t u = (k & 0x8000000000000000ULL) ? (k & ~0x8000000000000000ULL) : ~k;
  double v;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

// Runs fn(t) for t in [0, threads) on `threads` threads (the calling thread does t = 0).
template <typename Fn>
void ParallelFor(int threads, Fn&& fn) {
  if (threads <= 1) {
    fn(0);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads - 1));
  for (int t = 1; t < threads; ++t) pool.emplace_back([&fn, t] { fn(t); });
  fn(0);
  for (auto& th : pool) th.join();
}

// Stable MSD bucket sort on the value for large inputs: one pass distributes (key, weight)
// records into up to 2^16 buckets by the leading bits of key - min key (each thread scatters
// its own contiguous slice behind the previous thread's, so the order of equal keys is the
// input order), then every bucket is sorted stably by key and decoded back in place. Gives
// exactly the order of the stable LSD sort above.
void ParallelBucketSort(std::vector<WeightedDistribution::Item>& items, int threads) {
  const size_t n = items.size();
  struct Rec {
    uint64_t key;
    double weight;
  };
  const size_t T = static_cast<size_t>(threads);
  auto slice = [&](size_t t) { return std::pair<size_t, size_t>{n * t / T, n * (t + 1) / T}; };
  std::vector<uint64_t> lo(T, ~uint64_t{0}), hi(T, 0);
  ParallelFor(threads, [&](int ti) {
    const auto [b, e] = slice(static_cast<size_t>(ti));
    uint64_t mn = ~uint64_t{0}, mx = 0;
    for (size_t i = b; i < e; ++i) {
      const uint64_t k = SortKey(items[i].value);
      mn = std::min(mn, k);
      mx = std::max(mx, k);
    }
    lo[static_cast<size_t>(ti)] = mn;
    hi[static_cast<size_t>(ti)] = mx;
  });
  const uint64_t kmin = *std::min_element(lo.begin(), lo.end());
  const uint64_t kmax = *std::max_element(hi.begin(), hi.end());
  if (kmin == kmax) return;  // all equal: already in (stable) order
  const uint64_t range = kmax - kmin;
  constexpr int kBits = 16;
  const int width = std::bit_width(range);
  const int shift = width > kBits ? width - kBits : 0;
  const size_t buckets = static_cast<size_t>(range >> shift) + 1;
  std::vector<std::vector<size_t>> count(T, std::vector<size_t>(buckets + 1, 0));
  ParallelFor(threads, [&](int ti) {
    const auto [b, e] = slice(static_cast<size_t>(ti));
    auto& c = count[static_cast<size_t>(ti)];
    for (size_t i = b; i < e; ++i) ++c[(SortKey(items[i].value) - kmin) >> shift];
  });
  // Bucket starts (over all threads) and each thread's write position in each bucket.
  std::vector<size_t> start(buckets + 1, 0);
  {
    size_t sum = 0;
    for (size_t k = 0; k < buckets; ++k) {
      start[k] = sum;
      for (size_t t = 0; t < T; ++t) {
        const size_t c = count[t][k];
        count[t][k] = sum;
        sum += c;
      }
    }
    start[buckets] = sum;
  }
  std::vector<Rec> recs(n);
  ParallelFor(threads, [&](int ti) {
    const auto [b, e] = slice(static_cast<size_t>(ti));
    auto& c = count[static_cast<size_t>(ti)];
    for (size_t i = b; i < e; ++i) {
      const uint64_t k = SortKey(items[i].value);
      recs[c[(k - kmin) >> shift]++] = {k, items[i].weight};
    }
  });
  // Bucket ranges per thread, balanced by item count.
  std::vector<size_t> first_bucket(T + 1, buckets);
  first_bucket[0] = 0;
  {
    size_t t = 1;
    for (size_t k = 0; k < buckets && t < T; ++k) {
      while (t < T && start[k] >= n * t / T) first_bucket[t++] = k;
    }
  }
  ParallelFor(threads, [&](int ti) {
    const size_t t = static_cast<size_t>(ti);
    for (size_t k = first_bucket[t]; k < first_bucket[t + 1]; ++k) {
      Rec* b = recs.data() + start[k];
      Rec* e = recs.data() + start[k + 1];
      const size_t m = static_cast<size_t>(e - b);
      if (shift > 0 && m > 1) {
        if (m <= 48) {
          for (Rec* p = b + 1; p < e; ++p) {  // insertion sort: stable
            const Rec r = *p;
            Rec* q = p;
            while (q > b && (q - 1)->key > r.key) {
              *q = *(q - 1);
              --q;
            }
            *q = r;
          }
        } else {
          std::stable_sort(b, e, [](const Rec& x, const Rec& y) { return x.key < y.key; });
        }
      }
      for (size_t i = start[k]; i < start[k + 1]; ++i) {
        items[i] = {FromSortKey(recs[i].key), recs[i].weight};
      }
    }
  });
}

}  // namespace

void WeightedDistribution::Sort(int threads) {
  if (threads <= 0) {
    threads = items_.size() >= (size_t{1} << 18)
                  ? std::max(1, static_cast<int>(std::thread::hardware_concurrency()))
                  : 1;
  }
  if (threads > 1 && items_.size() >= 4096) {
    ParallelBucketSort(items_, threads);
  } else {
    RadixSortByValue(items_);
  }
  cum_weight_.resize(items_.size());
  cum_value_.resize(items_.size());
  // The sums of Gini() in the same order as there: identical values.
  double cw = 0, cv = 0, a = 0, b = 0;
  for (size_t i = 0; i < items_.size(); ++i) {
    const double w = items_[i].weight, y = items_[i].value;
    cw += w;
    cv += w * y;
    a += w * y * cw;
    b += w * w * y;
    cum_weight_[i] = cw;
    cum_value_[i] = cv;
  }
  total_weight_ = cw;
  total_value_ = cv;
  gini_a_ = a;
  gini_b_ = b;
  sorted_ = true;
}

double WeightedDistribution::Quantile(double p) const {
  if (items_.empty() || total_weight_ <= 0) return 0;
  // First i with cum_weight_[i] / W > p, i.e. cum_weight_[i] > p * W.
  const double target = p * total_weight_;
  auto it = std::upper_bound(cum_weight_.begin(), cum_weight_.end(), target);
  if (it == cum_weight_.end()) return items_.back().value;
  return items_[static_cast<size_t>(it - cum_weight_.begin())].value;
}

size_t WeightedDistribution::IndexBelow(double cut) const {
  return static_cast<size_t>(std::lower_bound(items_.begin(), items_.end(), cut,
                                              [](const Item& a, double v) { return a.value < v; }) -
                             items_.begin());
}

size_t WeightedDistribution::IndexAtOrBelow(double cut) const {
  return static_cast<size_t>(std::upper_bound(items_.begin(), items_.end(), cut,
                                              [](double v, const Item& a) { return v < a.value; }) -
                             items_.begin());
}

double WeightedDistribution::ValueBelow(double cut) const {
  const size_t n = IndexBelow(cut);
  return n == 0 ? 0 : cum_value_[n - 1];
}

double WeightedDistribution::WeightBelow(double cut) const {
  const size_t n = IndexBelow(cut);
  return n == 0 ? 0 : cum_weight_[n - 1];
}

double WeightedDistribution::ValueAtOrBelow(double cut) const {
  const size_t n = IndexAtOrBelow(cut);
  return n == 0 ? 0 : cum_value_[n - 1];
}

Fgt Fgt3(const WeightedDistribution& d, double line) {
  Fgt f;
  if (line <= 0) return f;
  if (d.sorted()) {
    // The poor are the sorted prefix below the line; every sum is accumulated in the same
    // order as in the general loop below, so the results are identical.
    const auto& items = d.items();
    const size_t n = d.CountBelow(line);
    const double w_total = d.total_weight();
    double gap = 0, sev = 0, money = 0;
    for (size_t i = 0; i < n; ++i) {
      const double g = (line - items[i].value) / line;
      gap += items[i].weight * g;
      sev += items[i].weight * g * g;
      money += items[i].weight * (line - items[i].value);
    }
    if (w_total <= 0) return f;
    f.headcount = (n == 0 ? 0 : d.CumWeight(n - 1)) / w_total;
    f.gap = gap / w_total;
    f.severity = sev / w_total;
    f.money_gap = money;
    return f;
  }
  double w_total = 0, poor = 0, gap = 0, sev = 0, money = 0;
  for (const auto& it : d.items()) {
    w_total += it.weight;
    if (it.value < line) {
      const double g = (line - it.value) / line;
      poor += it.weight;
      gap += it.weight * g;
      sev += it.weight * g * g;
      money += it.weight * (line - it.value);
    }
  }
  if (w_total <= 0) return f;
  f.headcount = poor / w_total;
  f.gap = gap / w_total;
  f.severity = sev / w_total;
  f.money_gap = money;
  return f;
}

double Gini(const WeightedDistribution& d) {
  // G = (2 * sum w_i y_i C_i - sum w_i^2 y_i) / (W * sum w_i y_i) - 1, with C_i the inclusive
  // cumulative weight over the sorted values: equal to the double-sum definition.
  if (d.sorted()) {
    const double w = d.total_weight(), wy = d.total_value();
    if (w <= 0 || wy == 0) return 0;
    return (2 * d.gini_a() - d.gini_b()) / (w * wy) - 1;
  }
  const auto& items = d.items();
  double cw = 0, a = 0, b = 0, wy = 0, w = 0;
  for (const auto& it : items) {
    cw += it.weight;
    a += it.weight * it.value * cw;
    b += it.weight * it.weight * it.value;
    wy += it.weight * it.value;
    w += it.weight;
  }
  if (w <= 0 || wy == 0) return 0;
  return (2 * a - b) / (w * wy) - 1;
}

double S80S20(const WeightedDistribution& d) {
  const double q20 = d.Quantile(0.2), q80 = d.Quantile(0.8);
  const double bottom = d.ValueAtOrBelow(q20);
  const double top = d.total_value() - d.ValueAtOrBelow(q80);
  return bottom > 0 ? top / bottom : 0;
}

double Palma(const WeightedDistribution& d) {
  const double q40 = d.Quantile(0.4), q90 = d.Quantile(0.9);
  const double bottom = d.ValueAtOrBelow(q40);
  const double top = d.total_value() - d.ValueAtOrBelow(q90);
  return bottom > 0 ? top / bottom : 0;
}

double RelativeMedianPovertyGap(const WeightedDistribution& d, double line) {
  if (line <= 0) return 0;
  const auto& items = d.items();
  // Items are sorted: the poor are the prefix with value < line.
  if (d.sorted()) {
    const size_t n = d.CountBelow(line);
    if (n == 0) return 0;
    const double w_poor = d.CumWeight(n - 1);
    if (w_poor <= 0) return 0;
    const double target = 0.5 * w_poor;
    double median = items[n - 1].value;
    for (size_t i = 0; i < n; ++i) {  // first cumulative weight above target
      if (d.CumWeight(i) > target) {
        median = items[i].value;
        break;
      }
    }
    return (line - median) / line;
  }
  size_t n = 0;
  double w_poor = 0;
  while (n < items.size() && items[n].value < line) {
    w_poor += items[n].weight;
    ++n;
  }
  if (n == 0 || w_poor <= 0) return 0;
  const double target = 0.5 * w_poor;
  double cw = 0;
  double median = items[n - 1].value;
  for (size_t i = 0; i < n; ++i) {
    cw += items[i].weight;
    if (cw > target) {
      median = items[i].value;
      break;
    }
  }
  return (line - median) / line;
}

}  // namespace spcoop::simulate
