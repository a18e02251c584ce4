// Tests for wavekin/random/mpi_ensemble.hpp, run under mpirun with 1 and 2 ranks: statistics
// bitwise equal to the single-process Ensemble (1 and 2 threads per rank), checkpoint/restart
// across rank counts, errors on one rank reported on every rank without a hang.
// SPDX-License-Identifier: MIT
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <Eigen/Core>

#include "wavekin/random/mpi_ensemble.hpp"

#include "test_files.hpp"

namespace fs = std::filesystem;
using namespace wavekin;
using Catch::Matchers::Contains;
using Sample = std::vector<Eigen::VectorXd>;

namespace {

int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int world_size() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

// How often each sample ran, summed over the ranks (`runs` counts this rank's calls).
std::vector<int> runs_over_ranks(const std::vector<std::atomic<int>>& runs) {
  std::vector<int> mine(runs.begin(), runs.end());
  std::vector<int> all(runs.size());
  MPI_Allreduce(mine.data(), all.data(), static_cast<int>(mine.size()), MPI_INT, MPI_SUM,
                MPI_COMM_WORLD);
  return all;
}

const std::vector<ObservableSpec> specs{{"walk", 3, true}, {"J", 2, false}};

// A Gaussian random walk X_a = m_a + z_0 + … + z_a, z ~ N(0, I₃): E X = m and
// Cov(X_a, X_b) = min(a, b) + 1; J = (e^U, z_0 z_1) with U ~ U(0, 1).
const Eigen::Vector3d offset(1.0, -2.0, 0.5);

Sample walk_sample(RandomStream& stream) {
  Eigen::VectorXd walk(3);
  Eigen::VectorXd j(2);
  double z[3];
  double sum = 0;
  for (Eigen::Index a = 0; a < 3; ++a) {
    z[a] = stream.normal();
    sum += z[a];
    walk[a] = offset[a] + sum;
  }
  j << std::exp(stream.uniform()), z[0] * z[1];
  return {walk, j};
}

const auto walk = [](std::uint64_t, RandomStream& stream) { return walk_sample(stream); };

// N samples in chunks of C, seed 2024, no progress line.
EnsembleOptions run_options(std::uint64_t samples, std::uint64_t chunk_size) {
  EnsembleOptions options;
  options.display = wavekin::io::Display::never;
  std::tie(options.samples, options.chunk_size, options.seed) =
      std::tuple(samples, chunk_size, 2024);
  return options;
}

// memcmp on an empty array's null data() is undefined behaviour: compare sizes first.
template <class Array>
bool same_bits(const Array& x, const Array& y) {
  return x.size() == y.size() &&
         (x.size() == 0 || std::memcmp(x.data(), y.data(),
                                       static_cast<std::size_t>(x.size()) * sizeof(double)) == 0);
}

// Count, mean, variance and covariance (where kept) of every observable, bit for bit.
bool same_statistics(const RunningStatistics& a, const RunningStatistics& b) {
  if (a.count() != b.count() || a.specs() != b.specs()) return false;
  bool same = same_bits(a.serialize(), b.serialize());
  for (std::size_t k = 0; k < a.specs().size(); ++k) {
    same = same && same_bits(a.mean(k), b.mean(k));
    if (a.count() >= 2) {
      same = same && same_bits(a.variance(k), b.variance(k));
      if (a.specs()[k].covariance) same = same && same_bits(a.covariance(k), b.covariance(k));
    }
  }
  return same;
}

// The single-process reference, computed on every rank.
RunningStatistics reference(const EnsembleOptions& options) {
  auto o = options;
  o.checkpoint.clear();
  o.threads = 1;
  return Ensemble(specs, o).run(walk).statistics;
}

// Rank 0's scratch directory, the same path on every rank.
fs::path shared_path(const wavekin::test::TempDir* dir, const char* name) {
  std::string text = world_rank() == 0 ? (dir->path / name).string() : std::string();
  std::uint64_t length = text.size();
  MPI_Bcast(&length, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  text.resize(length);
  MPI_Bcast(text.data(), static_cast<int>(length), MPI_CHAR, 0, MPI_COMM_WORLD);
  return text;
}

}  // namespace

TEST_CASE("MpiEnsemble: statistics bitwise equal to Ensemble, 1 thread per rank", "[random][mpi]") {
  // 397 samples: 24 full chunks of 16 and one of 13. Ranks take blocks of different sizes
  // (3 chunks on rank 0, 1 on the others), so rounds end in partial blocks.
  auto options = run_options(397, 16);
  MpiEnsembleOptions mpi;
  mpi.chunks_per_rank = world_rank() == 0 ? 3 : 1;
  const auto expected = reference(options);

  std::vector<std::atomic<int>> runs(397);
  const auto result = MpiEnsemble(specs, options, mpi).run([&](std::uint64_t i, RandomStream& s) {
    ++runs[i];
    return walk_sample(s);
  });
  CHECK(result.statistics.count() == 397);
  CHECK(result.samples_computed == 397);
  CHECK(result.samples_resumed == 0);
  CHECK(result.checkpoints_written == 0);
  CHECK(same_statistics(result.statistics, expected));
  // Every sample ran exactly once over all ranks; with 2 ranks both ranks worked.
  const auto all = runs_over_ranks(runs);
  CHECK(std::count(all.begin(), all.end(), 1) == 397);
  if (world_size() > 1) CHECK(std::count(runs.begin(), runs.end(), 1) > 0);

  // observe(sample, seed) building the same stream gives the same bits.
  const auto by_seed =
      MpiEnsemble(specs, options).run([](std::uint64_t sample, std::uint64_t seed) {
        RandomStream stream(seed, sample, wavekin::StreamPurpose::user);
        return walk_sample(stream);
      });
  CHECK(same_statistics(by_seed.statistics, expected));

  // Another seed, other numbers (the seed reaches the samples).
  options.seed = 7;
  CHECK_FALSE(same_statistics(MpiEnsemble(specs, options).run(walk).statistics, expected));

  // The numbers themselves: each mean within 5 standard errors √((a+1)/n) of m_a; by chance
  // this fails with probability 6e-7 per entry.
  for (Eigen::Index a = 0; a < 3; ++a)
    CHECK(std::abs(result.statistics.mean(0)[a] - offset[a]) <
          5 * std::sqrt(static_cast<double>(a + 1) / 397.0));
}

TEST_CASE("MpiEnsemble: statistics bitwise equal to Ensemble, 2 threads per rank",
          "[random][mpi]") {
  auto options = run_options(400, 16);
  options.threads = 2;
  const auto expected = reference(options);
  std::mutex mutex;
  std::set<std::thread::id> workers;
  const auto result = MpiEnsemble(specs, options).run([&](std::uint64_t, RandomStream& stream) {
    {
      const std::lock_guard lock(mutex);
      workers.insert(std::this_thread::get_id());
    }
    // A little work per sample, so that the second thread gets chunks.
    std::this_thread::sleep_for(std::chrono::microseconds(50));
    return walk_sample(stream);
  });
  CHECK(same_statistics(result.statistics, expected));
#if defined(WAVEKIN_HAS_OPENMP)
  // Rounds of 4 chunks per rank (2 × threads), each ≥ 0.8 ms: both threads take some.
  CHECK(workers.size() == 2);
#else
  CHECK(workers.size() == 1);  // without OpenMP "2 threads" runs serially
#endif
}

TEST_CASE("MpiEnsemble: a run stopped by an exception resumes to the uninterrupted result",
          "[random][mpi]") {
  std::optional<wavekin::test::TempDir> dir;
  if (world_rank() == 0) dir.emplace("mpi_ensemble");
  auto options = run_options(1000, 50);  // 20 chunks; rounds of 2 chunks per rank
  options.checkpoint_seconds = 0;        // checkpoint after every round
  options.checkpoint = shared_path(dir ? &*dir : nullptr, "run.ckpt");
  const auto expected = reference(options);

  // Sample 500 (chunk 10) fails: with 1 rank in round 5, with 2 ranks on rank 1 in round 2
  // (rank 0 has chunks 8–9). Either way chunks 0–9 are done and checkpointed. The second
  // run resumes from that checkpoint and fails again.
  const auto failing = [](std::uint64_t sample, RandomStream& s) {
    if (sample == 500) throw std::runtime_error("sample 500 failed");
    return walk_sample(s);
  };
  CHECK_THROWS_AS(MpiEnsemble(specs, options).run(failing), wavekin::error);
  CHECK_THROWS_WITH(MpiEnsemble(specs, options).run(failing), "sample 500 failed");
  if (world_rank() == 0) CHECK(fs::exists(options.checkpoint));

  // Resume with 2 threads per rank: samples 500–999 run, once each, and nothing before.
  std::vector<std::atomic<int>> runs(1000);
  options.threads = 2;
  const auto resumed = MpiEnsemble(specs, options).run([&](std::uint64_t i, RandomStream& s) {
    ++runs[i];
    return walk_sample(s);
  });
  const auto all = runs_over_ranks(runs);
  CHECK(std::count(all.begin(), all.begin() + 500, 0) == 500);
  CHECK(std::count(all.begin() + 500, all.end(), 1) == 500);
  CHECK(resumed.samples_resumed == 500);
  CHECK(resumed.samples_computed == 500);
  CHECK(resumed.checkpoints_written >= 1);
  CHECK(same_statistics(resumed.statistics, expected));

  // The file is Ensemble's own: the single-process Ensemble reads the finished run.
  if (world_rank() == 0) {
    const auto single = Ensemble(specs, options).run(walk);
    CHECK(single.samples_computed == 0);
    CHECK(same_statistics(single.statistics, expected));
  }

  // And the other way round: a single-process run stopped at sample 500 on rank 0, resumed
  // by all ranks.
  options.checkpoint = shared_path(dir ? &*dir : nullptr, "single.ckpt");
  if (world_rank() == 0) {
    auto single = options;
    single.threads = 1;
    CHECK_THROWS_WITH(Ensemble(specs, single).run(failing), "sample 500 failed");
  }
  const auto from_single = MpiEnsemble(specs, options).run(walk);
  CHECK(from_single.samples_resumed == 500);
  CHECK(same_statistics(from_single.statistics, expected));

  // A checkpoint of another run is an io_error on every rank, naming the difference.
  auto other = options;
  other.samples = 2000;
  CHECK_THROWS_AS(MpiEnsemble(specs, other).run(walk), wavekin::io_error);
  CHECK_THROWS_WITH(MpiEnsemble(specs, other).run(walk),
                    Contains("/samples is 1000 in the checkpoint, 2000 in this run"));
}

TEST_CASE("MpiEnsemble: an exception on one rank is an error on every rank, no hang",
          "[random][mpi]") {
  MpiEnsembleOptions mpi;
  mpi.chunks_per_rank = 2;
  const MpiEnsemble ensemble(specs, run_options(64, 4), mpi);

  // Sample 13 is in chunk 3: with 2 ranks rank 1's (block 2–3 of the first round, while
  // rank 0 finishes chunks 0–1), with 1 rank in its second round. Every rank throws the
  // callable's message, with its type.
  const auto stalls = [](std::uint64_t sample, RandomStream& s) {
    if (sample == 13) throw wavekin::convergence_error("GMRES stalled at sample 13");
    return walk_sample(s);
  };
  CHECK_THROWS_AS(ensemble.run(stalls), wavekin::convergence_error);
  CHECK_THROWS_WITH(ensemble.run(stalls), "GMRES stalled at sample 13");

  // Two failures in one round (chunks 1 and 3, on ranks 0 and 1 with 2 ranks): the lower
  // chunk's message wins everywhere.
  CHECK_THROWS_WITH(ensemble.run([](std::uint64_t sample, RandomStream& s) {
    if (sample == 5) throw std::runtime_error("first");
    if (sample == 14) throw std::runtime_error("second");
    return walk_sample(s);
  }),
                    "first");

  // Ensemble's own check of the observables' sizes, on the last rank, as invalid_argument.
  const auto misshapen = [](std::uint64_t sample, RandomStream& s) {
    auto values = walk_sample(s);
    if (sample == 15) values[1].resize(3);
    return values;
  };
  CHECK_THROWS_AS(ensemble.run(misshapen), wavekin::invalid_argument);
  CHECK_THROWS_WITH(ensemble.run(misshapen),
                    Contains("sample 15 returned 3 entries for 'J', expected 2"));

  // After all that the ranks are still in step: a clean run matches the reference.
  CHECK(same_statistics(ensemble.run(walk).statistics, reference(run_options(64, 4))));
}

TEST_CASE("MpiEnsemble: options that differ between ranks, and bad options, are rejected",
          "[random][mpi]") {
  const auto options = run_options(64, 16);
  if (world_size() > 1) {
    auto mine = options;
    if (world_rank() == 1) mine.seed = 1;
    CHECK_THROWS_WITH(MpiEnsemble(specs, mine).run(walk),
                      Contains("rank 1 was given other samples, chunk_size, seed"));
  }
  // The thread count and chunks per rank may differ: they change the schedule only.
  auto mine = options;
  mine.threads = world_rank() == 0 ? 1 : 2;
  MpiEnsembleOptions mpi;
  mpi.chunks_per_rank = world_rank() == 0 ? 1 : 5;
  CHECK(same_statistics(MpiEnsemble(specs, mine, mpi).run(walk).statistics, reference(options)));

  MpiEnsembleOptions null;
  null.communicator = MPI_COMM_NULL;
  CHECK_THROWS_WITH(MpiEnsemble(specs, options, null), Contains("MPI_COMM_NULL"));
  CHECK_THROWS_WITH(MpiEnsemble(specs, run_options(0, 16)), Contains("samples = 0"));
  CHECK(MpiEnsemble(specs, options).chunks_per_rank() == 2);
  CHECK(MpiEnsemble(specs, run_options(33, 16)).chunk_count() == 3);
}

int main(int argc, char* argv[]) {
  // FUNNELED: the ensemble's OpenMP threads never call MPI, only the thread that runs it.
  int provided = MPI_THREAD_SINGLE;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  const int failed = Catch::Session().run(argc, argv);
  MPI_Finalize();
  return failed;
}
