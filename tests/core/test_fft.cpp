// Tests for wavekin/core/fft.hpp: round trips, sign convention and layout,
// Parseval, in-place/out-of-place, the unaligned-array fallback, real
// transforms, FFTW threads, concurrent execution and rejected input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <limits>
#include <new>
#include <numbers>
#include <random>
#include <thread>
#include <vector>

#include "wavekin/core/fft.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_fft {

using Catch::Matchers::Contains;
using wavekin::Complex;
using wavekin::Fft;
using wavekin::FftOptions;
using wavekin::FftRigor;
using wavekin::RealFft;

namespace {

template <class Scalar>
std::vector<Complex<Scalar>> random_complex(std::size_t n, std::mt19937_64& rng) {
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<Complex<Scalar>> v(n);
  for (auto& z : v) z = Complex<Scalar>(Scalar(g(rng)), Scalar(g(rng)));
  return v;
}

template <class Scalar>
std::vector<Scalar> random_real(std::size_t n, std::mt19937_64& rng) {
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<Scalar> v(n);
  for (auto& x : v) x = Scalar(g(rng));
  return v;
}

// ‖a − b‖₂ / ‖b‖₂, accumulated in double.
template <class A, class B>
double relative_l2(const A* a, const B* b, std::ptrdiff_t n) {
  double num = 0, den = 0;
  for (std::ptrdiff_t k = 0; k < n; ++k) {
    const std::complex<double> x(a[k]), y(b[k]);
    num += std::norm(x - y);
    den += std::norm(y);
  }
  return std::sqrt(num / den);
}

template <class Scalar>
double relative_l2(const std::vector<Scalar>& a, const std::vector<Scalar>& b) {
  REQUIRE(a.size() == b.size());
  return relative_l2(a.data(), b.data(), static_cast<std::ptrdiff_t>(a.size()));
}

// Error bound of an FFT of n points, relative in the 2-norm. Higham, Accuracy
// and Stability of Numerical Algorithms, Thm 24.2: a radix-2 FFT computed with
// twiddle factors accurate to O(u) satisfies ‖ŷ − y‖/‖y‖ ≤ log2(n)·η/(1 − log2(n)·η),
// η ≈ 6u = 3ε. FFTW's mixed-radix, Rader and Bluestein paths behave alike (its
// accuracy benchmarks show rms errors well below this). A round trip is two
// transforms plus a scaling, ≤ (6 log2 n + 1)ε; 8 ε log2(n) (+ε for n = 1)
// bounds every comparison of one or two transforms made here.
template <class Scalar>
double fft_tolerance(std::ptrdiff_t n) {
  const double eps = std::numeric_limits<Scalar>::epsilon();
  return 8 * eps * std::max(1.0, std::log2(static_cast<double>(n)));
}

// An array of n T whose first element sits `offset` bytes past a 64-byte
// boundary, so that FFTW's alignment class differs from fftw_malloc's.
template <class T>
class OffsetArray {
 public:
  OffsetArray(std::size_t n, std::size_t offset) : m_n(n) {
    m_raw = static_cast<std::byte*>(::operator new (n * sizeof(T) + offset, std::align_val_t{64}));
    m_data = reinterpret_cast<T*>(m_raw + offset);
    for (std::size_t k = 0; k < n; ++k) ::new (static_cast<void*>(m_data + k)) T();
  }
  OffsetArray(const OffsetArray&) = delete;
  OffsetArray& operator=(const OffsetArray&) = delete;
  ~OffsetArray() { ::operator delete (m_raw, std::align_val_t{64}); }
  T* data() { return m_data; }
  std::size_t size() const { return m_n; }
  T& operator[](std::size_t k) { return m_data[k]; }

