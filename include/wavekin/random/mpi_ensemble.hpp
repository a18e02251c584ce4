// wavekin/random/mpi_ensemble.hpp — Monte Carlo ensembles over MPI ranks: rounds of disjoint
// chunks per rank, statistics bitwise equal to the single-process Ensemble's for any P.
// SPDX-License-Identifier: MIT
#pragma once

// The C API only: the deprecated C++ bindings of Open MPI and MPICH do not compile cleanly
// under -Wextra -Werror (casts between function types).
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "wavekin/core/error.hpp"
#include "wavekin/io/progress.hpp"
#include "wavekin/random/ensemble.hpp"
#include "wavekin/random/running_statistics.hpp"

namespace wavekin {

/// \brief The MPI settings of an MpiEnsemble (the run itself is described by EnsembleOptions).
struct MpiEnsembleOptions {
  /// The ranks that share the ensemble; run() is collective over it. It is duplicated for
  /// each run, so the ensemble's messages never match the caller's.
  MPI_Comm communicator = MPI_COMM_WORLD;
  /// Chunks this rank takes per round; 0: twice its thread count. May differ between ranks
  /// (e.g. nodes with more cores take more); it changes the schedule, never the result.
  std::uint64_t chunks_per_rank = 0;
};

namespace detail {

// MPI return codes matter only under MPI_ERRORS_RETURN; the default handler aborts.
inline void mpi_check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw error(fmt::format("MpiEnsemble: {} failed: {}", call,
                          std::string(text, static_cast<std::size_t>(length))));
}

// A duplicate of the caller's communicator for the length of one run.
class MpiCommunicatorCopy {
 public:
  explicit MpiCommunicatorCopy(MPI_Comm communicator) {
    mpi_check(MPI_Comm_dup(communicator, &m_communicator), "MPI_Comm_dup");
    MPI_Comm_rank(m_communicator, &m_rank);
    MPI_Comm_size(m_communicator, &m_size);
  }
  ~MpiCommunicatorCopy() { MPI_Comm_free(&m_communicator); }
  MpiCommunicatorCopy(const MpiCommunicatorCopy&) = delete;
  MpiCommunicatorCopy& operator=(const MpiCommunicatorCopy&) = delete;

  [[nodiscard]] MPI_Comm get() const noexcept { return m_communicator; }
  [[nodiscard]] int rank() const noexcept { return m_rank; }
  [[nodiscard]] int size() const noexcept { return m_size; }

 private:
  MPI_Comm m_communicator = MPI_COMM_NULL;
  int m_rank = 0;
  int m_size = 1;
};

// An exception as it crosses ranks: its wavekin category and its message.
struct MpiFailure {
  enum Kind : int { none = 0, other, invalid_argument, convergence_error, io_error };
  int kind = none;
  std::string message;

  explicit operator bool() const noexcept { return kind != none; }
  [[nodiscard]] nlohmann::json to_json() const { return {{"kind", kind}, {"message", message}}; }
  static MpiFailure from_json(const nlohmann::json& j) {
    return {j.at("kind").get<int>(), j.at("message").get<std::string>()};
  }

  static MpiFailure describe(const std::exception_ptr& exception) {
    // Messages travel in one MPI message of at most INT_MAX bytes; a few kB say enough.
    const auto cut = [](std::string text) {
      constexpr std::size_t limit = 4096;
      if (text.size() > limit) text = text.substr(0, limit) + " [message truncated]";
      return text;
    };
    try {
      std::rethrow_exception(exception);
    } catch (const wavekin::io_error& e) {
      return {io_error, cut(e.what())};
    } catch (const wavekin::invalid_argument& e) {
      return {invalid_argument, cut(e.what())};
    } catch (const wavekin::convergence_error& e) {
      return {convergence_error, cut(e.what())};
    } catch (const std::exception& e) {
      return {other, cut(e.what())};
    } catch (...) {
      return {other, "an exception not derived from std::exception"};
    }
  }

