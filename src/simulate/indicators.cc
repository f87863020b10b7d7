#include "spcoop/simulate/indicators.h"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <thread>

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

// A sort record: the order-preserving key of a value and its weight.
struct Rec {
  uint64_t key;
  double weight;
};

// Asks the kernel for transparent huge pages on the 2 MiB-aligned part of a large buffer that
// has not been touched yet (advice only; nothing changes where it is not supported).
void AdviseHugePages(const void* p, size_t bytes) {
#ifdef MADV_HUGEPAGE
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const uintptr_t b = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t e = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (e > b) madvise(reinterpret_cast<void*>(b), e - b, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
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

// Uninitialised scratch memory for large sorts, on transparent huge pages where the kernel
// offers them (fewer page faults and TLB misses when records are scattered across it).
template <typename T>
class Scratch {
 public:
  explicit Scratch(size_t n) : data_(new T[n]) { AdviseHugePages(data_.get(), n * sizeof(T)); }
  T* get() { return data_.get(); }
  T& operator[](size_t i) { return data_[i]; }

 private:
  std::unique_ptr<T[]> data_;
};

// Stable insertion sort of items by key (small ranges).
void InsertionSortByKey(WeightedDistribution::Item* b, WeightedDistribution::Item* e) {
  for (auto* p = b + 1; p < e; ++p) {
    const auto r = *p;
    const uint64_t k = SortKey(r.value);
    auto* q = p;
    while (q > b && SortKey((q - 1)->value) > k) {
      *q = *(q - 1);
      --q;
    }
    *q = r;
  }
}

// Sorts one first-level bucket of (key, weight) records into out[0, m): a second counting
// pass on the bucket's own key range (about two records per sub-bucket) into `tmp`, which stays
// in cache, each sub-bucket stably by key, then one sequential copy to `out`. Stable overall.
void SortBucket(const Rec* recs, size_t m, WeightedDistribution::Item* out,
                std::vector<uint32_t>& count, std::vector<WeightedDistribution::Item>& tmp) {
  if (m == 0) return;
  uint64_t mn = recs[0].key, mx = recs[0].key;
  for (size_t i = 1; i < m; ++i) {
    mn = std::min(mn, recs[i].key);
    mx = std::max(mx, recs[i].key);
  }
  if (mn == mx || m <= 16) {
    for (size_t i = 0; i < m; ++i) out[i] = {FromSortKey(recs[i].key), recs[i].weight};
    if (mn != mx) InsertionSortByKey(out, out + m);
    return;
  }
  const int bits = std::min(static_cast<int>(std::bit_width(m)) - 1, 16);
  const int width = std::bit_width(mx - mn);
  const int shift = width > bits ? width - bits : 0;
  const size_t subs = static_cast<size_t>((mx - mn) >> shift) + 1;
  count.assign(subs + 1, 0);
  for (size_t i = 0; i < m; ++i) ++count[((recs[i].key - mn) >> shift) + 1];
  for (size_t k = 1; k <= subs; ++k) count[k] += count[k - 1];
  if (tmp.size() < m) tmp.resize(m);
  WeightedDistribution::Item* t = tmp.data();
  for (size_t i = 0; i < m; ++i) {
    t[count[(recs[i].key - mn) >> shift]++] = {FromSortKey(recs[i].key), recs[i].weight};
  }
  // count[k] is now the end of sub-bucket k.
  size_t b = 0;
  for (size_t k = 0; k < subs; ++k) {
    const size_t e = count[k];
    if (shift > 0 && e - b > 1) {
      if (e - b <= 64) {
        InsertionSortByKey(t + b, t + e);
      } else {  // many ties or a dense cluster
        std::stable_sort(t + b, t + e, [](const auto& x, const auto& y) {
          return SortKey(x.value) < SortKey(y.value);
        });
      }
    }
    b = e;
  }
  std::memcpy(static_cast<void*>(out), t, m * sizeof(*t));
}

// Stable MSD bucket sort on the value for large inputs: one pass distributes (key, weight)
// records into up to 4,096 buckets by the leading bits of the key's offset in the key range
// (each thread scatters its own contiguous slice behind the previous thread's, so the order of
// equal keys is the input order), then every bucket is sorted on its own (SortBucket) and
// decoded back in place. Gives exactly the order of the stable LSD sort above, for any number
// of threads.
void ParallelBucketSort(std::vector<WeightedDistribution::Item>& items, int threads) {
  const size_t n = items.size();
  const size_t T = static_cast<size_t>(threads);
  auto slice = [&](size_t t) { return std::pair<size_t, size_t>{n * t / T, n * (t + 1) / T}; };
  // The key range from every 64th item (and the last): keys outside it go to the first or last
  // bucket, so the bucket of a key never decreases as the key grows, which is all the order
  // needs.
  uint64_t kmin = SortKey(items[n - 1].value), kmax = kmin;
  for (size_t i = 0; i < n; i += 64) {
    const uint64_t k = SortKey(items[i].value);
    kmin = std::min(kmin, k);
    kmax = std::max(kmax, k);
  }
  const uint64_t range = kmax - kmin;
  constexpr int kBits = 12;
  const int width = std::bit_width(range);
  const int shift = width > kBits ? width - kBits : 0;
  const size_t buckets = static_cast<size_t>(range >> shift) + 1;
  auto bucket = [&](uint64_t k) -> size_t {
    if (k <= kmin) return 0;
    return k >= kmax ? buckets - 1 : static_cast<size_t>((k - kmin) >> shift);
  };
  std::vector<std::vector<size_t>> count(T, std::vector<size_t>(buckets + 1, 0));
  ParallelFor(threads, [&](int ti) {
    const auto [b, e] = slice(static_cast<size_t>(ti));
    auto& c = count[static_cast<size_t>(ti)];
    for (size_t i = b; i < e; ++i) ++c[bucket(SortKey(items[i].value))];
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
  Scratch<Rec> recs(n);
  ParallelFor(threads, [&](int ti) {
    const auto [b, e] = slice(static_cast<size_t>(ti));
    auto& c = count[static_cast<size_t>(ti)];
    for (size_t i = b; i < e; ++i) {
      const uint64_t k = SortKey(items[i].value);
      recs[c[bucket(k)]++] = {k, items[i].weight};
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
    std::vector<uint32_t> sub_count;
    std::vector<WeightedDistribution::Item> tmp;
    for (size_t k = first_bucket[t]; k < first_bucket[t + 1]; ++k) {
      SortBucket(recs.get() + start[k], start[k + 1] - start[k], items.data() + start[k], sub_count,
                 tmp);
    }
  });
}

}  // namespace

void WeightedDistribution::Reserve(size_t n) {
  items_.reserve(n);
  AdviseHugePages(items_.data(), n * sizeof(Item));
}

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
  // Sums per segment of kSegment items (in parallel), then the segments in order. Segments
  // have a fixed size, so every sum is the same for any number of threads. Gini's
  // sum w_i y_i C_i over segment s is P_s * (sum w y) + sum w_i y_i c_i, with P_s the weight
  // before the segment and c_i the cumulative weight within it.
  const size_t n = items_.size();
  const size_t segments = (n + kSegment - 1) / kSegment;
  struct SegmentSums {
    double w = 0, wy = 0, wyc = 0, wwy = 0;
  };
  std::vector<SegmentSums> sums(segments);
  const int t_used = static_cast<int>(std::min<size_t>(static_cast<size_t>(threads), segments));
  ParallelFor(std::max(t_used, 1), [&](int ti) {
    const size_t T = static_cast<size_t>(std::max(t_used, 1));
    const size_t s0 = segments * static_cast<size_t>(ti) / T;
    const size_t s1 = segments * (static_cast<size_t>(ti) + 1) / T;
    for (size_t s = s0; s < s1; ++s) {
      SegmentSums r;
      const size_t e = std::min(n, (s + 1) * kSegment);
      for (size_t i = s * kSegment; i < e; ++i) {
        const double w = items_[i].weight, y = items_[i].value;
        r.w += w;
        r.wy += w * y;
        r.wyc += w * y * r.w;
        r.wwy += w * w * y;
      }
      sums[s] = r;
    }
  });
  segment_weight_.assign(segments + 1, 0.0);
  segment_value_.assign(segments + 1, 0.0);
  double cw = 0, cv = 0, a = 0, b = 0;
  for (size_t s = 0; s < segments; ++s) {
    a += cw * sums[s].wy + sums[s].wyc;
    b += sums[s].wwy;
    cw += sums[s].w;
    cv += sums[s].wy;
    segment_weight_[s + 1] = cw;
    segment_value_[s + 1] = cv;
  }
  total_weight_ = cw;
  total_value_ = cv;
  gini_a_ = a;
  gini_b_ = b;
  sorted_ = true;
}

double WeightedDistribution::CumWeight(size_t i) const {
  const size_t s = i / kSegment;
  double c = 0;
  for (size_t j = s * kSegment; j <= i; ++j) c += items_[j].weight;
  return segment_weight_[s] + c;
}

double WeightedDistribution::CumValue(size_t i) const {
  const size_t s = i / kSegment;
  double c = 0;
  for (size_t j = s * kSegment; j <= i; ++j) c += items_[j].weight * items_[j].value;
  return segment_value_[s] + c;
}

size_t WeightedDistribution::FirstCumWeightAbove(double target) const {
  // The first segment whose end exceeds the target, then the item within it. CumWeight() never
  // decreases (P_s + c_i rounds monotonically in c_i, and the last item of a segment equals the
  // next segment's start), so this is the first i with CumWeight(i) > target.
  const auto it = std::upper_bound(segment_weight_.begin() + 1, segment_weight_.end(), target);
  if (it == segment_weight_.end()) return items_.size();
  const size_t s = static_cast<size_t>(it - segment_weight_.begin()) - 1;
  const double p = segment_weight_[s];
  double c = 0;
  const size_t e = std::min(items_.size(), (s + 1) * kSegment);
  for (size_t i = s * kSegment; i < e; ++i) {
    c += items_[i].weight;
    if (p + c > target) return i;
  }
  return e - 1;  // not reached: the segment's end exceeds the target
}

double WeightedDistribution::Quantile(double p) const {
  if (items_.empty() || total_weight_ <= 0) return 0;
  // First i with CumWeight(i) / W > p, i.e. CumWeight(i) > p * W.
  const size_t i = FirstCumWeightAbove(p * total_weight_);
  return i == items_.size() ? items_.back().value : items_[i].value;
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
  return n == 0 ? 0 : CumValue(n - 1);
}

double WeightedDistribution::WeightBelow(double cut) const {
  const size_t n = IndexBelow(cut);
  return n == 0 ? 0 : CumWeight(n - 1);
}

double WeightedDistribution::ValueAtOrBelow(double cut) const {
  const size_t n = IndexAtOrBelow(cut);
  return n == 0 ? 0 : CumValue(n - 1);
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
    // The first cumulative weight above half the poor's weight: before index n, since
    // CumWeight(n - 1) = w_poor exceeds it.
    const size_t i = std::min(d.FirstCumWeightAbove(0.5 * w_poor), n - 1);
    return (line - items[i].value) / line;
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
