// Steps of one propagator built from two revisions of the headers, or from one with its arrays
// placed two ways (compare.sh --offset), in one process: blocks of
// `steps` steps alternate between the revisions for `rounds` rounds, and the median over the
// rounds of this revision's time over the other's is printed with its quartiles. Usage:
//   compare {magnus|cn-field|cn-separable|split-step} points [steps [rounds]]
// SPDX-License-Identifier: MIT
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "propagators.hpp"

namespace {

template <class F>
double seconds(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5)];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(
        stderr,
        "usage: compare {magnus|cn-field|cn-separable|split-step} points [steps [rounds]]\n");
    return 2;
  }
  const std::string_view name = argv[1];
  const Propagator which = name == "magnus"       ? Propagator::magnus
                           : name == "cn-field"   ? Propagator::crank_nicolson_field
                           : name == "split-step" ? Propagator::split_step
                                                  : Propagator::crank_nicolson_separable;
  if (name != "magnus" && name != "cn-field" && name != "cn-separable" && name != "split-step") {
    std::fprintf(stderr, "compare: unknown propagator '%s'\n", argv[1]);
    return 2;
  }
  const long points = std::atol(argv[2]);
  const long steps = argc > 3 ? std::atol(argv[3]) : std::max(100L, 640000 / points);
  const int rounds = argc > 4 ? std::atoi(argv[4]) : 21;
  auto old_steps = old_revision::make(which, points);
  auto new_steps = this_revision::make(which, points);
  old_steps->run(steps / 10 + 1);
  new_steps->run(steps / 10 + 1);
  std::vector<double> ratio, old_us, new_us;
  for (int r = 0; r < rounds; ++r) {
    const double a = seconds([&] { old_steps->run(steps); });
    const double b = seconds([&] { new_steps->run(steps); });
    ratio.push_back(b / a);
    old_us.push_back(1e6 * a / static_cast<double>(steps));
    new_us.push_back(1e6 * b / static_cast<double>(steps));
  }
  std::printf(
      "%s N = %ld: this/other revision %.3f (quartiles %.3f, %.3f); a step %.2f µs here, %.2f µs "
      "there (medians)\n",
      argv[1], points, quantile(ratio, 0.5), quantile(ratio, 0.25), quantile(ratio, 0.75),
      quantile(new_us, 0.5), quantile(old_us, 0.5));
}
