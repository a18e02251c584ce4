// wavekin/random/ensemble.hpp — Monte Carlo ensembles: per-sample streams, threads, statistics
// bitwise independent of the thread count, progress with ETA, checkpoint and restart.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "wavekin/core/error.hpp"
#include "wavekin/io/checkpoint.hpp"
#include "wavekin/io/progress.hpp"
#include "wavekin/random/random_stream.hpp"
#include "wavekin/random/running_statistics.hpp"

namespace wavekin {

/// \brief The parameters of an Ensemble run.
struct EnsembleOptions {
  std::uint64_t samples = 0;      ///< N, the number of samples (≥ 1)
  std::uint64_t chunk_size = 16;  ///< C, consecutive samples per chunk (≥ 1); fixes the result
  std::uint64_t seed = 0;         ///< master seed of the per-sample streams
  int threads = 1;                ///< OpenMP threads (≥ 1); serial without WAVEKIN_HAS_OPENMP
  /// Checkpoint file; empty: no checkpointing. If it exists, the run resumes from it.
  std::filesystem::path checkpoint;
  double checkpoint_seconds = 300;  ///< minimum wall time between checkpoints (≥ 0)
  /// The caller's own parameters (ε, grid, …): stored in the checkpoint and compared on
  /// restart, like N, C, the seed and the observables.
  nlohmann::json parameters = nlohmann::json::object();
  std::string label = "samples";                 ///< progress line label
  io::Display display = io::Display::automatic;  ///< progress line on or off
  std::ostream* progress_stream = &std::cerr;    ///< where the progress line goes
};

/// \brief What Ensemble::run returns.
struct EnsembleResult {
  RunningStatistics statistics;        ///< over all N samples
  std::uint64_t samples_resumed = 0;   ///< taken from the checkpoint
  std::uint64_t samples_computed = 0;  ///< computed by this call
  std::size_t checkpoints_written = 0;
};

/// \brief Runs `observe` on samples 0 … N−1 and accumulates their observables in a
/// RunningStatistics (P2 §4.2: E[ρ^ε], E[J^ε], std and covariance matrices, (4.25)–(4.30)).
///
/// The callable is `observe(sample, stream)` with a `RandomStream&` (the stream
/// RandomStream(seed, sample, StreamPurpose::user), fresh for each sample), or
/// `observe(sample, seed)` with the master seed as `std::uint64_t` for callers that build
/// their own streams (e.g. KarhunenLoeve's). It returns the sample's observables as a
/// `std::vector<Eigen::VectorXd>` in the order of the specs. It is called concurrently from
/// several threads and must be thread-safe.
///
/// **Determinism.** Samples are grouped in chunks of C consecutive indices. Each chunk's
/// statistics are accumulated in index order by one thread, and the chunks are merged in
/// chunk order as the finished prefix grows, whatever thread finished them when. The
/// result is therefore the same sequence of floating-point operations for any thread
/// count: bitwise identical. It depends on C (another grouping rounds differently).
///
/// **Checkpoint/restart.** With a checkpoint path, the merged statistics of the finished
/// prefix of chunks and the prefix length are written atomically (io::write_checkpoint)
/// whenever `checkpoint_seconds` have passed since the last write and the prefix has
/// grown, and at the end. A run that finds the file resumes after the prefix; as the
/// doubles are stored raw, it ends bitwise equal to an uninterrupted run. The file holds
/// N, C, the seed, the observables and the caller's parameters; any difference is an
/// io_error naming it. Chunks finished beyond the prefix when a run dies are recomputed.
///
/// Memory: one RunningStatistics per finished-but-unmerged chunk (at most about one per
/// thread, as chunks are handed out in order).
class Ensemble {
 public:
  /// \brief An ensemble of `options.samples` samples of `observables`.
  Ensemble(std::vector<ObservableSpec> observables, EnsembleOptions options)
      : m_observables(std::move(observables)), m_options(std::move(options)) {
    require(m_options.samples >= 1, "Ensemble: samples = {}, expected >= 1", m_options.samples);
    require(m_options.chunk_size >= 1, "Ensemble: chunk_size = {}, expected >= 1",
            m_options.chunk_size);
    require(m_options.threads >= 1, "Ensemble: threads = {}, expected >= 1", m_options.threads);
    require(m_options.checkpoint_seconds >= 0 && std::isfinite(m_options.checkpoint_seconds),
            "Ensemble: checkpoint_seconds = {}, expected a finite number >= 0",
            m_options.checkpoint_seconds);
    require(m_options.progress_stream != nullptr, "Ensemble: progress_stream is null");
    require(!m_observables.empty(), "Ensemble: no observables");
    // Validates the specs (sizes, distinct names) once, here.
    static_cast<void>(RunningStatistics(m_observables));
  }

