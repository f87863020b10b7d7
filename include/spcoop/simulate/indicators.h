// spcoop/simulate/indicators.h — weighted poverty and inequality indicators, with the
// conventions of docs/simulator.md ("Conventions"). Pure functions; thread-safe.
//
//   WeightedDistribution d;                         // person-level welfare and weights
//   d.Add(120.0, 3.0);  d.Add(80.0, 1.0);
//   d.Sort();                                       // required before the quantile indicators
//   double median = d.Quantile(0.5);
//   Fgt p = Fgt3(d, 0.6 * median);                  // headcount, gap, severity as shares
//   double g = Gini(d);
//
// Conventions (tested in indicators_test.cc):
// - Quantile(p): the first value, in ascending order, whose cumulative weight share is
//   strictly greater than p.
// - Poor: welfare strictly below the line. FGT(a) = sum w * ((z - y) / z)^a over the poor / sum w.
// - Gini: weighted, no small-sample correction:
//   G = sum_i sum_j w_i w_j |y_i - y_j| / (2 W^2 mean), computed from the sorted values.
// - Quintile/decile groups use cut points from Quantile(); a value equal to a cut point belongs
//   to the lower group (group k holds cut[k-1] < y <= cut[k]), as in R's laeken.
// - S80/S20 = welfare of those above Quantile(0.8) / welfare of those at or below Quantile(0.2).
// - Palma = welfare of those above Quantile(0.9) / welfare of those at or below Quantile(0.4).
// - Relative median poverty gap (Eurostat/laeken rmpg) = (line - median of the poor) / line, where
//   the median of the poor is Quantile(0.5) among those below the line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace spcoop::simulate {

class WeightedDistribution {
 public:
  void Reserve(size_t n);
  void Add(double value, double weight) {
    items_.push_back({value, weight});
    sorted_ = false;
  }
  void Append(const WeightedDistribution& other);
  // Sorts by value (stable) and builds cumulative weights. Call after the last Add/Append.
  // `threads`: 0 = std::thread::hardware_concurrency() for large inputs (>= 262,144 items), else
  // one; the order and every cumulative sum are the same for any number of threads.
  void Sort(int threads = 0);
  bool sorted() const { return sorted_; }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  double total_weight() const { return total_weight_; }
  double total_value() const { return total_value_; }  // sum w * y
  double Mean() const { return total_weight_ > 0 ? total_value_ / total_weight_ : 0; }
  // See the conventions above. p in [0, 1). Requires Sort().
  double Quantile(double p) const;
  // Sum of w * y and of w over values strictly below `cut`. Requires Sort().
  double ValueBelow(double cut) const;
  double WeightBelow(double cut) const;
  // Sum of w * y over values at or below `cut`. Requires Sort().
  double ValueAtOrBelow(double cut) const;

  struct Item {
    double value;
    double weight;
  };
  const std::vector<Item>& items() const { return items_; }
  // Cumulative sums are kept per segment of kSegment sorted items: the weight and w * y before
  // each segment, summed segment by segment in order, and within a segment item by item. The
  // segment size is fixed, so every sum is the same for any number of threads.
  static constexpr size_t kSegment = 4096;
  // After Sort(): number of items with value < cut; inclusive cumulative weight and w * y of the
  // first i + 1 items (O(kSegment)); the first index whose cumulative weight exceeds `target`
  // (size() when none does; O(log n + kSegment)).
  size_t CountBelow(double cut) const { return IndexBelow(cut); }
  double CumWeight(size_t i) const;
  double CumValue(size_t i) const;
  size_t FirstCumWeightAbove(double target) const;
  // After Sort(): the sums of Gini(), accumulated with the cumulative weights.
  double gini_a() const { return gini_a_; }
  double gini_b() const { return gini_b_; }

 private:
  size_t IndexBelow(double cut) const;      // number of items with value < cut
  size_t IndexAtOrBelow(double cut) const;  // number of items with value <= cut
  std::vector<Item> items_;
  std::vector<double> segment_weight_;  // weight before segment s; [segments] = total
  std::vector<double> segment_value_;   // w * y before segment s; [segments] = total
  double total_weight_ = 0;
  double total_value_ = 0;
  double gini_a_ = 0;  // sum w_i y_i C_i
  double gini_b_ = 0;  // sum w_i^2 y_i
  bool sorted_ = false;
};

struct Fgt {
  double headcount = 0;  // FGT(0), share of persons
  double gap = 0;        // FGT(1)
  double severity = 0;   // FGT(2)
  double money_gap = 0;  // sum w * (z - y) over the poor: the transfer that would close it
};
// Needs no sorting.
Fgt Fgt3(const WeightedDistribution& d, double line);

double Gini(const WeightedDistribution& d);    // requires Sort()
double S80S20(const WeightedDistribution& d);  // requires Sort()
double Palma(const WeightedDistribution& d);   // requires Sort()
// Relative median poverty gap as a share (0.25 = 25%). 0 when nobody is poor. Requires Sort().
double RelativeMedianPovertyGap(const WeightedDistribution& d, double line);

}  // namespace spcoop::simulate
