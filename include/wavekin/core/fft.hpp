// wavekin/core/fft.hpp — RAII wrappers of FFTW's complex and real multi-dimensional
// transforms, planned once and executed thread-safely on any caller arrays.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <utility>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/detail/checked_size.hpp"
#include "wavekin/core/detail/fftw_traits.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/core/periodic_grid.hpp"

#ifdef WAVEKIN_FFT_TIMING
#include <chrono>

namespace wavekin::detail {
/// Wall seconds this thread has spent in Fft's complex transforms. Instrumented builds only
/// (WAVEKIN_FFT_TIMING, which bench_crank_nicolson_in_step defines): it times a propagator's
/// FFTs where the step runs them, in the cache state the step's other passes leave.
inline thread_local double fft_wall_seconds = 0;
}  // namespace wavekin::detail
#endif

namespace wavekin {

/// \brief How hard FFTW's planner searches for a fast plan.
///
/// - `estimate` (FFTW_ESTIMATE): heuristics only, planning is instant. The default.
/// - `measure` (FFTW_MEASURE): times candidate plans; seconds for large 3-D grids.
/// - `patient` (FFTW_PATIENT): a wider timed search; can take minutes.
/// Plans are made once, in the constructor, never inside a time step, so the
/// extra planning time of `measure` pays off for long runs. Results agree
/// between rigors to round-off, not bitwise.
///
/// `estimate` is the default because its plans are the same in every process
/// (a resumed run reproduces an uninterrupted one bitwise) and cost nothing to
/// make. Its price: on power-of-two 2-D grids of 256² and more FFTW_ESTIMATE
/// picks column passes with a 4 KiB stride, about 10× slower than `measure`'s
/// plans (benchmarks/RESULTS.md); use `measure` for long 2-D runs.
enum class FftRigor { estimate, measure, patient };

/// \brief Planning options shared by Fft and RealFft.
struct FftOptions {
  /// \brief Planner effort, see FftRigor.
  FftRigor rigor = FftRigor::estimate;
  /// \brief Threads FFTW may use inside one transform (FFTW's own thread pool,
  /// libfftw3_threads). Must be >= 1. Independent of calling the (const)
  /// transforms from several threads, which is always allowed.
  int threads = 1;
};

namespace detail {

inline unsigned fftw_rigor_flag(FftRigor rigor, const char* who) {
  switch (rigor) {
    case FftRigor::estimate:
      return FFTW_ESTIMATE;
    case FftRigor::measure:
      return FFTW_MEASURE;
    case FftRigor::patient:
      return FFTW_PATIENT;
  }
  throw invalid_argument(
      fmt::format("{}: FftRigor value {} is not a known rigor", who, static_cast<int>(rigor)));
}

inline void check_fft_options(const FftOptions& options, const char* who) {
  require(options.threads >= 1, "{}: threads must be >= 1, got {}", who, options.threads);
  (void)fftw_rigor_flag(options.rigor, who);
}

/// Validates transform counts and converts them to the int extents FFTW takes;
/// `total` receives Π counts.
template <int Dim>
std::array<int, Dim> fftw_extents(const std::array<std::ptrdiff_t, Dim>& counts, const char* who,
                                  std::ptrdiff_t& total) {
  std::array<int, Dim> extents{};
  total = 1;
  for (int axis = 0; axis < Dim; ++axis) {
    const auto n = counts[static_cast<std::size_t>(axis)];
    require(n >= 1 && n <= INT_MAX, "{}: points along axis {} must be in [1, {}], got {}", who,
            axis, INT_MAX, n);
    const auto product = checked_multiply(total, n);
    require(product.has_value(), "{}: the total number of points overflows (axis {} has {})", who,
            axis, n);
    total = *product;
    extents[static_cast<std::size_t>(axis)] = static_cast<int>(n);
  }
  return extents;
}

template <class T, RealScalar Scalar>
void scale_in_place(T* data, std::ptrdiff_t count, Scalar factor) {
  for (std::ptrdiff_t k = 0; k < count; ++k) data[k] *= factor;
}

/// The plans of one transform object: a set made at construction on
/// fftw_malloc'd arrays, and an FFTW_UNALIGNED set made on first need.
/// Held behind a pointer, so that the owner stays movable despite the
/// once_flag and the atomic, and plans keep their addresses.
template <class Plans>
class plan_store {
 public:
  explicit plan_store(Plans aligned) : m_aligned(std::move(aligned)) {}

