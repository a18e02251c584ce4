// Tests for wavekin/random/ensemble.hpp: bitwise thread-count independence, statistics of a
// known Gaussian within derived bounds, checkpoint/restart after an exception and after
// SIGKILL (bitwise equal to an uninterrupted run), mismatching checkpoints, bad input.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <Eigen/Core>

#include "wavekin/random/ensemble.hpp"

#include "random_test_support.hpp"
#include "test_files.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_ensemble {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using wavekin::Ensemble;
using wavekin::EnsembleOptions;
using wavekin::ObservableSpec;
using wavekin::RandomStream;
using wavekin::RunningStatistics;
using wavekin::test::TempDir;
using wavekin_test::same_bits;
using Sample = std::vector<Eigen::VectorXd>;

namespace {

const std::vector<ObservableSpec> specs{{"rho", 3, true}, {"J", 2, false}};

// X = μ + L z with z ~ N(0, I₃): a Gaussian with known mean μ and covariance C = L Lᵀ.
const Eigen::Vector3d mu(1.0, -2.0, 0.5);
Eigen::Matrix3d cholesky_factor() {
  Eigen::Matrix3d l;
  l << 1.0, 0.0, 0.0,  //
      0.5, 2.0, 0.0,   //
      -0.3, 0.4, 0.7;
  return l;
}

// One sample: rho = X, J = (z₀², U) with U uniform on [0, 1): E = (1, 1/2).
Sample gaussian_sample(RandomStream& stream) {
  Eigen::Vector3d z;
  for (Eigen::Index i = 0; i < 3; ++i) z[i] = stream.normal();
  const Eigen::VectorXd rho = mu + cholesky_factor() * z;
  Eigen::VectorXd j(2);
  j << z[0] * z[0], stream.uniform();
  return {rho, j};
}

EnsembleOptions base_options(std::uint64_t samples) {
  EnsembleOptions o;
  o.samples = samples;
  o.chunk_size = 16;
  o.seed = 2024;
  o.display = wavekin::io::Display::never;
  o.parameters = {{"epsilon", 0.015625}};
  return o;
}

RunningStatistics uninterrupted(const EnsembleOptions& options) {
  auto o = options;
  o.checkpoint.clear();
  o.threads = 1;
  return Ensemble(specs, o)
      .run([](std::uint64_t, RandomStream& s) { return gaussian_sample(s); })
      .statistics;
}

}  // namespace

TEST_CASE("Ensemble: statistics are bitwise identical for 1 and 2 threads", "[random][ensemble]") {
  auto options = base_options(400);
  std::mutex mutex;
  std::set<std::thread::id> workers;
  const auto observe = [&](std::uint64_t, RandomStream& stream) {
    {
      const std::lock_guard lock(mutex);
      workers.insert(std::this_thread::get_id());
    }
    // A little work per sample, so that a second thread gets chunks.
    std::this_thread::sleep_for(std::chrono::microseconds(50));
    return gaussian_sample(stream);
  };
  options.threads = 1;
  const auto one = Ensemble(specs, options).run(observe);
  CHECK(workers.size() == 1);
  workers.clear();
  options.threads = 2;
  const auto two = Ensemble(specs, options).run(observe);
#if defined(WAVEKIN_HAS_OPENMP)
  // 25 chunks of ≥ 0.8 ms each, handed out one at a time: both threads take some.
  CHECK(workers.size() == 2);
#else
  CHECK(workers.size() == 1);  // without OpenMP "2 threads" runs serially
#endif
  CHECK(one.statistics.count() == 400);
  CHECK(one.samples_computed == 400);
  CHECK(one.samples_resumed == 0);
  CHECK(same_bits(one.statistics, two.statistics));

  // observe(sample, seed) with its own stream of purpose `user` gives the same numbers.
  const auto by_seed = Ensemble(specs, options).run([](std::uint64_t sample, std::uint64_t seed) {
    RandomStream stream(seed, sample, wavekin::StreamPurpose::user);
    return gaussian_sample(stream);
  });
  CHECK(same_bits(one.statistics, by_seed.statistics));

  // Another seed gives other numbers (the seed is used at all).
  options.seed = 7;
  const auto other = Ensemble(specs, options).run(observe);
  CHECK_FALSE(same_bits(one.statistics, other.statistics));
}

