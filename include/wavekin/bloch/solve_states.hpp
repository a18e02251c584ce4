// wavekin/bloch/solve_states.hpp — Bloch states at a list of momenta, the solves in parallel
// over the list (OpenMP), each state in the solver's own gauge.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include <Eigen/Core>

namespace wavekin {

/// \brief `solver.solve(k, n_bands)` at every k of `momenta`, in order.
///
/// The solves are the expensive part and independent across k, so they run in parallel over k
/// when OpenMP is on (WAVEKIN_HAS_OPENMP; dynamic schedule, since basis sizes vary with k).
/// BlochSolver::solve is const and keeps no state, so concurrent calls are safe, and each state
/// is the same whatever the thread count. An exception in a thread is caught and the first one
/// rethrown after the loop (it must not leave an OpenMP region). `on_solved` (may be empty) is
/// called once per finished solve, from the solving thread: a progress line must be
/// thread-safe (io::ProgressReporter is). No gauge is fixed here: see BandTable for that.
/// \tparam Solver a BlochSolver (anything with `solve(k, n_bands)` returning a state)
/// \tparam Vector the momentum type (Eigen fixed-size vector)
template <class Solver, class Vector>
auto solve_states(const Solver& solver, const std::vector<Vector>& momenta, Eigen::Index n_bands,
                  const std::function<void()>& on_solved = {}) {
  using State = decltype(solver.solve(momenta.front(), n_bands));
  const auto count = static_cast<std::ptrdiff_t>(momenta.size());
  std::vector<std::optional<State>> solved(momenta.size());
  std::exception_ptr failure;
#if defined(WAVEKIN_HAS_OPENMP)
#pragma omp parallel for schedule(dynamic)
#endif
  for (std::ptrdiff_t p = 0; p < count; ++p) {
    try {
      solved[static_cast<std::size_t>(p)].emplace(
          solver.solve(momenta[static_cast<std::size_t>(p)], n_bands));
      if (on_solved) on_solved();
    } catch (...) {
#if defined(WAVEKIN_HAS_OPENMP)
#pragma omp critical(wavekin_solve_states_failure)
#endif
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  std::vector<State> out;
  out.reserve(momenta.size());
  for (auto& state : solved) out.push_back(std::move(*state));
  return out;
}

}  // namespace wavekin