  // The same exception type and message on every rank.
  [[noreturn]] void raise() const {
    switch (kind) {
      case io_error:
        throw wavekin::io_error(message);
      case invalid_argument:
        throw wavekin::invalid_argument(message);
      case convergence_error:
        throw wavekin::convergence_error(message);
      default:
        throw wavekin::error(message);
    }
  }
};

// Rank 0's `text` on every rank.
inline void mpi_broadcast(std::string& text, const MpiCommunicatorCopy& communicator) {
  std::uint64_t length = text.size();
  mpi_check(MPI_Bcast(&length, 1, MPI_UINT64_T, 0, communicator.get()), "MPI_Bcast");
  text.resize(static_cast<std::size_t>(length));
  mpi_check(MPI_Bcast(text.data(), static_cast<int>(length), MPI_CHAR, 0, communicator.get()),
            "MPI_Bcast");
}

inline nlohmann::json mpi_broadcast(const nlohmann::json& on_rank_0,
                                    const MpiCommunicatorCopy& communicator) {
  std::string text = communicator.rank() == 0 ? on_rank_0.dump() : std::string();
  mpi_broadcast(text, communicator);
  return nlohmann::json::parse(text);
}

}  // namespace detail

/// \brief Runs `observe` on samples 0 … N−1 over the ranks of an MPI communicator (and
/// OpenMP threads inside each rank) and returns their RunningStatistics — E[ρ^ε], E[J^ε],
/// standard deviations and covariance matrices of P2 §4.2, (4.25)–(4.30) — **bitwise
/// identical** to Ensemble's with the same samples, chunk_size, seed and observables, for
/// any number of ranks and threads, on every rank.
///
/// Same interface as Ensemble: the options are EnsembleOptions, the callable is
/// `observe(sample, RandomStream&)` or `observe(sample, seed)` and returns the sample's
/// observables; run() returns an EnsembleResult. The callable must be thread-safe when a
/// rank runs more than one thread, and must not communicate with other ranks (each rank
/// calls it a different number of times).
///
/// **Schedule.** The chunks of C consecutive samples are taken in rounds: in each round,
/// rank r takes the next `chunks_per_rank` chunks after those of ranks 0 … r−1 (a
/// contiguous block; the ranks' blocks tile the round in rank order) and runs them with
/// Ensemble's own chunk loop on its threads. Then every rank sends the serialised statistics
/// of its finished chunks (raw doubles) to rank 0, in chunk order, and rank 0 merges them
/// one by one into the total in chunk order — the same sequence of IEEE operations as
/// Ensemble's ((c₀ ⊕ c₁) ⊕ c₂) ⊕ …, hence the same bits (serialisation is exact). After the
/// last round rank 0 broadcasts the total, so the result is the same on every rank.
/// Memory: each rank holds the statistics of its block; rank 0 also the total and one
/// received chunk. A round ends with a broadcast, so the slowest rank sets its pace.
///
/// **Checkpoint/restart.** Rank 0 alone reads and writes `options.checkpoint` (the other
/// ranks' path is not used; the file need only be visible to rank 0). The file is exactly
/// Ensemble's (kind `wavekin.ensemble`: the merged statistics of the finished prefix of
/// chunks, written atomically), written after a round when `checkpoint_seconds` have
/// passed and the prefix grew, after a failed round, and at the end. So a run may be
/// resumed with any number of ranks or threads, or by the single-process Ensemble, and the
/// other way round; it ends bitwise equal to an uninterrupted run. A mismatching or corrupt
/// checkpoint is an io_error on every rank.
///
/// **Errors.** No exception leaves a rank alone. After each round the ranks agree (through
/// rank 0) on the lowest failing chunk; rank 0 merges and checkpoints the finished chunks
/// before it, and every rank throws the same exception: the failing chunk's message, as a
/// wavekin::io_error, invalid_argument or convergence_error if it was one, as
/// wavekin::error otherwise (a std::runtime_error of the callable arrives as
/// wavekin::error with its message). A failed checkpoint write is an io_error on every
/// rank. At start, ranks whose samples, chunk_size, seed, observables or parameters differ
/// from rank 0's are an invalid_argument on every rank.
///
/// \pre MPI is initialised on every rank of the communicator, with MPI_THREAD_FUNNELED or
/// more if threads > 1 (only the thread that calls run() makes MPI calls); run() is called
/// on every rank.
class MpiEnsemble : private Ensemble {
 public:
  /// \brief An ensemble of `options.samples` samples of `observables` over `mpi.communicator`.
  MpiEnsemble(std::vector<ObservableSpec> observables, EnsembleOptions options,
              MpiEnsembleOptions mpi = {})
      : Ensemble(std::move(observables), std::move(options)), m_mpi(mpi) {
    int initialized = 0;
    int finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    require(initialized != 0 && finalized == 0,
            "MpiEnsemble: MPI is {}, expected an initialised MPI (MPI_Init_thread)",
            initialized == 0 ? "not initialised" : "finalised");
    require(m_mpi.communicator != MPI_COMM_NULL, "MpiEnsemble: the communicator is MPI_COMM_NULL");
#if defined(WAVEKIN_HAS_OPENMP)
    if (this->options().threads > 1) {
      int provided = MPI_THREAD_SINGLE;
      MPI_Query_thread(&provided);
      require(provided >= MPI_THREAD_FUNNELED,
              "MpiEnsemble: threads = {} needs MPI initialised with MPI_THREAD_FUNNELED or more, "
              "got thread level {}",
              this->options().threads, provided);
    }
#endif
    // The statistics of one chunk travel as one MPI message (an int count of doubles).
    std::uint64_t doubles = 1;
    for (const auto& spec : this->observables())
      doubles += 2 * spec.size + (spec.covariance ? spec.size * (spec.size + 1) / 2 : 0);
    require(doubles <= static_cast<std::uint64_t>(INT_MAX),
            "MpiEnsemble: one chunk's statistics are {} doubles, an MPI message holds at most {}",
            doubles, INT_MAX);
    m_state_size = static_cast<int>(doubles);
  }