 private:
  std::size_t m_n;
  std::byte* m_raw;
  T* m_data;
};

template <int Dim>
using Counts = std::array<std::ptrdiff_t, Dim>;

// --- checks, one per property, run on each shape ----------------------------

template <int Dim, class Scalar>
void check_round_trip(const Counts<Dim>& counts, std::mt19937_64& rng) {
  const Fft<Dim, Scalar> fft(counts);
  const auto n = static_cast<std::size_t>(fft.size());
  const auto f = random_complex<Scalar>(n, rng);
  std::vector<Complex<Scalar>> spectrum(n), back(n);
  fft.forward(f, spectrum);
  fft.inverse(spectrum, back);
  INFO("N = " << n);
  CHECK(relative_l2(back, f) <= fft_tolerance<Scalar>(fft.size()));
  // out-of-place c2c leaves its input alone
  const auto spectrum_copy = spectrum;
  fft.inverse(spectrum, back);
  CHECK(spectrum == spectrum_copy);
}

template <int Dim, class Scalar>
void check_plane_wave(const Counts<Dim>& counts, const Counts<Dim>& slot) {
  const Fft<Dim, Scalar> fft(counts);
  const auto n = fft.size();
  std::vector<Complex<Scalar>> f(static_cast<std::size_t>(n)), spectrum(f.size());
  // f_j = exp(2πi Σ m_a j_a / N_a), phase reduced mod 1 exactly in integers.
  std::ptrdiff_t target = 0, stride = 1;
  for (int a = Dim - 1; a >= 0; --a) {
    target += slot[a] * stride;
    stride *= counts[a];
  }
  for (std::ptrdiff_t flat = 0; flat < n; ++flat) {
    double phase = 0;
    std::ptrdiff_t rest = flat;
    for (int a = Dim - 1; a >= 0; --a) {
      const auto j = rest % counts[a];
      rest /= counts[a];
      phase += static_cast<double>((slot[a] * j) % counts[a]) / static_cast<double>(counts[a]);
    }
    const auto z = std::polar(1.0, 2 * std::numbers::pi * phase);
    f[static_cast<std::size_t>(flat)] = Complex<Scalar>(Scalar(z.real()), Scalar(z.imag()));
  }
  fft.forward(f, spectrum);
  // ‖F‖₂ = N, so each entry is within the relative bound times N; the input
  // itself carries rounding ε per entry, which adds ε·N in the 2-norm.
  const double eps = std::numeric_limits<Scalar>::epsilon();
  const double tol = (fft_tolerance<Scalar>(n) + 2 * eps) * static_cast<double>(n);
  double worst = 0;
  for (std::ptrdiff_t l = 0; l < n; ++l) {
    const double expected = l == target ? static_cast<double>(n) : 0.0;
    worst = std::max(
        worst, std::abs(std::complex<double>(spectrum[static_cast<std::size_t>(l)]) - expected));
  }
  INFO("N = " << n << ", target slot " << target);
  CHECK(worst <= tol);
}

template <int Dim, class Scalar>
void check_parseval(const Counts<Dim>& counts, std::mt19937_64& rng) {
  const Fft<Dim, Scalar> fft(counts);
  const auto f = random_complex<Scalar>(static_cast<std::size_t>(fft.size()), rng);
  std::vector<Complex<Scalar>> spectrum(f.size());
  fft.forward(f, spectrum);
  double energy = 0, spectral_energy = 0;
  for (std::size_t k = 0; k < f.size(); ++k) {
    energy += std::norm(std::complex<double>(f[k]));
    spectral_energy += std::norm(std::complex<double>(spectrum[k]));
  }
  // Σ|F|² = N Σ|f|²; squared norms double the relative error of the transform.
  const double n = static_cast<double>(fft.size());
  CHECK(std::abs(spectral_energy - n * energy) <=
        2 * fft_tolerance<Scalar>(fft.size()) * n * energy);
}

template <int Dim, class Scalar>
void check_in_place(const Counts<Dim>& counts, std::mt19937_64& rng) {
  const Fft<Dim, Scalar> fft(counts);
  const auto f = random_complex<Scalar>(static_cast<std::size_t>(fft.size()), rng);
  std::vector<Complex<Scalar>> out(f.size());
  auto inout = f;
  fft.forward(f, out);
  fft.forward(inout);
  CHECK(relative_l2(inout, out) <= fft_tolerance<Scalar>(fft.size()));
  fft.inverse(out.data(), out.data());  // in == out selects the in-place plan
  fft.inverse(std::span(inout));
  CHECK(relative_l2(inout, f) <= fft_tolerance<Scalar>(fft.size()));
  CHECK(relative_l2(out, f) <= fft_tolerance<Scalar>(fft.size()));
}

template <int Dim, class Scalar>
void check_misaligned(const Counts<Dim>& counts, std::mt19937_64& rng) {
  using C = Complex<Scalar>;
  const Fft<Dim, Scalar> fft(counts);
  const auto n = static_cast<std::size_t>(fft.size());
  const auto f = random_complex<Scalar>(n, rng);
  std::vector<C> reference(n);
  fft.forward(f, reference);
  CHECK_FALSE(fft.has_unaligned_plans());

  // One Scalar past a 64-byte boundary: still a valid address for C (whose
  // alignment is that of Scalar) but a different FFTW alignment class.
  OffsetArray<C> in(n, sizeof(Scalar)), out(n, sizeof(Scalar));
  REQUIRE(wavekin::detail::fftw_alignment<Scalar>(in.data()) !=
          wavekin::detail::fftw_alignment<Scalar>(reference.data()));
  std::copy(f.begin(), f.end(), in.data());
  const double tol = fft_tolerance<Scalar>(fft.size());

  fft.forward(in.data(), out.data());  // both misaligned
  CHECK(fft.has_unaligned_plans());
  CHECK(relative_l2(out.data(), reference.data(), fft.size()) <= tol);
  std::vector<C> aligned_out(n);
  fft.forward(in.data(), aligned_out.data());  // misaligned in, aligned out
  CHECK(relative_l2(aligned_out.data(), reference.data(), fft.size()) <= tol);
  fft.forward(f.data(), out.data());  // aligned in, misaligned out
  CHECK(relative_l2(out.data(), reference.data(), fft.size()) <= tol);
  fft.forward(in.data());  // in place, misaligned
  CHECK(relative_l2(in.data(), reference.data(), fft.size()) <= tol);
  fft.inverse(in.data());
  CHECK(relative_l2(in.data(), f.data(), fft.size()) <= tol);
}

template <int Dim, class Scalar>
void check_real(const Counts<Dim>& counts, std::mt19937_64& rng) {
  using C = Complex<Scalar>;
  const RealFft<Dim, Scalar> rfft(counts);
  const Fft<Dim, Scalar> fft(counts);
  const auto n = static_cast<std::size_t>(rfft.size());
  const auto m = static_cast<std::size_t>(rfft.complex_size());
  const auto last = counts[Dim - 1];
  CHECK(rfft.complex_size() == rfft.size() / last * (last / 2 + 1));
  CHECK(rfft.complex_counts()[Dim - 1] == last / 2 + 1);

  const auto x = random_real<Scalar>(n, rng);
  std::vector<C> as_complex(x.begin(), x.end()), full(n), half(m);
  fft.forward(as_complex, full);
  rfft.forward(x, half);
  const double tol = fft_tolerance<Scalar>(rfft.size());
  // The stored half is slots [0, N_last/2] of the last axis of the full spectrum.
  std::vector<C> full_half(m);
  const auto half_last = last / 2 + 1;
  for (std::ptrdiff_t row = 0; row < rfft.size() / last; ++row)
    for (std::ptrdiff_t l = 0; l < half_last; ++l)
      full_half[static_cast<std::size_t>(row * half_last + l)] =
          full[static_cast<std::size_t>(row * last + l)];
  INFO("N = " << n);
  CHECK(relative_l2(half, full_half) <= tol);

  // inverse_preserving leaves its input bitwise intact and round-trips.
  std::vector<Scalar> back(n);
  std::vector<C> scratch(m);
  const auto half_copy = half;
  rfft.inverse_preserving(half, back, scratch);
  CHECK(half == half_copy);
  CHECK(relative_l2(back, x) <= tol);
  // inverse destroys its input but gives the same result.
  std::vector<Scalar> back2(n);
  rfft.inverse(std::span(half), std::span(back2));
  CHECK(relative_l2(back2, x) <= tol);

  // Misaligned real and complex arrays take the FFTW_UNALIGNED plans.
  OffsetArray<Scalar> xr(n, sizeof(Scalar));
  OffsetArray<C> spec(m, sizeof(Scalar));
  std::copy(x.begin(), x.end(), xr.data());
  REQUIRE(wavekin::detail::fftw_alignment<Scalar>(xr.data()) !=
          wavekin::detail::fftw_alignment<Scalar>(x.data()));
  rfft.forward(xr.data(), spec.data());
  CHECK(rfft.has_unaligned_plans());
  CHECK(relative_l2(spec.data(), half_copy.data(), rfft.complex_size()) <= tol);
  rfft.inverse(spec.data(), xr.data());
  CHECK(relative_l2(xr.data(), x.data(), rfft.size()) <= tol);
}

}  // namespace

