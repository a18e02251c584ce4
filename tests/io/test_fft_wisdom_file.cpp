// Tests for wavekin/io/fft_wisdom_file.hpp: a missing file is no wisdom, a saved file loads, a
// damaged one is an io_error naming it, and keep_fft_wisdom_saved has the plans on disk as soon
// as they are made.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "wavekin/core/fft.hpp"
#include "wavekin/io/fft_wisdom_file.hpp"

#include "test_files.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_fft_wisdom_file {

namespace fs = std::filesystem;
using namespace wavekin;
using Catch::Matchers::Contains;
using wavekin::test::slurp;
using wavekin::test::TempDir;
using wavekin::test::write_bytes;

TEST_CASE("load_fft_wisdom: missing file, saved file, damaged file", "[io][wisdom]") {
  const TempDir dir("fft_wisdom");
  const auto file = dir.path / "fft_wisdom.txt";
  CHECK_FALSE(io::load_fft_wisdom(file));
  { const Fft<1> fft({90}, FftOptions{.rigor = FftRigor::measure}); }
  io::save_fft_wisdom(file);
  CHECK(slurp(file) == export_fft_wisdom());
  CHECK(io::load_fft_wisdom(file));
  const std::string text = slurp(file);
  write_bytes(file, text.substr(0, text.size() / 3));  // truncated: no float part
  CHECK_THROWS_AS(io::load_fft_wisdom(file), io_error);
  CHECK_THROWS_WITH(io::load_fft_wisdom(file), Contains(file.string()));
  write_bytes(file, "not wisdom\n");
  CHECK_THROWS_WITH(io::load_fft_wisdom(file), Contains("is not FFT wisdom"));
  // A folder where the file should be is a read error, not a crash.
  fs::remove(file);
  fs::create_directory(file);
  CHECK_THROWS_AS(io::load_fft_wisdom(file), io_error);
}

TEST_CASE("keep_fft_wisdom_saved writes the wisdom after each planning step until stopped",
          "[io][wisdom]") {
  const TempDir dir("fft_wisdom_keep");
  const auto file = dir.path / "fft_wisdom.txt";
  io::keep_fft_wisdom_saved(file);
  REQUIRE_FALSE(fs::exists(file));  // nothing planned yet
  { const Fft<1> fft({126}, FftOptions{.rigor = FftRigor::measure}); }
  REQUIRE(fs::exists(file));
  CHECK(slurp(file) == export_fft_wisdom());
  { const Fft<2> fft({12, 14}, FftOptions{.rigor = FftRigor::measure}); }
  CHECK(slurp(file) == export_fft_wisdom());
  io::stop_saving_fft_wisdom();
  const std::string kept = slurp(file);
  { const Fft<1> fft({150}, FftOptions{.rigor = FftRigor::measure}); }
  CHECK(slurp(file) == kept);
  CHECK(export_fft_wisdom() != kept);
}

}  // namespace wavekin_test_fft_wisdom_file
