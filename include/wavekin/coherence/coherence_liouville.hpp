// wavekin/coherence/coherence_liouville.hpp — the deterministic coupled Liouville system of P1
// (3.16)–(3.19): an integrator exact in t (Fourier in x, matrix exponential per row) and an
// interaction-picture RK4 check. SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include "wavekin/core/error.hpp"
#include "wavekin/core/fft.hpp"
#include "wavekin/core/periodic_grid.hpp"
#include "wavekin/coherence/band_data.hpp"
#include "wavekin/coherence/coherence_field.hpp"

namespace wavekin {

/// \brief Policy of CoherenceLiouville: the exact propagator, σ̂(t+Δt) row by row as
/// r_j exp(Δt M_j) (see CoherenceLiouville). Exact in t for every ε; the default.
struct ExactPropagator {};

/// \brief Policy of CoherenceLiouville: classic RK4 on the interaction-picture form (3.19),
/// σ̃_jl = e^{(i/ε)(E_j−E_l)t} σ_jl. Fourth order in Δt; the oscillating coefficients
/// e^{−(i/ε)(E_l−E_n)t} must be resolved, Δt·|E_l − E_n|/ε ≲ 1. A check of the exact policy.
struct InteractionPictureRk4 {};

/// \brief Options of CoherenceLiouville.
struct CoherenceLiouvilleOptions {
  /// ExactPropagator: the one-step propagators of every (ξ, p) are cached for the last Δt if
  /// they take at most this many bytes (N_x N_p n² complex values); above it they are
  /// recomputed every step (one n × n Hermitian eigendecomposition per (ξ, p)).
  std::size_t cache_limit_bytes = std::size_t(256) << 20;
  /// Planning options of the FFTs in x.
  FftOptions fft = {};
};

/// \brief Integrates P1 (3.16)/(3.17) (docs/conventions.md §10–§11):
/// \f[\partial_t\sigma + \sum_i (\partial_{x_i}\sigma)\,D_i(p) = \tfrac{i}{\varepsilon}[\sigma,
/// \mathrm{diag}\,E(p)],\qquad\text{i.e.}\ \partial_t\sigma_{jl} + \sum_{i,n}\partial_{x_i}
/// \sigma_{jn}D_{i,nl} = \tfrac{i}{\varepsilon}(E_l - E_j)\sigma_{jl},\f]
/// on a CoherenceField (periodic x, a list of p; the p points do not interact).
///
/// ExactPropagator. The FFT convention f̂_ξ = Σ_x e^{−iξ·x} f(x) (Fft::forward) turns ∂_{x_i}
/// into +iξ_i, so each row r_j = σ̂_{j·}(t, ξ, p) of the n × n matrix σ̂ obeys ∂_t r_j = r_j M_j,
/// \f$M_j = -i\sum_i \xi_i D_i + \tfrac{i}{\varepsilon}(\mathrm{diag}\,E - E_j I)\f$, a ROW vector
/// times a matrix from the right (applied to a column it would be exp(t M_jᵀ), an O(1) error).
/// M_j = i(H − (E_j/ε) I) with the Hermitian \f$H = \mathrm{diag}(E - \bar E)/\varepsilon -
/// \sum_i\xi_i D_i\f$ (Ē the mean energy, subtracted for round-off and restored in the phase), so
/// \f[\hat\sigma(t+\Delta t) = \mathrm{diag}(e^{-i\Delta t(E_j-\bar E)/\varepsilon})\;
/// \hat\sigma(t)\; V e^{i\Delta t\Lambda}V^H,\qquad H = V\Lambda V^H,\f]
/// one Hermitian eigendecomposition per (ξ, p) (Eigen's SelfAdjointEigenSolver). This is exact in
/// Δt for any ε (no stiffness from 1/ε), and the only error is the spectral truncation in x.
/// Invariants, to round-off, over any number of steps: e^{iΔtH} is unitary, so each row's L² norm
/// over x is conserved (Parseval); at ξ = 0, H is diagonal, so every ∫σ_jl dx only turns by
/// e^{iΔt(E_l−E_j)/ε}: each ∫σ_jj dx and ∫tr σ dx is conserved for every p. The Nyquist slots get
/// ξ = 0 (NyquistMode::zero, the project's rule for first-order operators). Cost per step: 2 n² N_p
/// FFTs of N_x points plus N_x N_p n³ (the n³ eigendecompositions too, unless cached).
///
/// InteractionPictureRk4. (3.19): ∂_tσ̃_jl + Σ_{i,n} ∂_{x_i}σ̃_jn e^{−(i/ε)(E_l−E_n)t} D_{i,nl} = 0,
/// i.e. per (ξ, p) \f$\partial_t\tilde S = -i\tilde S\tilde K(t)\f$, \f$\tilde K_{nl}(t) =
/// \sum_i\xi_iD_{i,nl}e^{-(i/\varepsilon)(E_l-E_n)t}\f$, integrated by classic RK4 from the step's
/// time t; σ is converted to σ̃ at t and back at t + Δt, so the field always holds σ.
///
/// OpenMP (WAVEKIN_HAS_OPENMP): the FFTs and the per-p updates run in parallel; results do not
/// depend on the thread count.
///
/// \tparam Dim     dimension of x and of p
/// \tparam Policy  ExactPropagator (default) or InteractionPictureRk4
/// \tparam Scalar  float or double
template <int Dim, class Policy = ExactPropagator, RealScalar Scalar = double>
requires PositiveDimension<Dim>
class CoherenceLiouville {
  static_assert(std::is_same_v<Policy, ExactPropagator> ||
                    std::is_same_v<Policy, InteractionPictureRk4>,
                "CoherenceLiouville: Policy must be ExactPropagator or InteractionPictureRk4");