// Shapes: 16 (power of two); 8×12 and 6×8×10 (factors 3 and 5); odd shapes
// (prime 7, 15, 3×5, unit axes) — Fft accepts any count >= 1.
TEMPLATE_TEST_CASE("Fft round trip inverse(forward(f)) = f for random data", "", float, double) {
  std::mt19937_64 rng(1);
  check_round_trip<1, TestType>({16}, rng);
  check_round_trip<2, TestType>({8, 12}, rng);
  check_round_trip<3, TestType>({6, 8, 10}, rng);
  check_round_trip<1, TestType>({7}, rng);
  check_round_trip<1, TestType>({1}, rng);
  check_round_trip<2, TestType>({3, 15}, rng);
  check_round_trip<3, TestType>({1, 5, 1}, rng);
}

TEMPLATE_TEST_CASE("Fft forward of a plane wave is N delta at its slot (sign and layout)", "",
                   float, double) {
  check_plane_wave<1, TestType>({16}, {3});
  check_plane_wave<1, TestType>({16}, {13});  // frequency −3
  check_plane_wave<2, TestType>({8, 12}, {2, 7});
  check_plane_wave<2, TestType>({8, 12}, {5, 1});
  check_plane_wave<3, TestType>({6, 8, 10}, {1, 5, 9});
  check_plane_wave<3, TestType>({6, 8, 10}, {4, 0, 2});
}