TEST_CASE("Ensemble: mean, variance and covariance of a known Gaussian within 5 sigma",
          "[random][ensemble]") {
  constexpr std::uint64_t n = 20000;
  auto options = base_options(n);
  options.chunk_size = 64;
  options.threads = 2;
  std::ostringstream progress;
  options.display = wavekin::io::Display::always;
  options.progress_stream = &progress;
  const auto result = Ensemble(specs, options).run([](std::uint64_t, RandomStream& s) {
    return gaussian_sample(s);
  });
  const auto& s = result.statistics;
  REQUIRE(s.count() == n);
  const Eigen::Matrix3d l = cholesky_factor();
  const Eigen::Matrix3d c = l * l.transpose();
  const double nd = static_cast<double>(n);
  const Eigen::MatrixXd cov = s.covariance(0);
  // Bounds (fixed seed, so deterministic; 5 standard errors would be exceeded by chance
  // with probability 6e-7 per check): the mean has standard error √(C_aa/n); for Gaussian
  // data the sample covariance has variance (C_aa C_bb + C_ab²)/(n−1) (Isserlis), which
  // for a = b is the familiar 2σ⁴/(n−1).
  for (Eigen::Index a = 0; a < 3; ++a) {
    CHECK(std::abs(s.mean(0)[a] - mu[a]) < 5 * std::sqrt(c(a, a) / nd));
    for (Eigen::Index b = 0; b < 3; ++b)
      CHECK(std::abs(cov(a, b) - c(a, b)) <
            5 * std::sqrt((c(a, a) * c(b, b) + c(a, b) * c(a, b)) / (nd - 1)));
  }
  // z₀² is χ²₁: mean 1, variance 2. U(0,1): mean 1/2, variance 1/12.
  CHECK(std::abs(s.mean(1)[0] - 1.0) < 5 * std::sqrt(2.0 / nd));
  CHECK(std::abs(s.mean(1)[1] - 0.5) < 5 * std::sqrt(1.0 / 12.0 / nd));
  // Var(s²) of U(0,1) is (μ₄ − σ⁴(n−3)/(n−1))/n with μ₄ = 1/80, σ² = 1/12.
  const double var_u = (1.0 / 80.0 - (nd - 3) / (nd - 1) / 144.0) / nd;
  CHECK(std::abs(s.variance(1)[1] - 1.0 / 12.0) < 5 * std::sqrt(var_u));
  // The progress line ends with the full count.
  CHECK_THAT(progress.str(), Contains("20000/20000 (100.0 %)") && Contains("done in"));
}

TEST_CASE("Ensemble: a run stopped by an exception resumes to the uninterrupted result",
          "[random][ensemble]") {
  TempDir dir("ensemble");
  auto options = base_options(1000);
  options.checkpoint = dir.path / "run.ckpt";
  options.chunk_size = 100;
  options.checkpoint_seconds = 0;  // checkpoint whenever the finished prefix grows
  const auto reference = uninterrupted(options);

  // Sample 500 fails: chunks 0–4 (samples 0–499) are done, chunk 5 is not.
  const auto failing = [](std::uint64_t sample, RandomStream& s) {
    if (sample == 500) throw std::runtime_error("sample 500 failed");
    return gaussian_sample(s);
  };
  CHECK_THROWS_WITH(Ensemble(specs, options).run(failing), "sample 500 failed");
  REQUIRE(fs::exists(options.checkpoint));

  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> first_sample{1000};
  options.threads = 2;
  const auto resumed = Ensemble(specs, options).run([&](std::uint64_t sample, RandomStream& s) {
    ++calls;
    std::uint64_t seen = first_sample.load();
    while (sample < seen && !first_sample.compare_exchange_weak(seen, sample)) {
    }
    return gaussian_sample(s);
  });
  CHECK(first_sample == 500);  // nothing before the checkpointed prefix is recomputed
  CHECK(resumed.samples_resumed == 500);
  CHECK(resumed.samples_computed == 500);
  CHECK(calls == 500);
  CHECK(resumed.checkpoints_written >= 1);
  CHECK(same_bits(resumed.statistics, reference));

  // A finished checkpoint: nothing left to compute, same result.
  const auto again = Ensemble(specs, options).run([&](std::uint64_t, RandomStream& s) {
    ++calls;
    return gaussian_sample(s);
  });
  CHECK(calls == 500);
  CHECK(again.samples_computed == 0);
  CHECK(again.checkpoints_written == 0);
  CHECK(same_bits(again.statistics, reference));
}

