// wavekin/schrodinger/detail/interleaved_kernels.hpp — per-chunk vector kernels on interleaved
// complex arrays (the passes of CrankNicolsonSpectral's operator and of its GMRES, of
// MagnusSpectral's Chebyshev series and of SplitStepSpectral's phases).
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <array>
#include <complex>
#include <cstddef>
#include <cstring>
#include <limits>
#include <type_traits>

#if defined(__AVX512F__) || (defined(__AVX__) && defined(__FMA__))
#include <immintrin.h>
#endif

namespace wavekin::detail::interleaved {

// The arrays are read as their real and imaginary parts (std::complex arrays may be,
// [complex.numbers.general]): re(a)[2k] = Re a_k, re(a)[2k + 1] = Im a_k.
template <class Scalar>
inline Scalar* re(std::complex<Scalar>* a) {
  return reinterpret_cast<Scalar*>(a);
}
template <class Scalar>
inline const Scalar* re(const std::complex<Scalar>* a) {
  return reinterpret_cast<const Scalar*>(a);
}

// The vector kernels below run, in double, on GCC/Clang vector types as wide as the target's
// registers: eight lanes (four complex values) with AVX-512, four (two complex values) with AVX,
// two (one complex value) without, as in a portable x86-64 build. GCC 12 vectorises the same
// loops badly or not at all (gathers for swapped pairs, half width when inlined into the GMRES
// loop); and a vector wider than the registers is worse still: eight lanes on AVX2, or four on
// SSE2, spill the widening shuffles (ξ_a → (ξ_a, ξ_a)) and the doubled register pressure to the
// stack, which made every kernel several times slower. No function takes or returns a vector by
// value (that changes the ABI where the registers are narrower, which GCC warns about), hence
// the macros. Float runs and the tails of a chunk take the plain loops. The lane count sets only
// the order in which the reductions (dot, norm2) add: the same on every run of one build.
#if defined(__AVX512F__)
inline constexpr std::size_t lanes = 8;
#elif defined(__AVX__)
inline constexpr std::size_t lanes = 4;
#else
inline constexpr std::size_t lanes = 2;
#endif
/// Complex values per vector: the stride of every vector loop.
inline constexpr std::size_t per_vector = lanes / 2;
using Lanes = double __attribute__((vector_size(lanes * sizeof(double))));
/// One real per complex value of a Lanes (a wavenumber, a mass, a symbol): a plain double where a
/// vector holds one complex value.
using Reals = std::conditional_t<per_vector == 1, double,
                                 double __attribute__((vector_size(per_vector * sizeof(double))))>;
using LaneBits = long long __attribute__((vector_size(lanes * sizeof(long long))));
inline constexpr long long sign_bit = std::numeric_limits<long long>::min();
#define WAVEKIN_CN_LOAD(v, p) std::memcpy(&(v), (p), sizeof(v))
#define WAVEKIN_CN_STORE(p, v) std::memcpy((p), &(v), sizeof(v))
#if defined(__AVX512F__)
// (a_r, a_i) → (a_i, a_r) in every pair
#define WAVEKIN_CN_SWAP(v) __builtin_shufflevector((v), (v), 1, 0, 3, 2, 5, 4, 7, 6)
// (a_r, a_i) → (a_r, a_r), and → (a_i, a_i)
#define WAVEKIN_CN_REAL(v) __builtin_shufflevector((v), (v), 0, 0, 2, 2, 4, 4, 6, 6)
#define WAVEKIN_CN_IMAG(v) __builtin_shufflevector((v), (v), 1, 1, 3, 3, 5, 5, 7, 7)
// the reals of a Reals → each twice, one per part of a complex value
#define WAVEKIN_CN_PAIRS(q) __builtin_shufflevector((q), (q), 0, 0, 1, 1, 2, 2, 3, 3)
// the reals of a Lanes → each twice: the first half's, then the second half's
#define WAVEKIN_CN_LOW_PAIRS(q) __builtin_shufflevector((q), (q), 0, 0, 1, 1, 2, 2, 3, 3)
#define WAVEKIN_CN_HIGH_PAIRS(q) __builtin_shufflevector((q), (q), 4, 4, 5, 5, 6, 6, 7, 7)
// (−1, 1) pairs: i·(a_r, a_i) = (−a_i, a_r) = sign · swap(a).
inline constexpr Lanes sign = {-1, 1, -1, 1, -1, 1, -1, 1};
inline constexpr LaneBits real_sign_bits = {sign_bit, 0, sign_bit, 0, sign_bit, 0, sign_bit, 0};
#elif defined(__AVX__)
#define WAVEKIN_CN_SWAP(v) __builtin_shufflevector((v), (v), 1, 0, 3, 2)
#define WAVEKIN_CN_REAL(v) __builtin_shufflevector((v), (v), 0, 0, 2, 2)
#define WAVEKIN_CN_IMAG(v) __builtin_shufflevector((v), (v), 1, 1, 3, 3)
#define WAVEKIN_CN_PAIRS(q) __builtin_shufflevector((q), (q), 0, 0, 1, 1)
#define WAVEKIN_CN_LOW_PAIRS(q) __builtin_shufflevector((q), (q), 0, 0, 1, 1)
#define WAVEKIN_CN_HIGH_PAIRS(q) __builtin_shufflevector((q), (q), 2, 2, 3, 3)
inline constexpr Lanes sign = {-1, 1, -1, 1};
inline constexpr LaneBits real_sign_bits = {sign_bit, 0, sign_bit, 0};
#else
#define WAVEKIN_CN_SWAP(v) __builtin_shufflevector((v), (v), 1, 0)
#define WAVEKIN_CN_REAL(v) __builtin_shufflevector((v), (v), 0, 0)
#define WAVEKIN_CN_IMAG(v) __builtin_shufflevector((v), (v), 1, 1)
#define WAVEKIN_CN_PAIRS(q) (Lanes{(q), (q)})
#define WAVEKIN_CN_LOW_PAIRS(q) __builtin_shufflevector((q), (q), 0, 0)
#define WAVEKIN_CN_HIGH_PAIRS(q) __builtin_shufflevector((q), (q), 1, 1)
inline constexpr Lanes sign = {-1, 1};
inline constexpr LaneBits real_sign_bits = {sign_bit, 0};
#endif
// The same sign change as `sign` but as a bit flip, v · sign exactly: an XOR, which runs beside
// the multiplications instead of taking their ports (the passes are bound by those).
#define WAVEKIN_CN_NEGATE_REAL(v) ((Lanes)((LaneBits)(v) ^ real_sign_bits))
// The complex products the kernels share, on the complex values v of one vector: i·v; i·q·v for
// reals q (a Reals); (r + i·s)·v for reals r, s; and t·v for interleaved complex t.
#define WAVEKIN_CN_TIMES_I(v) WAVEKIN_CN_NEGATE_REAL(WAVEKIN_CN_SWAP(v))
#define WAVEKIN_CN_TIMES_I_REAL(q, v) \
  WAVEKIN_CN_NEGATE_REAL(WAVEKIN_CN_PAIRS(q) * WAVEKIN_CN_SWAP(v))
// The two with a sum, (r v_r − s v_i, r v_i + s v_r), are one fused multiply-add of alternating
// sign where the target has it (vfmaddsub: FMA3 or AVX-512), one XOR less than the sign change,
// with the same rounding (one product rounded, then a fused multiply-add): measured on AVX2, a
// complex multiplication pass on L1-resident arrays of 320 values 1.2× faster.
#if defined(__AVX512F__)
#define WAVEKIN_CN_FMADDSUB(a, b, c) _mm512_fmaddsub_pd((a), (b), (c))
#elif defined(__AVX__) && defined(__FMA__)
#define WAVEKIN_CN_FMADDSUB(a, b, c) _mm256_fmaddsub_pd((a), (b), (c))
#endif
#ifdef WAVEKIN_CN_FMADDSUB
#define WAVEKIN_CN_TIMES_PARTS(r, s, v) \
  WAVEKIN_CN_FMADDSUB(WAVEKIN_CN_PAIRS(r), (v), WAVEKIN_CN_PAIRS(s) * WAVEKIN_CN_SWAP(v))
#define WAVEKIN_CN_TIMES(t, v) \
  WAVEKIN_CN_FMADDSUB(WAVEKIN_CN_REAL(t), (v), WAVEKIN_CN_IMAG(t) * WAVEKIN_CN_SWAP(v))
#else
#define WAVEKIN_CN_TIMES_PARTS(r, s, v) \
  (WAVEKIN_CN_PAIRS(r) * (v) + WAVEKIN_CN_NEGATE_REAL(WAVEKIN_CN_PAIRS(s) * WAVEKIN_CN_SWAP(v)))
#define WAVEKIN_CN_TIMES(t, v) \
  (WAVEKIN_CN_REAL(t) * (v) + WAVEKIN_CN_NEGATE_REAL(WAVEKIN_CN_IMAG(t) * WAVEKIN_CN_SWAP(v)))
#endif

// A vector loop that also sums: body(k, s) for k = begin, begin + step, … while k + step <= end,
// adding into two partial sums s in turn, whose lanes it adds to `total`; returns the first k not
// done (the caller's scalar tail starts there). With one partial sum every vector's addition waits
// for the previous one (the adder's latency, 3–4 cycles), which bounded the passes that read only
// two or three arrays (measured on AVX2: SplitStepSpectral's first phase pass took twice as long
// as its last, which differs only in the sum).
template <std::size_t Step, class Body>
[[gnu::always_inline]] inline std::size_t summing_vector_loop(std::size_t begin, std::size_t end,
                                                              double& total, Body&& body) {
  Lanes s0{}, s1{};
  std::size_t k = begin;
  for (; k + 2 * Step <= end; k += 2 * Step) {
    body(k, s0);
    body(k + Step, s1);
  }
  if (k + Step <= end) {
    body(k, s0);
    k += Step;
  }
  const Lanes s = s0 + s1;
  for (std::size_t l = 0; l < lanes; ++l) total += s[l];
  return k;
}

// The inverse of the Crank–Nicolson preconditioner's symbol, 1/(1 + iθ) = (1 − iθ)/(1 + θ²),
// θ = kinetic·|ξ|² + shift: the one formula of CrankNicolsonSpectral's P̂^{-1} table and of the
// scalar tails below (their vector loops compute the same, a vector at a time).
template <class Scalar>
inline std::complex<Scalar> inverse_preconditioner(Scalar kinetic, Scalar xi_squared,
                                                   Scalar shift) {
  const Scalar theta = kinetic * xi_squared + shift;
  const Scalar inv = Scalar(1) / (1 + theta * theta);
  return {inv, -theta * inv};
}

// The kernels of the operator's passes (CrankNicolsonSpectral::apply) on one chunk [k0, k1) of
// complex indices, through __restrict__ pointers to the parts.
// y = w/(1 + iθ) = w (1 − iθ)/(1 + θ²) with θ = kinetic Σ_a ξ_a² + shift: the inverse of the
// Crank–Nicolson preconditioner, made from the wavenumber tables on the fly (no stored P̂^{-1}:
// one array read less per pass). xi[a] are the Dim tables.
template <int Dim, class Scalar>
inline void precondition_kernel(std::size_t k0, std::size_t k1,
                                const std::array<const Scalar*, Dim>& xi, Scalar kinetic,
                                Scalar shift, const Scalar* __restrict__ w,
                                Scalar* __restrict__ y) {
  std::size_t k = k0;
  if constexpr (std::is_same_v<Scalar, double>) {
    for (; k + per_vector <= k1; k += per_vector) {
      Reals squared{};
      for (int a = 0; a < Dim; ++a) {
        Reals xq;
        WAVEKIN_CN_LOAD(xq, xi[static_cast<std::size_t>(a)] + k);
        squared += xq * xq;
      }
      const Reals theta = kinetic * squared + shift;
      const Reals inv = 1 / (1 + theta * theta);
      const Reals minus_theta_inv = -theta * inv;
      Lanes wv;
      WAVEKIN_CN_LOAD(wv, w + 2 * k);
      const Lanes yv = WAVEKIN_CN_TIMES_PARTS(inv, minus_theta_inv, wv);
      WAVEKIN_CN_STORE(y + 2 * k, yv);
    }
  }
  for (; k < k1; ++k) {
    Scalar squared = 0;
    for (int a = 0; a < Dim; ++a)
      squared += xi[static_cast<std::size_t>(a)][k] * xi[static_cast<std::size_t>(a)][k];
    const auto p = inverse_preconditioner(kinetic, squared, shift);
    const Scalar pr = p.real(), pi = p.imag();
    y[2 * k] = pr * w[2 * k] - pi * w[2 * k + 1];
    y[2 * k + 1] = pr * w[2 * k + 1] + pi * w[2 * k];
  }
}
// z = i ξ y (ξ given) or y.
template <class Scalar>
inline void input_kernel(std::size_t k0, std::size_t k1, const Scalar* __restrict__ y,
                         Scalar* __restrict__ z, const Scalar* __restrict__ xi) {
  if (xi == nullptr) {
    std::copy(y + 2 * k0, y + 2 * k1, z + 2 * k0);
    return;
  }
  std::size_t k = k0;
  if constexpr (std::is_same_v<Scalar, double>) {
    for (; k + per_vector <= k1; k += per_vector) {
      Lanes yv;
      Reals xq;
      WAVEKIN_CN_LOAD(yv, y + 2 * k);
      WAVEKIN_CN_LOAD(xq, xi + k);
      const Lanes zv = WAVEKIN_CN_TIMES_I_REAL(xq, yv);
      WAVEKIN_CN_STORE(z + 2 * k, zv);
    }
  }
  for (; k < k1; ++k) {
    const Scalar yr = y[2 * k], yi = y[2 * k + 1];
    z[2 * k] = -xi[k] * yi;
    z[2 * k + 1] = xi[k] * yr;
  }
}
// z *= s·(m − shift) (real m, s, shift): CrankNicolsonSpectral's c(m − m̄)/N and d(V − V̄)/N
// made from the sampled values as the multiplication reads them (no array of deviations and no
// pass to make one), MagnusSpectral's scaled mass and potential (shift 0).
template <class Scalar>
inline void multiply_kernel(std::size_t n, Scalar* __restrict__ z, const Scalar* __restrict__ m,
                            Scalar s = Scalar(1), Scalar shift = Scalar(0)) {
  std::size_t k = 0;
  if constexpr (std::is_same_v<Scalar, double>) {
    // Two vectors of z a turn, their reals read as one vector and spread by two shuffles: a
    // load, a subtraction and a multiplication fewer per two vectors (the pass over 320 values
    // from L1 on AVX2: 0.09–0.10 µs against 0.12).
    for (; k + 2 * per_vector <= n; k += 2 * per_vector) {
      Lanes low, high, mq;
      WAVEKIN_CN_LOAD(low, z + 2 * k);
      WAVEKIN_CN_LOAD(high, z + 2 * k + lanes);
      WAVEKIN_CN_LOAD(mq, m + k);
      mq = s * (mq - shift);
      low *= WAVEKIN_CN_LOW_PAIRS(mq);
      high *= WAVEKIN_CN_HIGH_PAIRS(mq);
      WAVEKIN_CN_STORE(z + 2 * k, low);
      WAVEKIN_CN_STORE(z + 2 * k + lanes, high);
    }
  }
  for (; k < n; ++k) {
    const Scalar f = s * (m[k] - shift);
    z[2 * k] *= f;
    z[2 * k + 1] *= f;
  }
}
// out (+)= term: ξ z (ξ given) or i z; `first`: out = term (out's old values are not read).
template <class Scalar>
inline void add_term(std::size_t k0, std::size_t k1, const Scalar* __restrict__ z,
                     Scalar* __restrict__ out, const Scalar* __restrict__ xi, bool first) {
  std::size_t k = k0;
  if constexpr (std::is_same_v<Scalar, double>) {
    for (; k + per_vector <= k1; k += per_vector) {
      Lanes zv, ov = {};
      WAVEKIN_CN_LOAD(zv, z + 2 * k);
      if (!first) WAVEKIN_CN_LOAD(ov, out + 2 * k);
      if (xi != nullptr) {
        Reals xq;
        WAVEKIN_CN_LOAD(xq, xi + k);
        ov += WAVEKIN_CN_PAIRS(xq) * zv;
      } else {
        ov += WAVEKIN_CN_TIMES_I(zv);
      }
      WAVEKIN_CN_STORE(out + 2 * k, ov);
    }
  }
  for (; k < k1; ++k) {
    const Scalar old_re = first ? Scalar(0) : out[2 * k],
                 old_im = first ? Scalar(0) : out[2 * k + 1];
    if (xi != nullptr) {
      out[2 * k] = old_re + xi[k] * z[2 * k];
      out[2 * k + 1] = old_im + xi[k] * z[2 * k + 1];
    } else {
      out[2 * k] = old_re - z[2 * k + 1];
      out[2 * k + 1] = old_im + z[2 * k];
    }
  }
}

// Inner products of GMRES over one chunk [k0, k1), accumulated in double (a float run keeps
// them to float round-off instead of N·ε_float), on the interleaved parts: with a = (a_r, a_i)
// pairs, Re conj(a)·b = Σ_i a[i] b[i] over all parts, and Im conj(a)·b = Σ_k a_r b_i − a_i b_r
// = Σ_i a[i] b[i ^ 1] over even i minus that over odd i; two accumulators of each sum per 2·lanes
// parts, and the lane sums added in a fixed order, so results are reproducible.
template <class Scalar>
[[nodiscard]] inline std::complex<double> dot(std::size_t k0, std::size_t k1,
                                              const std::complex<Scalar>* a_,
                                              const std::complex<Scalar>* b_) {
  const Scalar* a = re(a_);
  const Scalar* b = re(b_);
  double re_sum = 0, im_sum = 0;
  std::size_t i = 2 * k0;
  if constexpr (std::is_same_v<Scalar, double>) {
    Lanes r0{}, r1{}, c0{}, c1{};
    for (; i + 2 * lanes <= 2 * k1; i += 2 * lanes) {
      Lanes a0, a1, b0, b1;
      WAVEKIN_CN_LOAD(a0, a + i);
      WAVEKIN_CN_LOAD(a1, a + i + lanes);
      WAVEKIN_CN_LOAD(b0, b + i);
      WAVEKIN_CN_LOAD(b1, b + i + lanes);
      r0 += a0 * b0;
      r1 += a1 * b1;
      c0 += a0 * WAVEKIN_CN_SWAP(b0);
      c1 += a1 * WAVEKIN_CN_SWAP(b1);
    }
    const Lanes r = r0 + r1, c = c0 + c1;
    for (std::size_t l = 0; l < lanes; l += 2) {
      re_sum += r[l] + r[l + 1];
      im_sum += c[l] - c[l + 1];
    }
  }
  for (; i < 2 * k1; i += 2) {
    re_sum += double(a[i]) * double(b[i]) + double(a[i + 1]) * double(b[i + 1]);
    im_sum += double(a[i]) * double(b[i + 1]) - double(a[i + 1]) * double(b[i]);
  }
  return {re_sum, im_sum};
}
template <class Scalar>
[[nodiscard]] inline double norm2(std::size_t k0, std::size_t k1, const std::complex<Scalar>* a_) {
  const Scalar* a = re(a_);
  double total = 0;
  std::size_t i = 2 * k0;
  if constexpr (std::is_same_v<Scalar, double>) {
    i = summing_vector_loop<lanes>(i, 2 * k1, total, [&](std::size_t j, Lanes& s) {
      Lanes v;
      WAVEKIN_CN_LOAD(v, a + j);
      s += v * v;
    });
  }
  for (; i < 2 * k1; ++i) total += double(a[i]) * double(a[i]);
  return total;
}
// y += α x over the chunk
template <class Scalar>
inline void axpy(std::size_t k0, std::size_t k1, std::complex<Scalar> alpha,
                 const std::complex<Scalar>* x_, std::complex<Scalar>* y_) {
  const Scalar* x = re(x_);
  Scalar* y = re(y_);
  const Scalar ar = alpha.real(), ai = alpha.imag();
  std::size_t k = k0;
  if constexpr (std::is_same_v<Scalar, double>) {
    // y_r += a_r x_r − a_i x_i, y_i += a_r x_i + a_i x_r: y += a_r x + (a_i · (−1, 1, …)) swap(x).
    const Lanes imag = ai * sign;
    for (; k + per_vector <= k1; k += per_vector) {
      Lanes xv, yv;
      WAVEKIN_CN_LOAD(xv, x + 2 * k);
      WAVEKIN_CN_LOAD(yv, y + 2 * k);
      yv += ar * xv + imag * WAVEKIN_CN_SWAP(xv);
      WAVEKIN_CN_STORE(y + 2 * k, yv);
    }
  }
  for (; k < k1; ++k) {
    const Scalar xr = x[2 * k], xi = x[2 * k + 1];
    y[2 * k] += ar * xr - ai * xi;
    y[2 * k + 1] += ar * xi + ai * xr;
  }
}
// r = b − w − r over the chunk (r = N w on entry: the residual b − K w)
template <class Scalar>
inline void residual_kernel(std::size_t k0, std::size_t k1, const Scalar* __restrict__ b,
                            const Scalar* __restrict__ w, Scalar* __restrict__ r) {
  for (std::size_t k = 2 * k0; k < 2 * k1; ++k) r[k] = b[k] - w[k] - r[k];
}
// One fixed-point iteration of CrankNicolsonSpectral after its FFT pairs, in one pass: `work`
// holds F[c (m − m̄)/N · F⁻¹[z_a]] for each axis a (Kinetic) and `potential_work`
// F[d (V − V̄)/N · F⁻¹[z_V]] (Potential), and per point
//   x = N w = Σ_a ξ_a work_a + i potential_work,
//   next = b − x (the next iterate), adding |next − w|² to the returned sum (w's residual
//     b − K w, K = I + N),
//   y = P̂^{-1} next, from `inverse_symbol` (interleaved) or, when that is null, made from the ξ
//     tables as 1/(1 + iθ), θ = kinetic Σ_a ξ_a² + shift,
//   work_a = i ξ_a y and potential_work = y: the next iteration's FFT inputs.
// Nothing aliases. The operations are those of the chunked passes GMRES takes (add_term,
// precondition_kernel or complex_multiply, input_kernel), in the same order.
template <int Dim, class Scalar>
struct FixedPointPass {
  const Scalar* b;
  const Scalar* w;
  Scalar* next;
  std::array<Scalar*, Dim> work;
  Scalar* potential_work;
  std::array<const Scalar*, Dim> xi;
  const Scalar* inverse_symbol;
  Scalar kinetic, shift;
};
template <bool Kinetic, bool Potential, int Dim, class Scalar>
[[nodiscard]] inline double fixed_point_pass_kernel(std::size_t n,
                                                    const FixedPointPass<Dim, Scalar>& p) {
  static_assert(Kinetic || Potential, "fixed_point_pass_kernel: at least one term varies");
  const Scalar* __restrict__ b = p.b;
  const Scalar* __restrict__ w = p.w;
  Scalar* __restrict__ next = p.next;
  const Scalar* __restrict__ table = p.inverse_symbol;
  const std::array<Scalar*, Dim> work = p.work;
  Scalar* __restrict__ potential_work = p.potential_work;
  const std::array<const Scalar*, Dim> xi = p.xi;
  double total = 0;
  std::size_t k = 0;
  if constexpr (std::is_same_v<Scalar, double>) {
    k = summing_vector_loop<per_vector>(0, n, total, [&](std::size_t k, Lanes& s) {
      std::array<Reals, Dim> xq;
      for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a)
        WAVEKIN_CN_LOAD(xq[a], xi[a] + k);
      Lanes x{};
      if constexpr (Kinetic)
        for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) {
          Lanes zv;
          WAVEKIN_CN_LOAD(zv, work[a] + 2 * k);
          x += WAVEKIN_CN_PAIRS(xq[a]) * zv;
        }
      if constexpr (Potential) {
        Lanes zv;
        WAVEKIN_CN_LOAD(zv, potential_work + 2 * k);
        x += WAVEKIN_CN_TIMES_I(zv);
      }
      Lanes bv, wv;
      WAVEKIN_CN_LOAD(bv, b + 2 * k);
      WAVEKIN_CN_LOAD(wv, w + 2 * k);
      const Lanes nv = bv - x;
      const Lanes d = nv - wv;
      s += d * d;
      WAVEKIN_CN_STORE(next + 2 * k, nv);
      Lanes yv;
      if (table != nullptr) {
        Lanes tv;
        WAVEKIN_CN_LOAD(tv, table + 2 * k);
        yv = WAVEKIN_CN_TIMES(tv, nv);
      } else {
        Reals squared{};
        for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) squared += xq[a] * xq[a];
        const Reals theta = p.kinetic * squared + p.shift;
        const Reals inv = 1 / (1 + theta * theta);
        // (−θ · inv written in the macro's argument: as a named variable inside this lambda GCC 12
        // calls it set but unused where Reals is a plain double.)
        yv = WAVEKIN_CN_TIMES_PARTS(inv, (-theta * inv), nv);
      }
      if constexpr (Kinetic)
        for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) {
          const Lanes zv = WAVEKIN_CN_TIMES_I_REAL(xq[a], yv);
          WAVEKIN_CN_STORE(work[a] + 2 * k, zv);
        }
      if constexpr (Potential) WAVEKIN_CN_STORE(potential_work + 2 * k, yv);
    });
  }
  for (; k < n; ++k) {
    Scalar xr = 0, xim = 0;
    if constexpr (Kinetic)
      for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) {
        xr += xi[a][k] * work[a][2 * k];
        xim += xi[a][k] * work[a][2 * k + 1];
      }
    if constexpr (Potential) {
      xr -= potential_work[2 * k + 1];
      xim += potential_work[2 * k];
    }
    const Scalar nr = b[2 * k] - xr, ni = b[2 * k + 1] - xim;
    next[2 * k] = nr;
    next[2 * k + 1] = ni;
    const double dr = double(nr) - double(w[2 * k]), di = double(ni) - double(w[2 * k + 1]);
    total += dr * dr + di * di;
    Scalar pr, pi;
    if (table != nullptr) {
      pr = table[2 * k];
      pi = table[2 * k + 1];
    } else {
      Scalar squared = 0;
      for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a)
        squared += xi[a][k] * xi[a][k];
      const auto q = inverse_preconditioner(p.kinetic, squared, p.shift);
      pr = q.real();
      pi = q.imag();
    }
    const Scalar yr = pr * nr - pi * ni, yi = pr * ni + pi * nr;
    if constexpr (Kinetic)
      for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) {
        work[a][2 * k] = -xi[a][k] * yi;
        work[a][2 * k + 1] = xi[a][k] * yr;
      }
    if constexpr (Potential) {
      potential_work[2 * k] = yr;
      potential_work[2 * k + 1] = yi;
    }
  }
  return total;
}
// One fixed-point iteration of CrankNicolsonSpectral with a single varying term, after its FFT
// pair, in one pass (the term iteration: CrankNicolsonSpectral::term_fixed_point). `work` holds
// W_k, the transformed term of the iterate w_k, and `previous` W_{k−1} (Previous false: k = 0,
// W_{−1} = 0); N w_k = σ W_k with σ = ξ (Kinetic: a varying mass in 1D) or i (a varying potential
// alone). Per point
//   |σ (W_k − W_{k−1})|² is added to the returned sum (w_k's residual b − K w_k = w_{k+1} − w_k),
//   input = g − h W_k, h = τσ P̂^{-1} (`term_symbol`, interleaved): the next iteration's FFT input
//     τ P̂^{-1} w_{k+1}, g = τ P̂^{-1} b.
// Nothing aliases. Four arrays and ξ read, one written, where fixed_point_pass_kernel reads ξ and
// five arrays and writes two: the iterates themselves are never formed.
template <bool Kinetic, bool Previous, class Scalar>
[[nodiscard]] inline double term_iteration_kernel(std::size_t n, const Scalar* __restrict__ work,
                                                  const Scalar* __restrict__ previous,
                                                  const Scalar* __restrict__ g,
                                                  const Scalar* __restrict__ term_symbol,
                                                  const Scalar* __restrict__ xi,
                                                  Scalar* __restrict__ input) {
  double total = 0;
  std::size_t k = 0;
  if constexpr (std::is_same_v<Scalar, double>) {
    k = summing_vector_loop<per_vector>(0, n, total, [&](std::size_t k, Lanes& s) {
      Lanes wv, gv, hv;
      WAVEKIN_CN_LOAD(wv, work + 2 * k);
      WAVEKIN_CN_LOAD(gv, g + 2 * k);
      WAVEKIN_CN_LOAD(hv, term_symbol + 2 * k);
      Lanes d = wv;
      if constexpr (Previous) {
        Lanes pv;
        WAVEKIN_CN_LOAD(pv, previous + 2 * k);
        d -= pv;
      }
      if constexpr (Kinetic) {
        Reals xq;
        WAVEKIN_CN_LOAD(xq, xi + k);
        d *= WAVEKIN_CN_PAIRS(xq);
      }
      s += d * d;
      const Lanes iv = gv - WAVEKIN_CN_TIMES(hv, wv);
      WAVEKIN_CN_STORE(input + 2 * k, iv);
    });
  }
  for (; k < n; ++k) {
    const Scalar wr = work[2 * k], wi = work[2 * k + 1];
    Scalar dr = wr, di = wi;
    if constexpr (Previous) {
      dr -= previous[2 * k];
      di -= previous[2 * k + 1];
    }
    if constexpr (Kinetic) {
      dr *= xi[k];
      di *= xi[k];
    }
    total += double(dr) * double(dr) + double(di) * double(di);
    const Scalar hr = term_symbol[2 * k], hi = term_symbol[2 * k + 1];
    input[2 * k] = g[2 * k] - (hr * wr - hi * wi);
    input[2 * k + 1] = g[2 * k + 1] - (hr * wi + hi * wr);
  }
  return total;
}
// x *= f over the chunk
template <class Scalar>
inline void scale(std::size_t k0, std::size_t k1, Scalar f, std::complex<Scalar>* x_) {
  Scalar* __restrict__ x = re(x_);
  for (std::size_t k = 2 * k0; k < 2 * k1; ++k) x[k] *= f;
}