TEST_CASE("Fft sign convention: forward of exp(+2 pi i j/N) lands in slot 1, not N-1") {
  const Fft<1> fft({8});
  std::vector<Complex<double>> f(8), spectrum(8);
  for (int j = 0; j < 8; ++j)
    f[static_cast<std::size_t>(j)] = std::polar(1.0, 2 * std::numbers::pi * j / 8);
  fft.forward(f, spectrum);
  CHECK(std::abs(spectrum[1] - 8.0) < 1e-13);
  CHECK(std::abs(spectrum[7]) < 1e-13);
}

TEMPLATE_TEST_CASE("Fft satisfies Parseval", "", float, double) {
  std::mt19937_64 rng(2);
  check_parseval<1, TestType>({16}, rng);
  check_parseval<2, TestType>({8, 12}, rng);
  check_parseval<3, TestType>({6, 8, 10}, rng);
}

TEMPLATE_TEST_CASE("Fft in-place equals out-of-place", "", float, double) {
  std::mt19937_64 rng(3);
  check_in_place<1, TestType>({16}, rng);
  check_in_place<2, TestType>({8, 12}, rng);
  check_in_place<3, TestType>({6, 8, 10}, rng);
}

TEMPLATE_TEST_CASE("Fft on misaligned arrays falls back to unaligned plans, same result", "", float,
                   double) {
  std::mt19937_64 rng(4);
  check_misaligned<1, TestType>({16}, rng);
  check_misaligned<2, TestType>({8, 12}, rng);
  check_misaligned<3, TestType>({6, 8, 10}, rng);
}

TEST_CASE("Fft misaligned by one element of a std::vector<Complex<float>>") {
  using C = Complex<float>;
  const Fft<2, float> fft({8, 12});
  std::mt19937_64 rng(5);
  const auto f = random_complex<float>(96, rng);
  std::vector<C> buffer(97), reference(96);
  std::copy(f.begin(), f.end(), buffer.begin() + 1);
  fft.forward(f, reference);
  C* shifted = buffer.data() + 1;
  // An 8-byte shift changes FFTW's alignment class of a 16-byte-aligned block.
  REQUIRE(wavekin::detail::fftw_alignment<float>(shifted) !=
          wavekin::detail::fftw_alignment<float>(buffer.data()));
  fft.forward(shifted);
  CHECK(relative_l2(shifted, reference.data(), 96) <= fft_tolerance<float>(96));
}