  [[nodiscard]] const Plans& aligned() const noexcept { return m_aligned; }

  /// The unaligned set, made by `make()` on the first call; concurrent first
  /// calls wait for the one that makes it.
  template <class Make>
  const Plans& unaligned(Make&& make) {
    std::call_once(once, [&] {
      m_unaligned = make();
      ready.store(true, std::memory_order_release);
    });
    return m_unaligned;
  }

  [[nodiscard]] bool has_unaligned() const noexcept {
    return ready.load(std::memory_order_acquire);
  }

 private:
  Plans m_aligned;
  Plans m_unaligned;
  std::once_flag once;
  std::atomic<bool> ready{false};
};

}  // namespace detail

/// \brief Complex-to-complex discrete Fourier transforms of a fixed
/// N_0 × … × N_{Dim−1} shape, built on FFTW.
///
/// Conventions (the project's, f̂(ξ) = ∫ e^{−iξ·x} f(x) dx, so ∂_x ↔ +iξ):
/// - forward: F_l = Σ_j f_j e^{−2πi Σ_a j_a l_a / N_a}, unnormalised;
/// - inverse: f_j = (1/N) Σ_l F_l e^{+2πi Σ_a j_a l_a / N_a}, N = Π N_a,
///   so inverse(forward(f)) = f; backward is the inverse without the 1/N;
/// - layout: row-major (last axis fastest) in both spaces, slot l_a holding
///   frequency l_a for l_a < N_a/2 and l_a − N_a otherwise, which is
///   PeriodicGrid's layout and its `wavenumber(axis, l)` order.
///
/// Cost O(N log N) per transform. The plans (out-of-place and in-place, forward
/// and backward) are made once in the constructor, on internal fftw_malloc'd
/// arrays so that FFTW_MEASURE never overwrites caller data; construct the
/// object before a time loop and reuse it.
///
/// Thread-safety: the transforms are const and use no shared mutable state
/// except the lazily built unaligned plans (below, guarded by std::call_once),
/// so one object may run transforms on different arrays from many threads at
/// once. Construction and destruction take the process-wide FFTW planner lock
/// (detail::fftw_planner_mutex).
///
/// Alignment: FFTW's SIMD plans may only run on arrays with the alignment of
/// the arrays they were planned on (fftw_alignment_of). A caller array of a
/// different alignment (e.g. an offset into a buffer) is transformed by a
/// second set of plans made with FFTW_UNALIGNED; these are made on first need,
/// once, under the planner lock, so the first such call pays a planning cost
/// (and, with rigor `measure`, a measurement). FFTW's alignment class is the
/// address modulo 16 bytes, which malloc-based allocations (std::vector, Eigen)
/// satisfy, so only offsets into buffers trigger it, e.g. a Complex<float>
/// array starting at an odd element, or any array at an odd multiple of 8 bytes.
///
/// Aliasing: `in == out` runs the in-place plan; otherwise the arrays must not
/// overlap. The out-of-place c2c plans do not modify their input (FFTW
/// preserves the input of out-of-place c2c transforms by default), which is why
/// `in` is a pointer to const.
///
/// The class is movable, not copyable (it owns FFTW plans). A moved-from object
/// may only be destroyed or assigned to; a transform called on it throws
/// invalid_argument.
///
/// \tparam Dim     number of axes, >= 1
/// \tparam Scalar  float or double (FFTW's fftwf_* or fftw_* API)
template <int Dim, RealScalar Scalar = double>
  requires PositiveDimension<Dim>
class Fft {
 public:
  using scalar_type = Scalar;
  using complex_type = Complex<Scalar>;
  using Counts = std::array<std::ptrdiff_t, Dim>;
  static constexpr int dimension = Dim;

  /// \brief Plans the transforms of an array of the given shape.
  /// \pre every count in [1, INT_MAX] (evenness is PeriodicGrid's business,
  ///      not the FFT's); options.threads >= 1. Violations throw invalid_argument.
  explicit Fft(const Counts& counts, FftOptions options = {})
      : m_counts(counts), m_options(options) {
    detail::check_fft_options(options, "Fft");
    extents = detail::fftw_extents<Dim>(counts, "Fft", m_size);
    plans = std::make_unique<detail::plan_store<Plans>>(make_plans(0U));
  }