 public:
  using Grid = PeriodicGrid<Dim, Scalar>;
  using Bands = BandData<Dim, Scalar>;
  using Field = CoherenceField<Dim, Dim, Scalar>;
  using complex_type = std::complex<Scalar>;
  using ComplexMatrix = Eigen::Matrix<complex_type, Eigen::Dynamic, Eigen::Dynamic>;
  using RealVector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

  /// \pre epsilon finite and > 0; bands non-empty (invalid_argument otherwise).
  CoherenceLiouville(const Grid& grid, Bands bands, Scalar epsilon,
                     const CoherenceLiouvilleOptions& options = {})
      : m_grid(grid),
        m_bands(std::move(bands)),
        m_epsilon(epsilon),
        m_options(options),
        m_fft(grid, options.fft) {
    require(std::isfinite(epsilon) && epsilon > 0,
            "CoherenceLiouville: epsilon = {} must be finite and > 0", epsilon);
    require(m_bands.size() >= 1, "CoherenceLiouville: the band data have no momentum points");
    for (int a = 0; a < Dim; ++a)
      m_xi[static_cast<std::size_t>(a)] = grid.wavenumbers(a, NyquistMode::zero);
  }

  [[nodiscard]] const Grid& grid() const noexcept { return m_grid; }
  [[nodiscard]] const Bands& bands() const noexcept { return m_bands; }
  [[nodiscard]] Scalar epsilon() const noexcept { return m_epsilon; }
  [[nodiscard]] const CoherenceLiouvilleOptions& options() const noexcept { return m_options; }

  /// \brief Advances `field` from t to t + dt (t matters to InteractionPictureRk4 only).
  /// \pre t finite; dt finite and > 0; field on this grid (same counts and lengths), with this
  ///      band data's n and momentum points, all values finite (invalid_argument otherwise).
  void step(Field& field, Scalar t, Scalar dt) {
    require(std::isfinite(t), "CoherenceLiouville::step: t = {} is not finite", t);
    require(std::isfinite(dt) && dt > 0, "CoherenceLiouville::step: dt = {} must be finite and > 0",
            dt);
    check_field(field);
    transport(field, t, dt);
  }

 private:
  // The composite steppers validate a field once per public call and then call transport().
  template <int>
  friend class CoherentRte;
  template <class>
  friend class GrapheneValleys;

  void transport(Field& field, Scalar t, Scalar dt) {
    transform_blocks(field, true);
    if constexpr (std::is_same_v<Policy, ExactPropagator>)
      exact_update(field, dt);
    else
      rk4_update(field, t, dt);
    transform_blocks(field, false);
  }