TEST_CASE("Ensemble: a run killed with SIGKILL resumes to the uninterrupted result",
          "[random][ensemble]") {
  TempDir dir("ensemble_kill");
  auto options = base_options(400);
  options.chunk_size = 4;
  options.checkpoint = dir.path / "kill.ckpt";
  options.checkpoint_seconds = 0.001;
  const auto reference = uninterrupted(options);

  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child: a slow run (5 ms per sample, 2 s in all, so that even a heavily loaded
    // parent kills it well before the end) with one thread, which keeps it out of
    // OpenMP (unsafe after fork).
    int code = 3;
    try {
      Ensemble(specs, options).run([](std::uint64_t, RandomStream& s) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return gaussian_sample(s);
      });
    } catch (...) {
      code = 4;
    }
    ::_exit(code);
  }
  // The parent: wait for the first checkpoint, let a few more be written, kill.
  const auto start = std::chrono::steady_clock::now();
  bool exited = false;
  while (!fs::exists(options.checkpoint) && !exited &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(30)) {
    int status = 0;
    exited = ::waitpid(child, &status, WNOHANG) == child;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  REQUIRE_FALSE(exited);
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  REQUIRE(::kill(child, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  INFO("child status " << status << " (exit code 3: it finished before the kill)");
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);

  options.threads = 2;
  const auto resumed = Ensemble(specs, options).run([](std::uint64_t, RandomStream& s) {
    return gaussian_sample(s);
  });
  INFO("resumed after " << resumed.samples_resumed << " samples");
  // The kill came mid-run: part was taken from the checkpoint, part recomputed.
  CHECK(resumed.samples_resumed > 0);
  CHECK(resumed.samples_resumed < 400);
  CHECK(resumed.samples_resumed % 4 == 0);  // whole chunks
  CHECK(resumed.samples_resumed + resumed.samples_computed == 400);
  CHECK(same_bits(resumed.statistics, reference));
}

TEST_CASE("Ensemble: a checkpoint of another run is an error naming the difference",
          "[random][ensemble]") {
  TempDir dir("ensemble_mismatch");
  auto options = base_options(64);
  options.checkpoint = dir.path / "run.ckpt";
  const auto observe = [](std::uint64_t, RandomStream& s) { return gaussian_sample(s); };
  Ensemble(specs, options).run(observe);
  REQUIRE(fs::exists(options.checkpoint));

  auto other = options;
  other.samples = 128;
  CHECK_THROWS_WITH(Ensemble(specs, other).run(observe),
                    Contains("/samples is 64 in the checkpoint, 128 in this run"));
  other = options;
  other.chunk_size = 8;
  CHECK_THROWS_WITH(Ensemble(specs, other).run(observe), Contains("/chunk_size is 16"));
  other = options;
  other.seed = 1;
  CHECK_THROWS_WITH(Ensemble(specs, other).run(observe), Contains("/seed is 2024"));
  other = options;
  other.parameters["epsilon"] = 0.0078125;
  CHECK_THROWS_WITH(Ensemble(specs, other).run(observe),
                    Contains("/parameters/epsilon is 0.015625"));
  const std::vector<ObservableSpec> wider{{"rho", 4, true}, {"J", 2, false}};
  CHECK_THROWS_WITH(Ensemble(wider, options).run([](std::uint64_t, RandomStream&) {
    return Sample{Eigen::VectorXd::Zero(4), Eigen::VectorXd::Zero(2)};
  }),
                    Contains("/observables/0/size is 3 in the checkpoint, 4 in this run"));
  // A checkpoint whose state contradicts its statistics (2 chunks of 16 but 5 samples).
  const Ensemble ensemble(specs, options);
  wavekin::io::Checkpoint forged;
  forged.kind = "wavekin.ensemble";
  forged.parameters = ensemble.checkpoint_parameters();
  forged.state = {{"completed_chunks", 2}};
  RunningStatistics five(specs);
  for (std::uint64_t i = 0; i < 5; ++i) {
    RandomStream stream(0, i);
    five.add(gaussian_sample(stream));
  }
  forged.set_array("statistics", five.serialize());
  const auto forged_path = dir.path / "forged.ckpt";
  wavekin::io::write_checkpoint(forged_path, forged);
  auto with_forged = options;
  with_forged.checkpoint = forged_path;
  CHECK_THROWS_WITH(Ensemble(specs, with_forged).run(observe),
                    Contains("inconsistent") && Contains("2 completed chunks of 4 with 5 samples"));
  // A truncated checkpoint is an io_error, never a silent fresh start.
  const auto bytes = wavekin::test::slurp(options.checkpoint);
  {
    std::ofstream out(forged_path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  CHECK_THROWS_WITH(Ensemble(specs, with_forged).run(observe), Contains("truncated"));

  // The thread count is not a parameter of the result: a resume with 2 threads is fine.
  other = options;
  other.threads = 2;
  CHECK(Ensemble(specs, other).run(observe).samples_resumed == 64);
}

TEST_CASE("Ensemble: bad options and bad observables are rejected", "[random][ensemble]") {
  auto o = base_options(10);
  o.samples = 0;
  CHECK_THROWS_WITH(Ensemble(specs, o), Contains("samples = 0"));
  o = base_options(10);
  o.chunk_size = 0;
  CHECK_THROWS_WITH(Ensemble(specs, o), Contains("chunk_size = 0"));
  o = base_options(10);
  o.threads = 0;
  CHECK_THROWS_WITH(Ensemble(specs, o), Contains("threads = 0"));
  o = base_options(10);
  o.checkpoint_seconds = std::nan("");
  CHECK_THROWS_WITH(Ensemble(specs, o), Contains("checkpoint_seconds = nan"));
  o = base_options(10);
  CHECK_THROWS_WITH(Ensemble({{"rho", 0, false}}, o), Contains("'rho' has size 0"));
  o.threads = 2;
  CHECK_THROWS_WITH(Ensemble(specs, o).run([](std::uint64_t sample, RandomStream& s) {
    auto values = gaussian_sample(s);
    if (sample == 7) values[1].resize(3);
    return values;
  }),
                    Contains("sample 7 returned 3 entries for 'J', expected 2"));
  CHECK(Ensemble(specs, o).chunk_count() == 1);
  o.samples = 33;
  CHECK(Ensemble(specs, o).chunk_count() == 3);
}

}  // namespace wavekin_test_ensemble