  /// \brief Plans the transforms of fields on `grid` (its counts()).
  explicit Fft(const PeriodicGrid<Dim, Scalar>& grid, FftOptions options = {})
      : Fft(grid.counts(), options) {}

  Fft(Fft&&) noexcept = default;
  Fft& operator=(Fft&&) noexcept = default;
  Fft(const Fft&) = delete;
  Fft& operator=(const Fft&) = delete;
  ~Fft() = default;

  /// \brief Total number of points N = Π N_a.
  [[nodiscard]] std::ptrdiff_t size() const noexcept { return m_size; }
  /// \brief Points per axis.
  [[nodiscard]] const Counts& counts() const noexcept { return m_counts; }
  /// \brief The options the plans were made with.
  [[nodiscard]] const FftOptions& options() const noexcept { return m_options; }
  /// \brief True once an unaligned caller array has made the FFTW_UNALIGNED
  /// fallback plans exist (diagnostic; see the class notes on alignment).
  [[nodiscard]] bool has_unaligned_plans() const noexcept {
    return plans != nullptr && plans->has_unaligned();
  }

  /// \brief True when the out-of-place transform in → out runs on the plans made at
  /// construction: both arrays have the alignment of the arrays they were planned on (false: it
  /// would take the FFTW_UNALIGNED fallback, planned on its first use).
  [[nodiscard]] bool runs_planned(const complex_type* in, const complex_type* out) const {
    require(plans != nullptr, "Fft: the object was moved from");
    const Plans& aligned = plans->aligned();
    return detail::fftw_alignment<Scalar>(in) == aligned.align_in &&
           detail::fftw_alignment<Scalar>(out) == aligned.align_out;
  }

  /// \brief out = forward transform of in (unnormalised, e^{−2πi j·l/N}).
  /// \pre in, out: size() entries each; in == out or no overlap.
  void forward(const complex_type* in, complex_type* out) const { execute(0, in, out); }
  /// \brief out = inverse transform of in, normalised by 1/N.
  /// \pre in, out: size() entries each; in == out or no overlap.
  void inverse(const complex_type* in, complex_type* out) const {
    execute(1, in, out);
    detail::scale_in_place(out, m_size, Scalar(1) / static_cast<Scalar>(m_size));
  }
  /// \brief In-place forward transform.
  /// \pre inout: size() entries.
  void forward(complex_type* inout) const { execute(0, inout, inout); }
  /// \brief In-place inverse transform, normalised by 1/N.
  /// \pre inout: size() entries.
  void inverse(complex_type* inout) const { inverse(inout, inout); }

  /// \brief Unnormalised inverse (FFTW_BACKWARD): N times inverse().
  ///
  /// For callers that fold the 1/N into a spectral multiplier and so save one
  /// pass over the data (SpectralDerivative does).
  /// \pre in, out: size() entries each; in == out or no overlap.
  void backward(const complex_type* in, complex_type* out) const { execute(1, in, out); }
  /// \brief In-place unnormalised inverse.
  /// \pre inout: size() entries.
  void backward(complex_type* inout) const { execute(1, inout, inout); }

  /// \brief forward() on spans (std::vector, std::array, ... convert
  /// implicitly; for an Eigen vector v pass std::span(v.data(), v.size())).
  /// \pre both sizes equal size() (else invalid_argument naming both).
  void forward(std::span<const complex_type> in, std::span<complex_type> out) const {
    check_size(in.size(), "forward", "input");
    check_size(out.size(), "forward", "output");
    forward(in.data(), out.data());
  }
  /// \brief inverse() on spans. \pre both sizes equal size().
  void inverse(std::span<const complex_type> in, std::span<complex_type> out) const {
    check_size(in.size(), "inverse", "input");
    check_size(out.size(), "inverse", "output");
    inverse(in.data(), out.data());
  }
  /// \brief In-place forward() on a span. \pre inout.size() == size().
  void forward(std::span<complex_type> inout) const {
    check_size(inout.size(), "forward", "in-place array");
    forward(inout.data());
  }
  /// \brief In-place inverse() on a span. \pre inout.size() == size().
  void inverse(std::span<complex_type> inout) const {
    check_size(inout.size(), "inverse", "in-place array");
    inverse(inout.data());
  }