  /// \brief The options.
  [[nodiscard]] const EnsembleOptions& options() const noexcept { return m_options; }
  /// \brief The observables.
  [[nodiscard]] const std::vector<ObservableSpec>& observables() const noexcept {
    return m_observables;
  }
  /// \brief Number of chunks, ⌈N/C⌉.
  [[nodiscard]] std::uint64_t chunk_count() const noexcept {
    // Written without N + C − 1, which could overflow.
    return m_options.samples / m_options.chunk_size +
           (m_options.samples % m_options.chunk_size != 0 ? 1 : 0);
  }

  /// \brief The parameters a checkpoint of this run records and must match.
  [[nodiscard]] nlohmann::json checkpoint_parameters() const {
    nlohmann::json observables = nlohmann::json::array();
    for (const auto& spec : m_observables)
      observables.push_back(
          {{"name", spec.name}, {"size", spec.size}, {"covariance", spec.covariance}});
    return {{"samples", m_options.samples},
            {"chunk_size", m_options.chunk_size},
            {"seed", m_options.seed},
            {"observables", observables},
            {"parameters", m_options.parameters}};
  }

  /// \brief Runs the remaining samples (all of them without a checkpoint) and returns the
  /// statistics over all N. The first exception of `observe` (lowest chunk) is rethrown
  /// after the prefix finished before it has been checkpointed.
  template <class Observe>
  EnsembleResult run(Observe&& observe) const {
    EnsembleResult result;
    std::uint64_t prefix = 0;  // chunks merged into result.statistics
    result.statistics = resume(prefix);
    result.samples_resumed = result.statistics.count();
    const std::uint64_t chunks = chunk_count();

    io::ProgressReporter progress(m_options.samples, m_options.label, *m_options.progress_stream,
                                  m_options.display, result.samples_resumed);
    std::map<std::uint64_t, RunningStatistics> finished;
    std::uint64_t checkpointed = prefix;
    auto last_checkpoint = std::chrono::steady_clock::now();

    const auto save = [&] {
      write(result.statistics, prefix);
      checkpointed = prefix;
      ++result.checkpoints_written;
      last_checkpoint = std::chrono::steady_clock::now();
    };

    // Finished chunks wait in `finished` until every chunk before them is merged.
    const auto merge_in_order = [&](std::uint64_t chunk, RunningStatistics&& local) {
      finished.emplace(chunk, std::move(local));
      for (auto next = finished.find(prefix); next != finished.end();
           next = finished.find(prefix)) {
        result.statistics.merge(next->second);
        finished.erase(next);
        ++prefix;
      }
      const std::chrono::duration<double> since =
          std::chrono::steady_clock::now() - last_checkpoint;
      if (!m_options.checkpoint.empty() && prefix > checkpointed &&
          since.count() >= m_options.checkpoint_seconds)
        save();
    };
    const auto failure = run_chunks(observe, prefix, chunks, &progress, merge_in_order);
    progress.finish();

    if (!m_options.checkpoint.empty() && prefix > checkpointed) save();
    if (failure.error) std::rethrow_exception(failure.error);
    result.samples_computed = result.statistics.count() - result.samples_resumed;
    return result;
  }

 protected:
  // The building blocks of run(), shared with MpiEnsemble (random/mpi_ensemble.hpp).

  // The first failure of run_chunks: the exception of the lowest failing chunk.
  struct ChunkFailure {
    std::exception_ptr error;  // null: every chunk finished
    std::uint64_t chunk = 0;
  };

