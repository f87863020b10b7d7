#include "spcoop/simulate/indicators.h"

#include <algorithm>
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

}  // namespace

void WeightedDistribution::Sort() {
  RadixSortByValue(items_);
  cum_weight_.resize(items_.size());
  cum_value_.resize(items_.size());
  double cw = 0, cv = 0;
  for (size_t i = 0; i < items_.size(); ++i) {
    cw += items_[i].weight;
    cv += items_[i].weight * items_[i].value;
    cum_weight_[i] = cw;
    cum_value_[i] = cv;
  }
  total_weight_ = cw;
  total_value_ = cv;
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
