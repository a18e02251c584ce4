// wavekin/random/random_stream.hpp — reproducible per-sample random streams: Monte Carlo
// sample i draws the same numbers whatever the order, thread or rank that draws it.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <span>

namespace wavekin {

/// \brief What a stream is used for; the purpose enters the seed, so that two uses
/// within one sample never share numbers.
enum class StreamPurpose : std::uint64_t {
  karhunen_loeve = 1,     ///< the ξ_ij of the KL expansion (P2 (4.21))
  streaming = 2,          ///< the fresh fields of StreamingSampler
  streaming_average = 3,  ///< StreamingSampler's fields for its step averages (advance(average))
  user = 1000,            ///< first value free for callers
};

/// \brief Distribution of the i.i.d. KL coefficients ξ_ij (mean 0, variance 1; P2 §4.2.1).
enum class XiDistribution {
  gaussian,  ///< N(0, 1)
  uniform,   ///< U(−√3, √3)
};

/// \brief SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mix in
/// which every input bit affects every output bit.
[[nodiscard]] constexpr std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// \brief The seed of the stream of (master seed, sample, purpose): a chain of
/// SplitMix64 mixes, so neighbouring samples get unrelated seeds.
[[nodiscard]] constexpr std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t sample,
                                                  std::uint64_t purpose) noexcept {
  return splitmix64(splitmix64(splitmix64(seed) ^ sample) ^ (purpose * 0xD6E8FEB86659FD93ULL));
}

/// \brief A random stream owned by one Monte Carlo sample.
///
/// The engine is std::mt19937_64, whose output sequence for a given seed is fixed by
/// the C++ standard; the seed is stream_seed(seed, sample, purpose). Uniforms use the
/// top 53 bits; normals use Marsaglia's polar method written out here (the standard
/// library's distributions differ between implementations), which needs only exact
/// IEEE arithmetic, std::sqrt (correctly rounded) and std::log. So sample i's numbers
/// are bitwise identical whatever the number of threads or ranks and the order in
/// which samples are drawn, on one platform, and agree across C libraries up to
/// the last bits of log.
///
/// Cost: one engine draw per uniform, 4/π pairs of draws per two normals.
/// Not thread-safe: one stream per sample per thread (they are cheap, ~5 KB).
class RandomStream {
 public:
  /// \brief The stream of sample `sample` of a run with master seed `seed`.
  RandomStream(std::uint64_t seed, std::uint64_t sample,
               StreamPurpose purpose = StreamPurpose::karhunen_loeve)
      : engine(stream_seed(seed, sample, static_cast<std::uint64_t>(purpose))) {}

  /// \brief Uniform in [0, 1), multiples of 2^−53.
  [[nodiscard]] double uniform() noexcept {
    return static_cast<double>(engine() >> 11) * 0x1.0p-53;
  }
  /// \brief Uniform in (−1, 1), excluding both ends.
  [[nodiscard]] double uniform_open_symmetric() noexcept {
    // (2k + 1)/2^53 − 1 for k in [0, 2^53): symmetric about 0, never ±1.
    return (static_cast<double>(engine() >> 11) * 2 + 1) * 0x1.0p-53 - 1;
  }
  /// \brief Standard normal N(0, 1) (Marsaglia's polar method).
  [[nodiscard]] double normal() noexcept {
    if (has_spare) {
      has_spare = false;
      return spare;
    }
    double u = 0, v = 0, s = 0;
    do {
      u = uniform_open_symmetric();
      v = uniform_open_symmetric();
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    const double factor = std::sqrt(-2 * std::log(s) / s);
    spare = v * factor;
    has_spare = true;
    return u * factor;
  }
  /// \brief U(−√3, √3): mean 0, variance 1.
  [[nodiscard]] double uniform_unit_variance() noexcept {
    return std::sqrt(3.0) * uniform_open_symmetric();
  }
  /// \brief One variate of `distribution` (mean 0, variance 1).
  [[nodiscard]] double draw(XiDistribution distribution) noexcept {
    return distribution == XiDistribution::gaussian ? normal() : uniform_unit_variance();
  }
  /// \brief Fills `out` with i.i.d. variates of `distribution`, in order.
  void fill(std::span<double> out,
            XiDistribution distribution = XiDistribution::gaussian) noexcept {
    for (double& value : out) value = draw(distribution);
  }

 private:
  std::mt19937_64 engine;
  double spare = 0;
  bool has_spare = false;
};

}  // namespace wavekin