  // Runs the chunks [begin, end) on the options' threads. Each chunk's samples are
  // accumulated in index order by one thread, and its statistics are handed to
  // `finished(chunk, RunningStatistics&&)`, called under a lock (one call at a time) in
  // completion order. Chunks are handed out in increasing order; once a chunk (or its
  // `finished` call) has thrown, no chunk starts. `progress` (may be null) advances by one
  // per sample.
  template <class Observe, class Finished>
  ChunkFailure run_chunks(Observe& observe, std::uint64_t begin, std::uint64_t end,
                          io::ProgressReporter* progress, Finished&& finished) const {
    std::mutex mutex;  // guards failure and the calls of `finished`
    ChunkFailure failure{nullptr, end};

    const auto run_chunk = [&](std::uint64_t chunk) {
      {
        const std::lock_guard lock(mutex);
        if (failure.error) return;
      }
      try {
        RunningStatistics local(m_observables);
        const std::uint64_t first = chunk * m_options.chunk_size;
        const std::uint64_t last =
            first + std::min(m_options.chunk_size, m_options.samples - first);
        for (std::uint64_t sample = first; sample < last; ++sample) {
          local.add(call(observe, sample));
          if (progress != nullptr) progress->advance();
        }
        const std::lock_guard lock(mutex);
        finished(chunk, std::move(local));
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (!failure.error || chunk < failure.chunk) failure = {std::current_exception(), chunk};
      }
    };

    const auto first_chunk = static_cast<std::int64_t>(begin);
    const auto last_chunk = static_cast<std::int64_t>(end);
#if defined(WAVEKIN_HAS_OPENMP)
    // threads == 1 stays out of OpenMP altogether (no team, safe after fork()).
    if (m_options.threads > 1) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(m_options.threads)
      for (std::int64_t chunk = first_chunk; chunk < last_chunk; ++chunk)
        run_chunk(static_cast<std::uint64_t>(chunk));
    } else {
      for (std::int64_t chunk = first_chunk; chunk < last_chunk; ++chunk)
        run_chunk(static_cast<std::uint64_t>(chunk));
    }
#else
    for (std::int64_t chunk = first_chunk; chunk < last_chunk; ++chunk)
      run_chunk(static_cast<std::uint64_t>(chunk));
#endif
    return failure;
  }

  // The statistics of the checkpointed prefix (and its length), or empty statistics.
  RunningStatistics resume(std::uint64_t& prefix) const {
    prefix = 0;
    const auto& path = m_options.checkpoint;
    if (path.empty() || !std::filesystem::exists(path)) return RunningStatistics(m_observables);
    const auto checkpoint = io::read_checkpoint(path, checkpoint_kind);
    io::require_matching_parameters(path, checkpoint.parameters, checkpoint_parameters());
    try {
      prefix = checkpoint.state.at("completed_chunks").get<std::uint64_t>();
      auto statistics =
          RunningStatistics::deserialize(m_observables, checkpoint.array("statistics"));
      require(prefix <= chunk_count(), "{} completed chunks of {}", prefix, chunk_count());
      const std::uint64_t samples =
          prefix == chunk_count() ? m_options.samples : prefix * m_options.chunk_size;
      require(statistics.count() == samples, "{} completed chunks of {} with {} samples", prefix,
              chunk_count(), statistics.count());
      return statistics;
    } catch (const io_error&) {
      throw;
    } catch (const std::exception& e) {
      throw io_error(fmt::format("checkpoint '{}' is inconsistent: {}", path.string(), e.what()));
    }
  }

  // Writes the checkpoint of the merged statistics of the first `prefix` chunks.
  void write(const RunningStatistics& statistics, std::uint64_t prefix) const {
    io::Checkpoint checkpoint;
    checkpoint.kind = std::string(checkpoint_kind);
    checkpoint.parameters = checkpoint_parameters();
    checkpoint.state = {{"completed_chunks", prefix}, {"completed_samples", statistics.count()}};
    checkpoint.set_array("statistics", statistics.serialize());
    io::write_checkpoint(m_options.checkpoint, checkpoint);
  }

 private:
  // The observables of one sample, checked against the specs.
  template <class Observe>
  std::vector<Eigen::VectorXd> call(Observe& observe, std::uint64_t sample) const {
    if constexpr (std::invocable<Observe&, std::uint64_t, RandomStream&>) {
      RandomStream stream(m_options.seed, sample, StreamPurpose::user);
      return check(observe(sample, stream), sample);
    } else {
      static_assert(std::invocable<Observe&, std::uint64_t, std::uint64_t>,
                    "Ensemble::run: observe must be callable as observe(sample, RandomStream&) "
                    "or observe(sample, seed)");
      return check(observe(sample, m_options.seed), sample);
    }
  }

  std::vector<Eigen::VectorXd> check(std::vector<Eigen::VectorXd> values,
                                     std::uint64_t sample) const {
    require(values.size() == m_observables.size(),
            "Ensemble: sample {} returned {} observables, expected {}", sample, values.size(),
            m_observables.size());
    for (std::size_t k = 0; k < values.size(); ++k)
      require(static_cast<std::size_t>(values[k].size()) == m_observables[k].size,
              "Ensemble: sample {} returned {} entries for '{}', expected {}", sample,
              values[k].size(), m_observables[k].name, m_observables[k].size);
    return values;
  }

  static constexpr std::string_view checkpoint_kind = "wavekin.ensemble";

  std::vector<ObservableSpec> m_observables;
  EnsembleOptions m_options;
};

}  // namespace wavekin