 private:
  using api = detail::fftw_api<Scalar>;
  using plan_owner = detail::fftw_plan_owner<Scalar>;

  // Index 0 is FFTW_FORWARD, 1 is FFTW_BACKWARD.
  struct Plans {
    std::array<plan_owner, 2> out_of_place;
    std::array<plan_owner, 2> in_place;
    int align_in = 0;        // alignment of the out-of-place planning input
    int align_out = 0;       // ... and output
    int align_in_place = 0;  // ... and of the in-place planning array
  };

  Plans make_plans(unsigned extra_flags) const {
    const auto n = static_cast<std::size_t>(m_size);
    // The planner may write to these (FFTW_MEASURE), never to caller data.
    detail::fftw_buffer<Scalar, complex_type> a(n), b(n);
    const unsigned flags = detail::fftw_rigor_flag(m_options.rigor, "Fft") | extra_flags;
    Plans made;
    {
      const detail::fftw_planner_session<Scalar> session(m_options.threads);
      const int signs[2] = {FFTW_FORWARD, FFTW_BACKWARD};
      for (std::size_t s = 0; s < 2; ++s) {
        made.out_of_place[s] =
            plan_owner(api::plan_dft(Dim, extents.data(), a.data(), b.data(), signs[s], flags));
        made.in_place[s] =
            plan_owner(api::plan_dft(Dim, extents.data(), a.data(), a.data(), signs[s], flags));
        require<error>(made.out_of_place[s] && made.in_place[s],
                       "Fft: FFTW could not plan a transform of {} points (flags {:#x})", m_size,
                       flags);
      }
    }
    made.align_in = detail::fftw_alignment<Scalar>(a.data());
    made.align_out = detail::fftw_alignment<Scalar>(b.data());
    made.align_in_place = made.align_in;
    return made;
  }

  const Plans& unaligned_plans() const {
    return plans->unaligned([this] { return make_plans(FFTW_UNALIGNED); });
  }

  void execute(std::size_t direction, const complex_type* in, complex_type* out) const {
#ifdef WAVEKIN_FFT_TIMING
    const auto start = std::chrono::steady_clock::now();
    execute_timed(direction, in, out);
    detail::fft_wall_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  void execute_timed(std::size_t direction, const complex_type* in, complex_type* out) const {
#endif
    require(plans != nullptr, "Fft: the object was moved from");
    const Plans& aligned = plans->aligned();
    // FFTW reads `in` only: out-of-place c2c preserves its input.
    auto* source = const_cast<complex_type*>(in);
    if (in == out) {
      const bool ok = detail::fftw_alignment<Scalar>(out) == aligned.align_in_place;
      const Plans& chosen = ok ? aligned : unaligned_plans();
      api::execute_dft(chosen.in_place[direction].get(), out, out);
    } else {
      const Plans& chosen = runs_planned(in, out) ? aligned : unaligned_plans();
      api::execute_dft(chosen.out_of_place[direction].get(), source, out);
    }
  }

  void check_size(std::size_t actual, const char* method, const char* what) const {
    require(actual == static_cast<std::size_t>(m_size),
            "Fft::{}: the {} has {} entries, expected {} (the transform's size)", method, what,
            actual, m_size);
  }

  Counts m_counts;
  FftOptions m_options;
  std::array<int, Dim> extents{};
  std::ptrdiff_t m_size = 0;
  std::unique_ptr<detail::plan_store<Plans>> plans;
};

/// \brief Real-to-complex forward and complex-to-real inverse transforms of a
/// fixed N_0 × … × N_{Dim−1} real shape, built on FFTW.
///
/// The spectrum of real data is Hermitian, so only its slots l_{Dim−1} ∈
/// [0, N_{Dim−1}/2] along the last axis are stored: the complex array has shape
/// N_0 × … × N_{Dim−2} × (N_{Dim−1}/2 + 1), row-major, complex_size() entries,
/// and equals the first N_{Dim−1}/2 + 1 slots of the last axis of Fft's forward
/// transform of the same data. Sign, normalisation, thread-safety, alignment
/// fallback, planning and cost are as for Fft.
///
/// FFTW's multi-dimensional complex-to-real transform overwrites its input, and
/// FFTW cannot plan an input-preserving one. Hence `inverse` takes a non-const
/// `in_destroyed` whose contents are unspecified afterwards, and
/// `inverse_preserving` copies into a caller-supplied scratch array first (no
/// allocation per call). The complex input of either must be the spectrum of
/// real data (Hermitian); otherwise the result is unspecified.
///
/// Real and complex arrays are always distinct (there is no in-place variant);
/// they must not overlap.
///
/// \tparam Dim     number of axes, >= 1
/// \tparam Scalar  float or double
template <int Dim, RealScalar Scalar = double>
  requires PositiveDimension<Dim>
class RealFft {
 public:
  using scalar_type = Scalar;
  using complex_type = Complex<Scalar>;
  using Counts = std::array<std::ptrdiff_t, Dim>;
  static constexpr int dimension = Dim;