  void check_field(const Field& field) const {
    for (int a = 0; a < Dim; ++a)
      require(
          field.grid().count(a) == m_grid.count(a) && field.grid().length(a) == m_grid.length(a),
          "CoherenceLiouville::step: field grid axis {} has {} points on length {}, expected {} "
          "on {}",
          a, field.grid().count(a), field.grid().length(a), m_grid.count(a), m_grid.length(a));
    field.check_band_data(m_bands, "CoherenceLiouville::step");
    require_finite(field.values(), "CoherenceLiouville::step: field value");
  }

  void transform_blocks(Field& field, bool forward) const {
    const auto blocks = static_cast<std::ptrdiff_t>(field.block_count());
    complex_type* data = field.values().data();
    const std::ptrdiff_t nx = m_grid.size();
#if defined(WAVEKIN_HAS_OPENMP)
#pragma omp parallel for schedule(static)
#endif
    for (std::ptrdiff_t b = 0; b < blocks; ++b) {
      if (forward)
        m_fft.forward(data + b * nx);
      else
        m_fft.inverse(data + b * nx);
    }
  }

  // Σ_i ξ_i D_i(p_q) at flat Fourier index k.
  ComplexMatrix xi_dot_d(Eigen::Index q, std::ptrdiff_t k) const {
    const auto index = m_grid.multi_index(k);
    ComplexMatrix out = ComplexMatrix::Zero(m_bands.band_count(), m_bands.band_count());
    for (int a = 0; a < Dim; ++a) {
      const Scalar xi = m_xi[static_cast<std::size_t>(a)]
                            [static_cast<std::size_t>(index[static_cast<std::size_t>(a)])];
      if (xi != Scalar(0)) out += xi * m_bands.D(q, a);
    }
    return out;
  }

  // exp(iΔt H), H = diag(E − Ē)/ε − Σ ξ_i D_i: V e^{iΔtΛ} Vᴴ.
  ComplexMatrix propagator(Eigen::Index q, std::ptrdiff_t k, Scalar dt) const {
    const RealVector& e = m_bands.energies(q);
    ComplexMatrix h = -xi_dot_d(q, k);
    h.diagonal().array() += ((e.array() - e.mean()) / m_epsilon).template cast<complex_type>();
    const Eigen::SelfAdjointEigenSolver<ComplexMatrix> eig(h);
    const Eigen::Matrix<complex_type, Eigen::Dynamic, 1> phases =
        (complex_type(0, 1) * dt * eig.eigenvalues().template cast<complex_type>()).array().exp();
    return eig.eigenvectors() * phases.asDiagonal() * eig.eigenvectors().adjoint();
  }

  void build_cache(Scalar dt) {
    const Eigen::Index n = m_bands.band_count();
    const std::ptrdiff_t nx = m_grid.size();
    const auto np = static_cast<std::ptrdiff_t>(m_bands.size());
    const std::size_t bytes = static_cast<std::size_t>(nx * np * n * n) * sizeof(complex_type);
    m_cached = bytes <= m_options.cache_limit_bytes;
    m_cache_dt = dt;
    if (!m_cached) {
      m_cache.clear();
      return;
    }
    m_cache.resize(static_cast<std::size_t>(nx * np));
#if defined(WAVEKIN_HAS_OPENMP)
#pragma omp parallel for schedule(static)
#endif
    for (std::ptrdiff_t q = 0; q < np; ++q)
      for (std::ptrdiff_t k = 0; k < nx; ++k)
        m_cache[static_cast<std::size_t>(q * nx + k)] = propagator(q, k, dt);
  }

  // The update shared by both policies: per p (in parallel), make(q) returns the per-mode
  // update u(k, S) of the n × n matrix S = σ̂(ξ_k, p_q), gathered from and scattered back to the
  // n² Fourier blocks of that p.
  template <class MakeUpdate>
  void update_modes(Field& field, const MakeUpdate& make) const {
    const Eigen::Index n = m_bands.band_count();
    const std::ptrdiff_t nx = m_grid.size();
    const auto np = static_cast<std::ptrdiff_t>(m_bands.size());
#if defined(WAVEKIN_HAS_OPENMP)
#pragma omp parallel for schedule(static)
#endif
    for (std::ptrdiff_t q = 0; q < np; ++q) {
      const auto update = make(q);
      ComplexMatrix s(n, n);
      for (std::ptrdiff_t k = 0; k < nx; ++k) {
        gather(field, q, k, s);
        update(k, s);
        scatter(field, q, k, s);
      }
    }
  }