// out = a·b over n complex values (out may be a): SplitStepSpectral's phase multiplications.
template <class Scalar>
inline void complex_multiply(std::size_t n, const std::complex<Scalar>* a_,
                             const std::complex<Scalar>* b_, std::complex<Scalar>* out_) {
  const Scalar* a = re(a_);
  const Scalar* __restrict__ b = re(b_);
  Scalar* out = re(out_);
  std::size_t k = 0;
  if constexpr (std::is_same_v<Scalar, double>) {
    for (; k + per_vector <= n; k += per_vector) {
      Lanes av, bv;
      WAVEKIN_CN_LOAD(av, a + 2 * k);
      WAVEKIN_CN_LOAD(bv, b + 2 * k);
      const Lanes ov = WAVEKIN_CN_TIMES(bv, av);
      WAVEKIN_CN_STORE(out + 2 * k, ov);
    }
  }
  for (; k < n; ++k) {
    const Scalar ar = a[2 * k], ai = a[2 * k + 1], br = b[2 * k], bi = b[2 * k + 1];
    out[2 * k] = ar * br - ai * bi;
    out[2 * k + 1] = ar * bi + ai * br;
  }
}

// One step of Clenshaw's backward recurrence for a Chebyshev series Σ_{k=0}^{n} c_k T_k(X) v of
// an operator X = D + Σ_a ξ_a F[w F⁻¹[ξ_a ·]] + F[w_V F⁻¹ ·] in Fourier space (MagnusSpectral's
// exponentials): with b_{n+1} = b_{n+2} = 0,
//   b_k = c_k v + 2X b_{k+1} − b_{k+2}  (k = n, …, 1),   Σ = c_0 v + X b_1 − b_2.
// Run after the FFT pairs of X b_{k+1}: the buffers `work` hold F[w F⁻¹[ξ_a b_{k+1}]] (and
// `potential_work` F[w_V F⁻¹ b_{k+1}]). In one pass:
//   x = D b_{k+1} + Σ_a ξ_a work_a + potential_work,  D = alpha |ξ|² + beta,
//   out = c v + 2x − b_{k+2}  (Last: c_0 v + x − b_2; without Prev, b_{k+2} = 0),
// and, unless Last, the next term's FFT inputs work_a = ξ_a out, potential_work = out. Against
// the forward recurrence (T_{k+1} = 2X T_k − T_{k−1} and a partial sum) a term writes one array
// less: the sum is not carried.
// `out` may be `prev` (b_k over b_{k+2}); nothing else aliases.
template <int Dim, class Scalar>
struct ChebyshevTerm {
  const Scalar* v;     // the series' argument
  const Scalar* in;    // b_{k+1}
  const Scalar* prev;  // b_{k+2} (unused without Prev)
  Scalar* out;         // b_k, or the sum (Last)
  std::array<Scalar*, Dim> work;
  Scalar* potential_work;
  std::array<const Scalar*, Dim> xi;
  const Scalar* xi_squared;
  Scalar alpha, beta;
  std::complex<Scalar> c;  // c_k
};
// The next term's FFT inputs from b_k = br + i·bi at index k (the kernels' scalar tails):
// work_a = ξ_a b_k (Kinetic), potential_work = b_k (Potential).
template <bool Kinetic, bool Potential, int Dim, class Scalar>
inline void write_term_inputs(const ChebyshevTerm<Dim, Scalar>& t, std::size_t k, Scalar br,
                              Scalar bi) {
  if constexpr (Kinetic)
    for (std::size_t a = 0; a < static_cast<std::size_t>(Dim); ++a) {
      t.work[a][2 * k] = t.xi[a][k] * br;
      t.work[a][2 * k + 1] = t.xi[a][k] * bi;
    }
  if constexpr (Potential) {
    t.potential_work[2 * k] = br;
    t.potential_work[2 * k + 1] = bi;
  }
}
// Kinetic: the works hold the kinetic FFT pairs (else the mass is uniform, alpha may be non-zero
// and the works are not touched); Potential: potential_work holds V's.
template <bool Prev, bool Last, bool Kinetic, bool Potential, int Dim, class Scalar>
inline void clenshaw_term_kernel(std::size_t n, const ChebyshevTerm<Dim, Scalar>& t) {
  const Scalar* v = t.v;
  const Scalar* in = t.in;
  const Scalar* prev = t.prev;
  Scalar* out = t.out;
  const Scalar cr = t.c.real(), ci = t.c.imag();
  constexpr Scalar twice = Last ? 1 : 2;
  std::size_t k = 0;
  if constexpr (std::is_same_v<Scalar, double>) {
    const Lanes c_imag = ci * sign;
    for (; k + per_vector <= n; k += per_vector) {
      Lanes inv, x, vv;
      WAVEKIN_CN_LOAD(inv, in + 2 * k);
      [[maybe_unused]] std::array<Reals, Dim> xq;
      if constexpr (Kinetic) {
        x = t.beta * inv;
        for (int a = 0; a < Dim; ++a) {
          const auto s = static_cast<std::size_t>(a);
          Lanes wv;
          WAVEKIN_CN_LOAD(xq[s], t.xi[s] + k);
          WAVEKIN_CN_LOAD(wv, t.work[s] + 2 * k);
          x += WAVEKIN_CN_PAIRS(xq[s]) * wv;
        }
      } else {
        Reals sq;
        WAVEKIN_CN_LOAD(sq, t.xi_squared + k);
        const Reals d = t.alpha * sq + t.beta;
        x = WAVEKIN_CN_PAIRS(d) * inv;
      }
      if constexpr (Potential) {
        Lanes pv;
        WAVEKIN_CN_LOAD(pv, t.potential_work + 2 * k);
        x += pv;
      }
      WAVEKIN_CN_LOAD(vv, v + 2 * k);
      Lanes b = twice * x + (cr * vv + c_imag * WAVEKIN_CN_SWAP(vv));
      if constexpr (Prev) {
        Lanes pv;
        WAVEKIN_CN_LOAD(pv, prev + 2 * k);
        b -= pv;
      }
      WAVEKIN_CN_STORE(out + 2 * k, b);
      if constexpr (!Last) {
        if constexpr (Kinetic)
          for (int a = 0; a < Dim; ++a) {
            const auto s = static_cast<std::size_t>(a);
            const Lanes wv = WAVEKIN_CN_PAIRS(xq[s]) * b;
            WAVEKIN_CN_STORE(t.work[s] + 2 * k, wv);
          }
        if constexpr (Potential) WAVEKIN_CN_STORE(t.potential_work + 2 * k, b);
      }
    }
  }
  for (; k < n; ++k) {
    const Scalar ir = in[2 * k], ii = in[2 * k + 1];
    Scalar xr, xi;
    if constexpr (Kinetic) {
      xr = t.beta * ir;
      xi = t.beta * ii;
      for (int a = 0; a < Dim; ++a) {
        const auto s = static_cast<std::size_t>(a);
        xr += t.xi[s][k] * t.work[s][2 * k];
        xi += t.xi[s][k] * t.work[s][2 * k + 1];
      }
    } else {
      const Scalar d = t.alpha * t.xi_squared[k] + t.beta;
      xr = d * ir;
      xi = d * ii;
    }
    if constexpr (Potential) {
      xr += t.potential_work[2 * k];
      xi += t.potential_work[2 * k + 1];
    }
    const Scalar vr = v[2 * k], vi = v[2 * k + 1];
    Scalar br = twice * xr + (cr * vr - ci * vi), bi = twice * xi + (cr * vi + ci * vr);
    if constexpr (Prev) {
      br -= prev[2 * k];
      bi -= prev[2 * k + 1];
    }
    out[2 * k] = br;
    out[2 * k + 1] = bi;
    if constexpr (!Last) write_term_inputs<Kinetic, Potential>(t, k, br, bi);
  }
}
// The recurrence's start b_n = c_n v (t.c = c_n) and its FFT inputs: out = c v, work_a = ξ_a out
// (Kinetic), potential_work = out (Potential).
template <bool Kinetic, bool Potential, int Dim, class Scalar>
inline void clenshaw_start_kernel(std::size_t n, const ChebyshevTerm<Dim, Scalar>& t) {
  const Scalar cr = t.c.real(), ci = t.c.imag();
  std::size_t k = 0;
  if constexpr (std::is_same_v<Scalar, double>) {
    const Lanes c_imag = ci * sign;
    for (; k + per_vector <= n; k += per_vector) {
      Lanes vv;
      WAVEKIN_CN_LOAD(vv, t.v + 2 * k);
      const Lanes b = cr * vv + c_imag * WAVEKIN_CN_SWAP(vv);
      WAVEKIN_CN_STORE(t.out + 2 * k, b);
      if constexpr (Kinetic)
        for (int a = 0; a < Dim; ++a) {
          const auto s = static_cast<std::size_t>(a);
          Reals xq;
          WAVEKIN_CN_LOAD(xq, t.xi[s] + k);
          const Lanes wv = WAVEKIN_CN_PAIRS(xq) * b;
          WAVEKIN_CN_STORE(t.work[s] + 2 * k, wv);
        }
      if constexpr (Potential) WAVEKIN_CN_STORE(t.potential_work + 2 * k, b);
    }
  }
  for (; k < n; ++k) {
    const Scalar vr = t.v[2 * k], vi = t.v[2 * k + 1];
    const Scalar br = cr * vr - ci * vi, bi = cr * vi + ci * vr;
    t.out[2 * k] = br;
    t.out[2 * k + 1] = bi;
    write_term_inputs<Kinetic, Potential>(t, k, br, bi);
  }
}

#undef WAVEKIN_CN_LOAD
#undef WAVEKIN_CN_STORE
#undef WAVEKIN_CN_SWAP
#undef WAVEKIN_CN_REAL
#undef WAVEKIN_CN_IMAG
#undef WAVEKIN_CN_PAIRS
#undef WAVEKIN_CN_LOW_PAIRS
#undef WAVEKIN_CN_HIGH_PAIRS
#undef WAVEKIN_CN_NEGATE_REAL
#undef WAVEKIN_CN_TIMES_I
#undef WAVEKIN_CN_TIMES_I_REAL
#undef WAVEKIN_CN_FMADDSUB
#undef WAVEKIN_CN_TIMES_PARTS
#undef WAVEKIN_CN_TIMES

}  // namespace wavekin::detail::interleaved
