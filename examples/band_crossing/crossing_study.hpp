// examples/band_crossing/crossing_study.hpp — the computations of the band_crossing driver: one
// (r, ε) run of P1 (3.16) near a cone (r = 1) or a quadratic touching (r = 2) with its
// observables and checks, and the Rabi prediction it is compared with (methods items 2–5).
// band_crossing.cpp holds the methods, the parameters, the runs' order, the fits and outputs.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <vector>

#include <Eigen/Core>

#include "wavekin/coherence/coherence.hpp"
#include "wavekin/core/core.hpp"
#include "wavekin/core/integrate.hpp"

namespace wavekin::examples::crossing {

using complex = std::complex<double>;
using Momentum = Eigen::Matrix<double, 2, 1>;

struct Settings {
  double lambda = 1.0;           // slope λ♯ of (3.21)
  double width = 1.0;            // w: σ⁰_11 = e^{−|x|²/w²}
  double box = 16.0;             // L
  std::ptrdiff_t points = 64;    // per axis (--quick: 32)
  double final_time = 4.0;       // T
  std::ptrdiff_t steps = 200;    // K (--quick: 100)
  std::vector<double> epsilons;  // 0.04 ... 0.0025 (--quick: 0.04, 0.01)
  double u_min = 0.01, u_max = 100.0;
  std::ptrdiff_t u_count = 33;        // (--quick: 17)
  double u_near = 0.1, u_far = 10.0;  // the traces' δ/ε^{1/r}, and the fit ranges' ends
};

// One (r, ε) run: per δ, the time series of P_2 and of the coherence size, and the prediction.
struct Run {
  int order = 1;
  double epsilon = 0;
  std::vector<std::vector<double>> transfer, coherence, predicted;  // [δ][time sample]
  double max_prediction_gap = 0;                                    // max |P_2 − Rabi prediction|
  double max_row_norm_drift = 0;                                    // max |P_1 + P_2 − 1|
  double max_population_drift = 0;  // max |∫σ_11 dx − ∫σ⁰_11 dx| / ∫σ⁰_11 dx
  double max_row2 = 0;              // max |σ_2l| (zero by (3.16))
};

class Study {
 public:
  Study(const Settings& s, std::vector<double> u, FftOptions fft = {})
      : m_s(s),
        m_u(std::move(u)),
        m_fft(fft),
        m_grid(PeriodicGrid<2>::Counts{s.points, s.points}, Momentum::Constant(s.box),
               Momentum::Constant(-s.box / 2)) {}