  void exact_update(Field& field, Scalar dt) {
    if (!(m_cache_valid && m_cache_dt == dt)) {
      build_cache(dt);
      m_cache_valid = true;
    }
    const std::ptrdiff_t nx = m_grid.size();
    update_modes(field, [&](std::ptrdiff_t q) {
      const RealVector& e = m_bands.energies(q);
      // e^{−iΔt(E_j − Ē)/ε} on row j.
      const Eigen::Matrix<complex_type, Eigen::Dynamic, 1> row_phase =
          (complex_type(0, -1) * dt *
           ((e.array() - e.mean()) / m_epsilon).template cast<complex_type>())
              .exp();
      return [this, q, nx, dt, row_phase](std::ptrdiff_t k, ComplexMatrix& s) {
        if (m_cached)
          s = row_phase.asDiagonal() * s * m_cache[static_cast<std::size_t>(q * nx + k)];
        else
          s = row_phase.asDiagonal() * s * propagator(q, k, dt);
      };
    });
  }

  void rk4_update(Field& field, Scalar t, Scalar dt) const {
    const Eigen::Index n = m_bands.band_count();
    update_modes(field, [&](std::ptrdiff_t q) {
      const RealVector& e = m_bands.energies(q);
      // picture(τ)_jl = e^{(i/ε)(E_j − E_l)τ}: σ̃ = σ ∘ picture(τ), and
      // K̃(τ)_nl = K_nl e^{−(i/ε)(E_l − E_n)τ} = K_nl picture(τ)_nl.
      const auto picture = [&](Scalar tau) {
        ComplexMatrix p(n, n);
        for (Eigen::Index j = 0; j < n; ++j)
          for (Eigen::Index l = 0; l < n; ++l)
            p(j, l) = std::exp(complex_type(0, (e[j] - e[l]) * tau / m_epsilon));
        return p;
      };
      return [this, q, dt, p0 = picture(t), p_half = picture(t + dt / 2), p1 = picture(t + dt)](
                 std::ptrdiff_t k, ComplexMatrix& s) {
        const ComplexMatrix kk = xi_dot_d(q, k);
        const ComplexMatrix k0 = kk.cwiseProduct(p0), k_half = kk.cwiseProduct(p_half),
                            k1 = kk.cwiseProduct(p1);
        const complex_type minus_i(0, -1);
        const ComplexMatrix y = s.cwiseProduct(p0);
        const ComplexMatrix f1 = minus_i * y * k0;
        const ComplexMatrix f2 = minus_i * (y + (dt / 2) * f1) * k_half;
        const ComplexMatrix f3 = minus_i * (y + (dt / 2) * f2) * k_half;
        const ComplexMatrix f4 = minus_i * (y + dt * f3) * k1;
        const ComplexMatrix y1 = y + (dt / 6) * (f1 + Scalar(2) * f2 + Scalar(2) * f3 + f4);
        s = y1.cwiseProduct(p1.conjugate());
      };
    });
  }

  static void gather(const Field& field, Eigen::Index q, std::ptrdiff_t k, ComplexMatrix& s) {
    const std::ptrdiff_t nx = field.grid().size();
    const complex_type* base = field.values().data() + q * s.rows() * s.rows() * nx + k;
    for (Eigen::Index j = 0; j < s.rows(); ++j)
      for (Eigen::Index l = 0; l < s.cols(); ++l) s(j, l) = base[(j * s.cols() + l) * nx];
  }

  static void scatter(Field& field, Eigen::Index q, std::ptrdiff_t k, const ComplexMatrix& s) {
    const std::ptrdiff_t nx = field.grid().size();
    complex_type* base = field.values().data() + q * s.rows() * s.rows() * nx + k;
    for (Eigen::Index j = 0; j < s.rows(); ++j)
      for (Eigen::Index l = 0; l < s.cols(); ++l) base[(j * s.cols() + l) * nx] = s(j, l);
  }

  Grid m_grid;
  Bands m_bands;
  Scalar m_epsilon;
  CoherenceLiouvilleOptions m_options;
  Fft<Dim, Scalar> m_fft;
  std::array<std::vector<Scalar>, Dim> m_xi;
  std::vector<ComplexMatrix> m_cache;
  Scalar m_cache_dt = 0;
  bool m_cache_valid = false;
  bool m_cached = false;
};

}  // namespace wavekin