  using Ensemble::checkpoint_parameters;
  using Ensemble::chunk_count;
  using Ensemble::observables;
  using Ensemble::options;

  /// \brief The MPI settings.
  [[nodiscard]] const MpiEnsembleOptions& mpi_options() const noexcept {
    return m_mpi;
  }
  /// \brief Chunks this rank takes per round (MpiEnsembleOptions::chunks_per_rank, or twice
  /// the thread count).
  [[nodiscard]] std::uint64_t chunks_per_rank() const noexcept {
    return m_mpi.chunks_per_rank != 0 ? m_mpi.chunks_per_rank
                                      : 2 * static_cast<std::uint64_t>(options().threads);
  }

  /// \brief Runs the remaining samples over all ranks (collective) and returns, on every
  /// rank, the statistics over all N, `samples_resumed` from the checkpoint,
  /// `samples_computed` by all ranks in this call and `checkpoints_written` by rank 0.
  template <class Observe>
  EnsembleResult run(Observe&& observe) const {
    const detail::MpiCommunicatorCopy communicator(m_mpi.communicator);
    const int rank = communicator.rank();
    const int ranks = communicator.size();
    const std::uint64_t chunks = chunk_count();
    const EnsembleOptions& o = options();

    // Rank 0 resumes; every rank learns the prefix and compares its options with rank 0's.
    EnsembleResult result;
    std::uint64_t prefix = 0;
    detail::MpiFailure failure;
    if (rank == 0) {
      try {
        result.statistics = resume(prefix);
      } catch (...) {
        failure = detail::MpiFailure::describe(std::current_exception());
      }
    }
    const auto start = detail::mpi_broadcast({{"parameters", checkpoint_parameters()},
                                              {"prefix", prefix},
                                              {"failure", failure.to_json()}},
                                             communicator);
    failure = detail::MpiFailure::from_json(start.at("failure"));
    if (failure) failure.raise();
    prefix = start.at("prefix").get<std::uint64_t>();
    const int differs = start.at("parameters") == checkpoint_parameters() ? ranks : rank;
    int first_differing = ranks;
    detail::mpi_check(
        MPI_Allreduce(&differs, &first_differing, 1, MPI_INT, MPI_MIN, communicator.get()),
        "MPI_Allreduce");
    require(first_differing == ranks,
            "MpiEnsemble: rank {} was given other samples, chunk_size, seed, observables or "
            "parameters than rank 0; they must be equal on every rank",
            first_differing);

    // Every rank's share of a round: ranks' blocks are contiguous and in rank order.
    const std::uint64_t mine = std::min(chunks_per_rank(), chunks);
    std::vector<std::uint64_t> shares(static_cast<std::size_t>(ranks));
    detail::mpi_check(
        MPI_Allgather(&mine, 1, MPI_UINT64_T, shares.data(), 1, MPI_UINT64_T, communicator.get()),
        "MPI_Allgather");
    std::vector<std::uint64_t> offsets(shares.size() + 1, 0);
    for (std::size_t r = 0; r < shares.size(); ++r) offsets[r + 1] = offsets[r] + shares[r];

    result.samples_resumed = samples_in(prefix);
    std::optional<io::ProgressReporter> progress;
    if (rank == 0)
      progress.emplace(o.samples, o.label, *o.progress_stream, o.display, result.samples_resumed);
    std::uint64_t checkpointed = prefix;
    auto last_checkpoint = std::chrono::steady_clock::now();

    for (std::uint64_t first = prefix; first < chunks;) {
      const auto block_of = [&](std::size_t r) {
        const std::uint64_t begin = std::min(chunks, first + offsets[r]);
        return std::pair{begin, std::min(chunks, begin + shares[r])};
      };
      const auto [begin, end] = block_of(static_cast<std::size_t>(rank));
      std::uint64_t failed_chunk = chunks;
      const auto block = run_block(observe, begin, end, failure, failed_chunk);

      if (rank != 0) {
        send_block(block, failed_chunk, failure, communicator);
      } else {
        // Merge the round in chunk order, stopping at the first chunk not finished.
        const std::uint64_t merged_before = prefix;
        bool contiguous = block.size() == end - begin;
        detail::MpiFailure merge_failure;
        // `chunk()` gives the next chunk's statistics; nothing may throw past rank 0 alone.
        const auto merge = [&](const auto& chunk) {
          if (merge_failure) return;
          try {
            result.statistics.merge(chunk());
            ++prefix;
          } catch (...) {
            merge_failure = detail::MpiFailure::describe(std::current_exception());
          }
        };
        for (const auto& statistics : block)
          merge([&]() -> const RunningStatistics& { return statistics; });
        std::vector<double> state(static_cast<std::size_t>(m_state_size));
        for (int r = 1; r < ranks; ++r) {
          const auto header = nlohmann::json::parse(receive_text(r, communicator));
          const auto done = header.at("done").get<std::uint64_t>();
          for (std::uint64_t k = 0; k < done; ++k) {
            detail::mpi_check(MPI_Recv(state.data(), m_state_size, MPI_DOUBLE, r, tag_statistics,
                                       communicator.get(), MPI_STATUS_IGNORE),
                              "MPI_Recv");
            if (contiguous)
              merge([&] { return RunningStatistics::deserialize(observables(), state); });
          }
          const auto [rank_begin, rank_end] = block_of(static_cast<std::size_t>(r));
          contiguous = contiguous && done == rank_end - rank_begin;
          const auto rank_failed = header.at("failed_chunk").get<std::uint64_t>();
          if (rank_failed < failed_chunk) {
            failed_chunk = rank_failed;
            failure = detail::MpiFailure::from_json(header.at("failure"));
          }
        }
        if (!failure) failure = merge_failure;
        progress->advance(samples_in(prefix) - samples_in(merged_before));

        const std::chrono::duration<double> since =
            std::chrono::steady_clock::now() - last_checkpoint;
        if (!o.checkpoint.empty() && prefix > checkpointed &&
            (failure || prefix == chunks || since.count() >= o.checkpoint_seconds)) {
          try {
            write(result.statistics, prefix);
            checkpointed = prefix;
            ++result.checkpoints_written;
            last_checkpoint = std::chrono::steady_clock::now();
          } catch (...) {
            failure = detail::MpiFailure::describe(std::current_exception());
          }
        }
      }
      failure = detail::MpiFailure::from_json(
          detail::mpi_broadcast({{"failure", failure.to_json()}}, communicator).at("failure"));
      if (failure) {
        if (progress) progress->finish();
        failure.raise();
      }
      first = std::min(chunks, first + offsets.back());
    }
    if (progress) progress->finish();

    // Rank 0's total, bitwise, on every rank.
    std::vector<double> total = rank == 0
                                    ? result.statistics.serialize()
                                    : std::vector<double>(static_cast<std::size_t>(m_state_size));
    detail::mpi_check(MPI_Bcast(total.data(), m_state_size, MPI_DOUBLE, 0, communicator.get()),
                      "MPI_Bcast");
    std::uint64_t written = result.checkpoints_written;
    detail::mpi_check(MPI_Bcast(&written, 1, MPI_UINT64_T, 0, communicator.get()), "MPI_Bcast");
    if (rank != 0) result.statistics = RunningStatistics::deserialize(observables(), total);
    result.checkpoints_written = static_cast<std::size_t>(written);
    result.samples_computed = o.samples - result.samples_resumed;
    return result;
  }

