// Order statistics for benchmark results: percentiles of latencies, medians and spreads of
// repeated runs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace smsdrv::bench {

// The value at fraction q (0..1) of the sorted values (nearest rank); 0 when empty.
template <class T>
T percentile_of_sorted(const std::vector<T>& sorted, double q) {
  if (sorted.empty()) return T{};
  const auto rank = static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(rank, sorted.size() - 1)];
}

struct spread {
  double median = 0;
  double min = 0;
  double max = 0;
};

// Median (the mean of the middle two for an even count), minimum and maximum.
inline spread spread_of(std::vector<double> v) {
  spread s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  s.median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  s.min = v.front();
  s.max = v.back();
  return s;
}

}  // namespace smsdrv::bench