TEMPLATE_TEST_CASE("RealFft matches Fft on real data and round-trips", "", float, double) {
  std::mt19937_64 rng(6);
  check_real<1, TestType>({16}, rng);
  check_real<2, TestType>({8, 12}, rng);
  check_real<3, TestType>({6, 8, 10}, rng);
  check_real<2, TestType>({6, 9}, rng);  // odd last axis: 9/2 + 1 = 5 slots
}

TEMPLATE_TEST_CASE("Fft with FFTW threads = 2 agrees with threads = 1", "", float, double) {
  // Large enough that FFTW actually splits the work between threads.
  const std::array<std::ptrdiff_t, 3> counts{64, 48, 40};
  const Fft<3, TestType> serial(counts);
  const Fft<3, TestType> threaded(counts, FftOptions{.rigor = FftRigor::estimate, .threads = 2});
  CHECK(threaded.options().threads == 2);
  std::mt19937_64 rng(7);
  const auto f = random_complex<TestType>(static_cast<std::size_t>(serial.size()), rng);
  std::vector<Complex<TestType>> a(f.size()), b(f.size());
  serial.forward(f, a);
  threaded.forward(f, b);
  CHECK(relative_l2(b, a) <= fft_tolerance<TestType>(serial.size()));
  threaded.inverse(b, a);
  CHECK(relative_l2(a, f) <= fft_tolerance<TestType>(serial.size()));

  const RealFft<3, TestType> real_threaded(counts, FftOptions{.threads = 2});
  const auto x = random_real<TestType>(f.size(), rng);
  std::vector<Complex<TestType>> spectrum(static_cast<std::size_t>(real_threaded.complex_size()));
  std::vector<TestType> back(x.size());
  real_threaded.forward(x, spectrum);
  real_threaded.inverse(std::span(spectrum), std::span(back));
  CHECK(relative_l2(back, x) <= fft_tolerance<TestType>(serial.size()));
}

TEMPLATE_TEST_CASE("Fft made with rigor measure and patient agrees with estimate", "", float,
                   double) {
  const std::array<std::ptrdiff_t, 2> counts{12, 10};
  std::mt19937_64 rng(8);
  const auto f = random_complex<TestType>(120, rng);
  std::vector<Complex<TestType>> reference(120), out(120);
  Fft<2, TestType>(counts).forward(f, reference);
  for (const auto rigor : {FftRigor::measure, FftRigor::patient}) {
    const Fft<2, TestType> fft(counts, FftOptions{.rigor = rigor});
    fft.forward(f, out);
    CHECK(relative_l2(out, reference) <= fft_tolerance<TestType>(120));
  }
}

TEMPLATE_TEST_CASE("one Fft shared by two std::threads gives correct results", "", float, double) {
  using C = Complex<TestType>;
  const std::array<std::ptrdiff_t, 2> counts{24, 20};
  const Fft<2, TestType> fft(counts);
  const auto n = static_cast<std::size_t>(fft.size());
  std::mt19937_64 rng(9);
  std::array<std::vector<C>, 2> inputs{random_complex<TestType>(n, rng),
                                       random_complex<TestType>(n, rng)};
  std::array<std::vector<C>, 2> references{std::vector<C>(n), std::vector<C>(n)};
  for (std::size_t t = 0; t < 2; ++t) fft.forward(inputs[t], references[t]);

  // Each thread transforms its own arrays many times, half of them misaligned,
  // so that the lazy creation of the unaligned plans is raced too. Catch's
  // assertions are not thread-safe: the threads record, the main thread checks.
  constexpr int repeats = 200;
  std::array<double, 2> worst{0, 0};
  auto work = [&](std::size_t t) {
    std::vector<C> out(n);
    OffsetArray<C> shifted_out(n, sizeof(TestType));
    for (int r = 0; r < repeats; ++r) {
      C* target = r % 2 == 0 ? out.data() : shifted_out.data();
      fft.forward(inputs[t].data(), target);
      worst[t] = std::max(worst[t], relative_l2(target, references[t].data(), fft.size()));
    }
  };
  std::thread first(work, 0), second(work, 1);
  first.join();
  second.join();
  CHECK(fft.has_unaligned_plans());
  CHECK(worst[0] <= fft_tolerance<TestType>(fft.size()));
  CHECK(worst[1] <= fft_tolerance<TestType>(fft.size()));
}