  Run run(int order, double epsilon) const {
    const double scale = std::pow(epsilon, 1.0 / order);
    MomentumQuadrature<2> quadrature;
    for (const double u : m_u) {
      quadrature.points.emplace_back(u * scale, 0.0);
      quadrature.weights.push_back(1.0);
    }
    auto bands = order == 1 ? dirac_band_data(quadrature.points, m_s.lambda)
                            : quadratic_touching_band_data(quadrature.points, m_s.lambda);
    CoherenceField<2, 2> field(m_grid, quadrature, 2);
    const double w = m_s.width;
    field.set_band_projected(
        [w](const Momentum& x) {
          Eigen::Vector2cd a(std::exp(-x.squaredNorm() / (2 * w * w)), 0.0);
          return a;
        },
        [](const Momentum&) { return 1.0; });
    CoherenceLiouville<2> liouville(m_grid, std::move(bands), epsilon, {.fft = m_fft});

    Run out;
    out.order = order;
    out.epsilon = epsilon;
    const auto np = static_cast<Eigen::Index>(m_u.size());
    const std::ptrdiff_t nx = m_grid.size();
    const double dv = m_grid.cell_volume();
    std::vector<double> norm0(m_u.size()), peak0(m_u.size());
    std::vector<complex> mass0(m_u.size());
    for (Eigen::Index q = 0; q < np; ++q) {
      const auto b = field.block(q, 0, 0);
      double n2 = 0, peak = 0;
      for (const complex v : b) n2 += std::norm(v), peak = std::max(peak, std::abs(v));
      norm0[std::size_t(q)] = n2 * dv;
      peak0[std::size_t(q)] = peak;
      mass0[std::size_t(q)] = field.x_integral(q, 0, 0);
    }
    out.transfer.assign(m_u.size(), {});
    out.coherence.assign(m_u.size(), {});
    const double dt = m_s.final_time / double(m_s.steps);
    integrate_n_steps(liouville, field, 0.0, dt, m_s.steps,
                      [&](const auto& field, double, std::int64_t) {
      for (Eigen::Index q = 0; q < np; ++q) {
        const auto i = std::size_t(q);
        double n11 = 0, n12 = 0, peak = 0, row2 = 0;
        for (std::ptrdiff_t x = 0; x < nx; ++x) {
          n11 += std::norm(field(q, 0, 0, x));
          n12 += std::norm(field(q, 0, 1, x));
          peak = std::max(peak, std::abs(field(q, 0, 1, x)));
          row2 = std::max({row2, std::abs(field(q, 1, 0, x)), std::abs(field(q, 1, 1, x))});
        }
        const double p2 = n12 * dv / norm0[i];
        out.transfer[i].push_back(p2);
        out.coherence[i].push_back(peak / peak0[i]);
        out.max_row_norm_drift =
            std::max(out.max_row_norm_drift, std::abs(n11 * dv / norm0[i] + p2 - 1));
        out.max_population_drift =
            std::max(out.max_population_drift,
                     std::abs(field.x_integral(q, 0, 0) - mass0[i]) / std::abs(mass0[i]));
        out.max_row2 = std::max(out.max_row2, row2);
      }
    });
    out.predicted = predict(order, epsilon, field.quadrature().points);
    for (std::size_t i = 0; i < m_u.size(); ++i)
      for (std::size_t k = 0; k < out.transfer[i].size(); ++k)
        out.max_prediction_gap =
            std::max(out.max_prediction_gap, std::abs(out.transfer[i][k] - out.predicted[i][k]));
    return out;
  }

  [[nodiscard]] const PeriodicGrid<2>& grid() const { return m_grid; }

 private:
  // The Rabi formula of methods item 4 on the integrator's ξ grid (Nyquist slots ξ = 0), weighted
  // by |FFT σ⁰_11|²; written from the models' H, not from BandData.
  std::vector<std::vector<double>> predict(int order, double epsilon,
                                           const std::vector<Momentum>& points) const {
    const auto xi_x = m_grid.wavenumbers(0, NyquistMode::zero);
    const auto xi_y = m_grid.wavenumbers(1, NyquistMode::zero);
    std::vector<complex> s(std::size_t(m_grid.size()));
    for (std::ptrdiff_t k = 0; k < m_grid.size(); ++k)
      s[std::size_t(k)] = std::exp(-m_grid.point(k).squaredNorm() / (m_s.width * m_s.width));
    Fft<2> fft(m_grid, m_fft);
    fft.forward(s.data());
    double total = 0;
    for (const complex v : s) total += std::norm(v);
    const double r = order;
    std::vector<std::vector<double>> out;
    for (const Momentum& p : points) {
      const double delta = p[0];
      const double rate = m_s.lambda * std::pow(delta, r - 1);  // λδ^{r−1}
      std::vector<double> series;
      for (std::ptrdiff_t step = 0; step <= m_s.steps; ++step) {
        const double t = m_s.final_time * double(step) / double(m_s.steps);
        double sum = 0;
        for (std::ptrdiff_t k = 0; k < m_grid.size(); ++k) {
          const auto index = m_grid.multi_index(k);
          const double sx = delta / epsilon - r * xi_x[std::size_t(index[0])];
          const double cy = r * xi_y[std::size_t(index[1])];
          const double omega2 = sx * sx + cy * cy;
          if (omega2 == 0) continue;
          const double rabi = std::sin(rate * t * std::sqrt(omega2));
          sum += std::norm(s[std::size_t(k)]) * cy * cy / omega2 * rabi * rabi;
        }
        series.push_back(sum / total);
      }
      out.push_back(std::move(series));
    }
    return out;
  }

  Settings m_s;
  std::vector<double> m_u;
  FftOptions m_fft;
  PeriodicGrid<2> m_grid;
};

}  // namespace wavekin::examples::crossing