  /// \brief Plans the transforms of a real array of the given shape.
  /// \pre every count in [1, INT_MAX]; options.threads >= 1 (else invalid_argument).
  explicit RealFft(const Counts& counts, FftOptions options = {})
      : m_counts(counts), m_options(options) {
    detail::check_fft_options(options, "RealFft");
    extents = detail::fftw_extents<Dim>(counts, "RealFft", m_size);
    m_complex_size = m_size / counts[Dim - 1] * (counts[Dim - 1] / 2 + 1);
    plans = std::make_unique<detail::plan_store<Plans>>(make_plans(0U));
  }

  /// \brief Plans the transforms of real fields on `grid`.
  explicit RealFft(const PeriodicGrid<Dim, Scalar>& grid, FftOptions options = {})
      : RealFft(grid.counts(), options) {}

  RealFft(RealFft&&) noexcept = default;
  RealFft& operator=(RealFft&&) noexcept = default;
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;
  ~RealFft() = default;

  /// \brief Number of real points N = Π N_a.
  [[nodiscard]] std::ptrdiff_t size() const noexcept { return m_size; }
  /// \brief Number of stored complex coefficients, N / N_{Dim−1} · (N_{Dim−1}/2 + 1).
  [[nodiscard]] std::ptrdiff_t complex_size() const noexcept { return m_complex_size; }
  /// \brief Real points per axis.
  [[nodiscard]] const Counts& counts() const noexcept { return m_counts; }
  /// \brief The complex array's shape: counts() with the last entry N/2 + 1.
  [[nodiscard]] Counts complex_counts() const noexcept {
    Counts c = m_counts;
    c[Dim - 1] = c[Dim - 1] / 2 + 1;
    return c;
  }
  /// \brief The options the plans were made with.
  [[nodiscard]] const FftOptions& options() const noexcept { return m_options; }
  /// \brief True once the FFTW_UNALIGNED fallback plans exist (diagnostic).
  [[nodiscard]] bool has_unaligned_plans() const noexcept {
    return plans != nullptr && plans->has_unaligned();
  }

  /// \brief out = the non-redundant half of the forward transform of real `in`
  /// (unnormalised). `in` is not modified.
  /// \pre in: size() reals; out: complex_size() entries; no overlap.
  void forward(const Scalar* in, complex_type* out) const {
    const Plans& plans = choose(detail::fftw_alignment<Scalar>(in),
                                detail::fftw_alignment<Scalar>(out), Direction::r2c);
    // FFTW's out-of-place r2c preserves its input by default.
    api::execute_dft_r2c(plans.r2c.get(), const_cast<Scalar*>(in), out);
  }

  /// \brief out = the inverse transform, normalised by 1/N, of the Hermitian
  /// spectrum whose half is `in_destroyed`, which is OVERWRITTEN (FFTW's c2r).
  /// \pre in_destroyed: complex_size() entries; out: size() reals; no overlap.
  void inverse(complex_type* in_destroyed, Scalar* out) const {
    const Plans& plans = choose(detail::fftw_alignment<Scalar>(in_destroyed),
                                detail::fftw_alignment<Scalar>(out), Direction::c2r);
    api::execute_dft_c2r(plans.c2r.get(), in_destroyed, out);
    detail::scale_in_place(out, m_size, Scalar(1) / static_cast<Scalar>(m_size));
  }