TEST_CASE("Fft and RealFft are movable and keep working after a move") {
  Fft<1> original({16});
  Fft<1> moved(std::move(original));
  std::vector<Complex<double>> f(16, {1.0, 0.0}), spectrum(16);
  moved.forward(f, spectrum);
  CHECK(std::abs(spectrum[0] - 16.0) < 1e-13);
  Fft<1> assigned({4});
  assigned = std::move(moved);
  CHECK(assigned.size() == 16);
  assigned.inverse(spectrum, f);
  CHECK(std::abs(f[5] - 1.0) < 1e-14);

  RealFft<1> real_original({16});
  RealFft<1> real_moved(std::move(real_original));
  std::vector<double> x(16, 1.0);
  std::vector<Complex<double>> half(9);
  real_moved.forward(x, half);
  CHECK(std::abs(half[0] - 16.0) < 1e-13);
}

TEST_CASE("Fft construction from a PeriodicGrid uses its counts") {
  const auto grid = wavekin::PeriodicGrid<2, float>({8, 12}, Eigen::Vector2f(1.0f, 2.0f));
  const Fft<2, float> fft(grid);
  CHECK(fft.size() == 96);
  CHECK(fft.counts()[1] == 12);
  const RealFft<2, float> rfft(grid);
  CHECK(rfft.complex_size() == 8 * 7);
}

TEST_CASE("Fft and RealFft reject bad input with a message naming the value") {
  using wavekin::invalid_argument;
  const Fft<2> fft({8, 12});
  std::vector<Complex<double>> good(96), short_one(95), long_one(100);
  CHECK_THROWS_AS(fft.forward(short_one, good), invalid_argument);
  CHECK_THROWS_WITH(fft.forward(short_one, good), Contains("95") && Contains("96"));
  CHECK_THROWS_WITH(fft.inverse(good, long_one), Contains("100") && Contains("96"));
  CHECK_THROWS_WITH(fft.forward(std::span(short_one)), Contains("95") && Contains("96"));
  CHECK_THROWS_WITH(fft.inverse(std::span(long_one)), Contains("100"));

  CHECK_THROWS_AS(Fft<1>({16}, FftOptions{.threads = 0}), invalid_argument);
  CHECK_THROWS_WITH(Fft<1>({16}, FftOptions{.threads = 0}), Contains("threads") && Contains("0"));
  CHECK_THROWS_WITH(Fft<1>({16}, FftOptions{.threads = -3}), Contains("-3"));
  CHECK_THROWS_AS((Fft<2>({8, 0})), invalid_argument);
  CHECK_THROWS_WITH((Fft<2>({8, 0})), Contains("axis 1") && Contains("0"));
  CHECK_THROWS_WITH((Fft<3, float>({4, -2, 4})), Contains("axis 1") && Contains("-2"));
  CHECK_THROWS_WITH(Fft<1>({16}, FftOptions{.rigor = static_cast<FftRigor>(42)}), Contains("42"));

  const RealFft<2> rfft({8, 12});
  std::vector<double> real(96), real_short(90);
  std::vector<Complex<double>> half(56), half_bad(57), scratch(56);
  CHECK_THROWS_WITH(rfft.forward(real_short, half), Contains("90") && Contains("96"));
  CHECK_THROWS_WITH(rfft.forward(real, half_bad), Contains("57") && Contains("56"));
  CHECK_THROWS_WITH(rfft.inverse(std::span(half_bad), std::span(real)), Contains("57"));
  CHECK_THROWS_WITH(rfft.inverse_preserving(half, real, std::span(half_bad)),
                    Contains("scratch") && Contains("57"));
  CHECK_THROWS_WITH((RealFft<1>({0})), Contains("axis 0") && Contains("0"));
  CHECK_THROWS_WITH(RealFft<1>({16}, FftOptions{.threads = 0}), Contains("threads"));
}

}  // namespace wavekin_test_fft
