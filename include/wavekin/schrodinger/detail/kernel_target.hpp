// wavekin/schrodinger/detail/kernel_target.hpp — which instruction set the propagators' vector
// kernels (interleaved_kernels.hpp, unit_phases.hpp) run on, chosen once per process at run time.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdlib>
#include <string_view>

#include "wavekin/core/error.hpp"

// The kernels are compiled for the build's own target (the baseline: two double lanes in a
// portable x86-64 build, four with -march=native on an AVX2 machine, eight with AVX-512) and, where
// the baseline lacks AVX2 and FMA and the compiler is GCC on x86-64, once more for AVX2 + FMA
// under `#pragma GCC target` (for_each_kernel_target.inc). A portable build, such as the README's,
// then runs four-lane kernels on any machine that has them: measured on an AVX2 machine, one
// binary, Magnus's step over its FFTs at 320 points 1.83–1.85 on two lanes against 1.42–1.54 on
// four (benchmarks/RESULTS.md, twelfth session). Clang has no `#pragma GCC target` (it takes
// `#pragma clang attribute` instead), so a Clang build has the baseline only, as has a build with
// WAVEKIN_NO_KERNEL_DISPATCH defined.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    !(defined(__AVX2__) && defined(__FMA__)) && !defined(WAVEKIN_NO_KERNEL_DISPATCH)
#define WAVEKIN_KERNEL_AVX2_VARIANT 1
#else
#define WAVEKIN_KERNEL_AVX2_VARIANT 0
#endif
// The baseline's double lanes a vector, and whether it has fused multiply-adds
// (for_each_kernel_target.inc hands them to the kernel bodies as WAVEKIN_KERNEL_LANES and _FMA).
#if defined(__AVX512F__)
#define WAVEKIN_KERNEL_BASELINE_LANES 8
#elif defined(__AVX__)
#define WAVEKIN_KERNEL_BASELINE_LANES 4
#else
#define WAVEKIN_KERNEL_BASELINE_LANES 2
#endif
#if defined(__AVX512F__) || (defined(__AVX__) && defined(__FMA__))
#define WAVEKIN_KERNEL_BASELINE_FMA 1
#else
#define WAVEKIN_KERNEL_BASELINE_FMA 0
#endif
// The intrinsics of the kernels' fused multiply-adds (vfmaddsub), for whichever target has them.
#if WAVEKIN_KERNEL_AVX2_VARIANT || WAVEKIN_KERNEL_BASELINE_FMA
#include <immintrin.h>
#endif

namespace wavekin::detail {

/// The instruction sets the vector kernels are built for: the build's own (`baseline`) and, in a
/// GCC build for x86-64 without AVX2, AVX2 + FMA chosen at run time.
enum class KernelTarget { baseline, avx2 };

/// Whether the build's own target has AVX2 and FMA already (-march=native on such a machine).
inline constexpr bool baseline_has_avx2 =
#if defined(__AVX2__) && defined(__FMA__)
    true;
#else
    false;
#endif

/// Whether this process may run the separate AVX2 + FMA kernels: they were built and the CPU has
/// both.
inline bool avx2_kernels_available() noexcept {
#if WAVEKIN_KERNEL_AVX2_VARIANT
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

/// The target a process starts with: the fastest available, unless the environment variable
/// WAVEKIN_KERNELS says `baseline` (for instance to get the same bits on machines with and
/// without AVX2: the lane count sets the order in which the kernels' sums add). `auto` or unset
/// is the default; `avx2` insists on AVX2 + FMA kernels (the baseline, where it has them) and is
/// an error where there are none; any other value is an error too.
inline KernelTarget initial_kernel_target() {
  const char* requested = std::getenv("WAVEKIN_KERNELS");
  const std::string_view value = requested == nullptr ? "auto" : requested;
  if (value == "baseline") return KernelTarget::baseline;
  require(value == "auto" || value == "avx2", "WAVEKIN_KERNELS={}: expected auto, baseline or avx2",
          value);
  if (value == "avx2") {
    if (baseline_has_avx2) return KernelTarget::baseline;
    require(WAVEKIN_KERNEL_AVX2_VARIANT != 0,
            "WAVEKIN_KERNELS=avx2: this build has no AVX2 kernels (they need GCC for x86-64 and "
            "WAVEKIN_NO_KERNEL_DISPATCH undefined)");
    require(avx2_kernels_available(), "WAVEKIN_KERNELS=avx2: this CPU lacks AVX2 or FMA");
  }
  return avx2_kernels_available() ? KernelTarget::avx2 : KernelTarget::baseline;
}

inline KernelTarget& kernel_target_slot() {
  static KernelTarget target = initial_kernel_target();
  return target;
}

/// The target the kernels run on in this process.
inline KernelTarget kernel_target() {
  return kernel_target_slot();
}

/// Switches the kernels' target (tests run both on one problem). `avx2` where the baseline has
/// AVX2 already is the baseline; where no AVX2 kernels exist it is an error. Not to be called
/// while a propagator steps on another thread.
inline void use_kernel_target(KernelTarget target) {
  if (target == KernelTarget::avx2 && baseline_has_avx2) target = KernelTarget::baseline;
  require(target == KernelTarget::baseline || avx2_kernels_available(),
          "use_kernel_target: the AVX2 + FMA kernels are not available in this build or on "
          "this CPU");
  kernel_target_slot() = target;
}

}  // namespace wavekin::detail

// Defines the kernel `name` in namespace wavekin::detail::interleaved as a forwarder to the
// target's own (interleaved::baseline::name or interleaved::avx2::name), explicit template
// arguments included. The kernels are called once per chunk or per pass, so the one branch is
// nothing beside them; they are not inlined into their callers across targets.
#if WAVEKIN_KERNEL_AVX2_VARIANT
#define WAVEKIN_KERNEL_AVX2_CALL(name)                                             \
  if (::wavekin::detail::kernel_target() == ::wavekin::detail::KernelTarget::avx2) \
    return avx2::name<Parameters...>(static_cast<Arguments&&>(arguments)...);
#else
#define WAVEKIN_KERNEL_AVX2_CALL(name)
#endif
#define WAVEKIN_KERNEL_FORWARD(prefix, name)                                      \
  template <auto... Parameters, class... Arguments>                               \
  prefix inline decltype(auto) name(Arguments&&... arguments) {                   \
    WAVEKIN_KERNEL_AVX2_CALL(name)                                                \
    return baseline::name<Parameters...>(static_cast<Arguments&&>(arguments)...); \
  }
#define WAVEKIN_KERNEL_DISPATCH(name) WAVEKIN_KERNEL_FORWARD(, name)
#define WAVEKIN_KERNEL_DISPATCH_NODISCARD(name) WAVEKIN_KERNEL_FORWARD([[nodiscard]], name)
