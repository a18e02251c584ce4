// Tests for wavekin/core/fft_wisdom.hpp: exported wisdom names the plans made (FFTW, asked to plan
// from wisdom only, succeeds exactly when the wisdom was imported), malformed text is rejected
// with nothing imported, and the listener sees every planning step.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <fftw3.h>

#include <complex>
#include <mutex>
#include <string>
#include <vector>

#include "wavekin/core/fft.hpp"
#include "wavekin/core/fft_wisdom.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_fft_wisdom {

using namespace wavekin;
using Catch::Matchers::Contains;

namespace {

// FFTW's planner, asked for a MEASURE plan of an n-point forward c2c transform from wisdom alone
// (FFTW_WISDOM_ONLY): a plan exists iff the wisdom holds that problem. Independent of wavekin.
bool fftw_has_measure_wisdom_for(int n) {
  const std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
  std::vector<std::complex<double>> a(static_cast<std::size_t>(n)), b(a.size());
  auto* in = reinterpret_cast<fftw_complex*>(a.data());
  auto* out = reinterpret_cast<fftw_complex*>(b.data());
  const fftw_plan plan =
      fftw_plan_dft_1d(n, in, out, FFTW_FORWARD, FFTW_MEASURE | FFTW_WISDOM_ONLY);
  if (plan == nullptr) return false;
  fftw_destroy_plan(plan);
  return true;
}

void forget_all_wisdom() {
  const std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
  fftw_forget_wisdom();
  fftwf_forget_wisdom();
}

}  // namespace

TEST_CASE("FFT wisdom exported after a MEASURE plan makes FFTW plan it again from wisdom alone",
          "[fft][wisdom]") {
  // An odd size no other test plans, so the wisdom tested is this test's own.
  constexpr int n = 1155;  // 3·5·7·11
  forget_all_wisdom();
  REQUIRE_FALSE(fftw_has_measure_wisdom_for(n));
  { const Fft<1> fft({n}, FftOptions{.rigor = FftRigor::measure}); }
  const std::string wisdom = export_fft_wisdom();
  CHECK(wisdom.rfind(std::string(fft_wisdom_format::header), 0) == 0);
  CHECK_THAT(wisdom, Contains(std::string(fft_wisdom_format::separator)));
  CHECK(fftw_has_measure_wisdom_for(n));

  forget_all_wisdom();
  REQUIRE_FALSE(fftw_has_measure_wisdom_for(n));
  import_fft_wisdom(wisdom);
  CHECK(fftw_has_measure_wisdom_for(n));
}

TEST_CASE("import_fft_wisdom rejects text that is not wisdom and imports nothing then",
          "[fft][wisdom]") {
  constexpr int n = 1155;
  forget_all_wisdom();
  { const Fft<1> fft({n}, FftOptions{.rigor = FftRigor::measure}); }
  const std::string wisdom = export_fft_wisdom();
  forget_all_wisdom();
  const std::string header(fft_wisdom_format::header);
  CHECK_THROWS_WITH(import_fft_wisdom("(fftw-3.3 fftw_wisdom)"), Contains("does not start with"));
  CHECK_THROWS_WITH(import_fft_wisdom(header + "(fftw-3.3 fftw_wisdom)"),
                    Contains("no '# float' line"));
  // A truncated double part: FFTW's parser fails, the message names the part.
  const auto split = wisdom.find(std::string(fft_wisdom_format::separator));
  const std::string truncated =
      wisdom.substr(0, split / 2) + wisdom.substr(split);  // float part intact
  CHECK_THROWS_WITH(import_fft_wisdom(truncated), Contains("double-precision part"));
  CHECK_FALSE(fftw_has_measure_wisdom_for(n));
  // Empty parts are no wisdom, not an error.
  CHECK_NOTHROW(import_fft_wisdom(header + std::string(fft_wisdom_format::separator)));
}

TEST_CASE("the FFT wisdom listener is called after every planning step with all the wisdom",
          "[fft][wisdom]") {
  forget_all_wisdom();
  std::vector<std::string> seen;
  set_fft_wisdom_listener([&](const std::string& wisdom) { seen.push_back(wisdom); });
  { const Fft<1> fft({105}, FftOptions{.rigor = FftRigor::measure}); }
  const std::size_t after_first = seen.size();
  { const RealFft<2> real({6, 10}, FftOptions{.rigor = FftRigor::measure}); }
  const std::string after_real = export_fft_wisdom();
  set_fft_wisdom_listener({});
  { const Fft<1> fft({77}); }  // no listener any more
  // One planning session per Fft and RealFft constructed while the listener was set.
  REQUIRE(after_first == 1);
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].size() > seen[0].size());  // the 2D real plans added wisdom
  CHECK(seen[1] == after_real);             // all the wisdom, as export_fft_wisdom gives it
  CHECK(export_fft_wisdom() != after_real);  // the 77-point plan was made, and not reported
}

}  // namespace wavekin_test_fft_wisdom