 private:
  static constexpr int tag_header = 1;
  static constexpr int tag_statistics = 2;

  // Samples in the first `prefix` chunks.
  [[nodiscard]] std::uint64_t samples_in(std::uint64_t prefix) const noexcept {
    return prefix == chunk_count() ? options().samples : prefix * options().chunk_size;
  }

  // This rank's chunks [begin, end) on its threads: the statistics of the finished prefix
  // of the block, in chunk order, and the lowest failure (chunk and exception).
  template <class Observe>
  std::vector<RunningStatistics> run_block(Observe& observe, std::uint64_t begin, std::uint64_t end,
                                           detail::MpiFailure& failure,
                                           std::uint64_t& failed_chunk) const {
    std::vector<RunningStatistics> block;
    try {
      std::vector<std::optional<RunningStatistics>> slots(end - begin);
      const auto chunk_failure = run_chunks(
          observe, begin, end, nullptr,
          [&](std::uint64_t chunk, RunningStatistics&& s) { slots[chunk - begin] = std::move(s); });
      if (chunk_failure.error) {
        failure = detail::MpiFailure::describe(chunk_failure.error);
        failed_chunk = chunk_failure.chunk;
      }
      for (auto& slot : slots) {
        if (!slot) break;
        block.push_back(std::move(*slot));
      }
    } catch (...) {  // e.g. std::bad_alloc outside the chunks
      failure = detail::MpiFailure::describe(std::current_exception());
      failed_chunk = begin;
      block.clear();
    }
    return block;
  }