  /// \brief As inverse(), leaving `in` intact: copies it to `scratch`, which
  /// the transform then overwrites.
  /// \pre in, scratch: complex_size() entries; out: size() reals; none overlap.
  void inverse_preserving(const complex_type* in, Scalar* out, complex_type* scratch) const {
    std::copy(in, in + m_complex_size, scratch);
    inverse(scratch, out);
  }

  /// \brief forward() on spans. \pre in.size() == size(), out.size() == complex_size().
  void forward(std::span<const Scalar> in, std::span<complex_type> out) const {
    check_size(in.size(), m_size, "forward", "real input");
    check_size(out.size(), m_complex_size, "forward", "complex output");
    forward(in.data(), out.data());
  }
  /// \brief inverse() on spans; `in_destroyed` is overwritten.
  /// \pre in_destroyed.size() == complex_size(), out.size() == size().
  void inverse(std::span<complex_type> in_destroyed, std::span<Scalar> out) const {
    check_size(in_destroyed.size(), m_complex_size, "inverse", "complex input");
    check_size(out.size(), m_size, "inverse", "real output");
    inverse(in_destroyed.data(), out.data());
  }
  /// \brief inverse_preserving() on spans.
  /// \pre in.size() == scratch.size() == complex_size(), out.size() == size().
  void inverse_preserving(std::span<const complex_type> in, std::span<Scalar> out,
                          std::span<complex_type> scratch) const {
    check_size(in.size(), m_complex_size, "inverse_preserving", "complex input");
    check_size(out.size(), m_size, "inverse_preserving", "real output");
    check_size(scratch.size(), m_complex_size, "inverse_preserving", "scratch array");
    inverse_preserving(in.data(), out.data(), scratch.data());
  }

 private:
  using api = detail::fftw_api<Scalar>;
  using plan_owner = detail::fftw_plan_owner<Scalar>;

  enum class Direction { r2c, c2r };

  struct Plans {
    plan_owner r2c;
    plan_owner c2r;
    int align_real = 0;     // alignment of the real planning array
    int align_complex = 0;  // ... and of the complex one
  };

  Plans make_plans(unsigned extra_flags) const {
    detail::fftw_buffer<Scalar, Scalar> real(static_cast<std::size_t>(m_size));
    detail::fftw_buffer<Scalar, complex_type> spectrum(static_cast<std::size_t>(m_complex_size));
    const unsigned flags = detail::fftw_rigor_flag(m_options.rigor, "RealFft") | extra_flags;
    Plans made;
    {
      const detail::fftw_planner_session<Scalar> session(m_options.threads);
      made.r2c =
          plan_owner(api::plan_dft_r2c(Dim, extents.data(), real.data(), spectrum.data(), flags));
      made.c2r =
          plan_owner(api::plan_dft_c2r(Dim, extents.data(), spectrum.data(), real.data(), flags));
      require<error>(made.r2c && made.c2r,
                     "RealFft: FFTW could not plan a transform of {} points (flags {:#x})", m_size,
                     flags);
    }
    made.align_real = detail::fftw_alignment<Scalar>(real.data());
    made.align_complex = detail::fftw_alignment<Scalar>(spectrum.data());
    return made;
  }

  const Plans& choose(int align_first, int align_second, Direction direction) const {
    require(plans != nullptr, "RealFft: the object was moved from");
    const Plans& aligned = plans->aligned();
    const bool r2c = direction == Direction::r2c;
    const int want_first = r2c ? aligned.align_real : aligned.align_complex;
    const int want_second = r2c ? aligned.align_complex : aligned.align_real;
    if (align_first == want_first && align_second == want_second) return aligned;
    return plans->unaligned([this] { return make_plans(FFTW_UNALIGNED); });
  }

  static void check_size(std::size_t actual, std::ptrdiff_t expected, const char* method,
                         const char* what) {
    require(actual == static_cast<std::size_t>(expected),
            "RealFft::{}: the {} has {} entries, expected {}", method, what, actual, expected);
  }

  Counts m_counts;
  FftOptions m_options;
  std::array<int, Dim> extents{};
  std::ptrdiff_t m_size = 0;
  std::ptrdiff_t m_complex_size = 0;
  std::unique_ptr<detail::plan_store<Plans>> plans;
};

}  // namespace wavekin