  // A rank's report of a round to rank 0: a JSON header, then one message per chunk.
  void send_block(const std::vector<RunningStatistics>& block, std::uint64_t failed_chunk,
                  const detail::MpiFailure& failure,
                  const detail::MpiCommunicatorCopy& communicator) const {
    const std::string header = nlohmann::json{
        {"done", block.size()},
        {"failed_chunk", failed_chunk},
        {"failure",
         failure.to_json()}}.dump();
    detail::mpi_check(MPI_Send(header.data(), static_cast<int>(header.size()), MPI_CHAR, 0,
                               tag_header, communicator.get()),
                      "MPI_Send");
    for (const auto& statistics : block) {
      const auto state = statistics.serialize();
      detail::mpi_check(
          MPI_Send(state.data(), m_state_size, MPI_DOUBLE, 0, tag_statistics, communicator.get()),
          "MPI_Send");
    }
  }

  static std::string receive_text(int source, const detail::MpiCommunicatorCopy& communicator) {
    MPI_Status status;
    detail::mpi_check(MPI_Probe(source, tag_header, communicator.get(), &status), "MPI_Probe");
    int length = 0;
    MPI_Get_count(&status, MPI_CHAR, &length);
    std::string text(static_cast<std::size_t>(length), '\0');
    detail::mpi_check(MPI_Recv(text.data(), length, MPI_CHAR, source, tag_header,
                               communicator.get(), MPI_STATUS_IGNORE),
                      "MPI_Recv");
    return text;
  }

  MpiEnsembleOptions m_mpi;
  int m_state_size = 1;  // doubles in one chunk's serialised statistics
};

}  // namespace wavekin
