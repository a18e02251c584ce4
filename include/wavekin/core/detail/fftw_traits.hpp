// wavekin/core/detail/fftw_traits.hpp — FFTW's double and float APIs behind one
// name, the process-wide planner lock, and RAII owners for FFTW plans and memory.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <type_traits>
#include <utility>

#include <fftw3.h>

#include "wavekin/core/concepts.hpp"
#include "wavekin/core/error.hpp"

namespace wavekin::detail {

/// \brief The lock every wavekin call into FFTW's planner takes.
///
/// FFTW's planner (plan creation and destruction, fftw_plan_with_nthreads,
/// fftw_init_threads) keeps global state and is not thread-safe; executing an
/// existing plan, including on new arrays, is. A function-local static is one
/// object per process even though the library is header-only (an inline
/// function has one definition across translation units). Code outside wavekin
/// that plans with FFTW concurrently must take this lock too.
inline std::mutex& fftw_planner_mutex() {
  static std::mutex mutex;
  return mutex;
}

/// \brief What runs at the end of every planning step, under the planner lock (set by
/// set_fft_wisdom_listener in core/fft_wisdom.hpp; empty by default).
inline std::function<void()>& fftw_planning_listener() {
  static std::function<void()> listener;
  return listener;
}

/// \brief FFTW's API for one precision, so that callers are written once.
///
/// FFTW's arrays are passed as `Complex<Scalar>*`: std::complex<T> is required
/// to have the layout of T[2], which is FFTW's fftw_complex, so the
/// reinterpret_casts below are the conversion FFTW's manual recommends.
/// \tparam Scalar  float or double
template <RealScalar Scalar>
struct fftw_api;

// The two specialisations differ only in FFTW's name prefix (fftw_, fftwf_), so one macro writes
// both, with fftw3.h's own name manglers, as fftw3.h declares its APIs (FFTW_DEFINE_API).
#define WAVEKIN_DEFINE_FFTW_API(X, R)                                                          \
  template <>                                                                                  \
  struct fftw_api<R> {                                                                         \
    using plan = X(plan);                                                                      \
    using complex = X(complex);                                                                \
                                                                                               \
    static complex* cast(Complex<R>* p) noexcept { return reinterpret_cast<complex*>(p); }     \
                                                                                               \
    static plan plan_dft(int rank, const int* n, Complex<R>* in, Complex<R>* out, int sign,    \
                         unsigned flags) {                                                     \
      return X(plan_dft)(rank, n, cast(in), cast(out), sign, flags);                           \
    }                                                                                          \
    static plan plan_dft_r2c(int rank, const int* n, R* in, Complex<R>* out, unsigned flags) { \
      return X(plan_dft_r2c)(rank, n, in, cast(out), flags);                                   \
    }                                                                                          \
    static plan plan_dft_c2r(int rank, const int* n, Complex<R>* in, R* out, unsigned flags) { \
      return X(plan_dft_c2r)(rank, n, cast(in), out, flags);                                   \
    }                                                                                          \
    static void execute_dft(plan p, Complex<R>* in, Complex<R>* out) {                         \
      X(execute_dft)(p, cast(in), cast(out));                                                  \
    }                                                                                          \
    static void execute_dft_r2c(plan p, R* in, Complex<R>* out) {                              \
      X(execute_dft_r2c)(p, in, cast(out));                                                    \
    }                                                                                          \
    static void execute_dft_c2r(plan p, Complex<R>* in, R* out) {                              \
      X(execute_dft_c2r)(p, cast(in), out);                                                    \
    }                                                                                          \
    static void destroy_plan(plan p) { X(destroy_plan)(p); }                                   \
    static void* malloc(std::size_t bytes) { return X(malloc)(bytes); }                        \
    static void free(void* p) { X(free)(p); }                                                  \
    static int alignment_of(R* p) { return X(alignment_of)(p); }                               \
    static void plan_with_nthreads(int threads) { X(plan_with_nthreads)(threads); }            \
    static int init_threads() { return X(init_threads)(); }                                    \
    static char* export_wisdom() { return X(export_wisdom_to_string)(); }                      \
    static int import_wisdom(const char* text) { return X(import_wisdom_from_string)(text); }  \
  };

WAVEKIN_DEFINE_FFTW_API(FFTW_MANGLE_DOUBLE, double)
WAVEKIN_DEFINE_FFTW_API(FFTW_MANGLE_FLOAT, float)
#undef WAVEKIN_DEFINE_FFTW_API

/// \brief FFTW's alignment class of an array (what must match between the
/// planning array and a new array passed to fftw_execute_dft & co.).
/// FFTW only reads the address, hence the const_cast.
template <RealScalar Scalar>
inline int fftw_alignment(const Scalar* p) {
  return fftw_api<Scalar>::alignment_of(const_cast<Scalar*>(p));
}

template <RealScalar Scalar>
inline int fftw_alignment(const Complex<Scalar>* p) {
  return fftw_alignment<Scalar>(reinterpret_cast<const Scalar*>(p));
}

/// \brief Runs fftw_init_threads once per precision and tells whether it succeeded; the caller
/// holds the planner lock (FFTW requires it of fftw_init_threads; the static's initialisation
/// runs under it). Threaded solvers change the planner's set of solvers, and FFTW's wisdom
/// carries a signature of that set, so wisdom exported after this call imports only after it.
template <RealScalar Scalar>
bool fftw_threads_initialised_locked() {
  static const bool available = fftw_api<Scalar>::init_threads() != 0;
  return available;
}

/// \brief Holds the planner lock for the lifetime of a planning step and sets
/// FFTW's planner thread count for it.
///
/// fftw_init_threads must run before FFTW's planner is configured to offer its
/// threaded solvers, and fftw_plan_with_nthreads without it would wipe the
/// planner; so the first session of each precision initialises threads (once,
/// under the lock) whatever thread count it asks for. The thread count is reset
/// to 1 on exit so that no later plan inherits it by accident.
template <RealScalar Scalar>
class fftw_planner_session {
 public:
  /// \pre threads >= 1 (checked by the callers, which name their own class).
  explicit fftw_planner_session(int threads) : lock(fftw_planner_mutex()) {
    const bool threads_available = fftw_threads_initialised_locked<Scalar>();
    if (threads > 1) {
      require<error>(threads_available,
                     "FFT: FFTW could not initialise its threads (fftw_init_threads failed); "
                     "threads = {} is unavailable",
                     threads);
      fftw_api<Scalar>::plan_with_nthreads(threads);
      reset_threads = true;
    }
  }
  ~fftw_planner_session() {
    if (reset_threads) fftw_api<Scalar>::plan_with_nthreads(1);
    if (const auto& listener = fftw_planning_listener()) {
      try {
        listener();
      } catch (...) {  // a destructor must not throw; the listener reports its own failures
      }
    }
  }
  fftw_planner_session(const fftw_planner_session&) = delete;
  fftw_planner_session& operator=(const fftw_planner_session&) = delete;

 private:
  std::lock_guard<std::mutex> lock;
  bool reset_threads = false;
};

/// \brief Owns one FFTW plan; destroys it under the planner lock.
template <RealScalar Scalar>
class fftw_plan_owner {
 public:
  using plan = typename fftw_api<Scalar>::plan;

  fftw_plan_owner() noexcept = default;
  explicit fftw_plan_owner(plan p) noexcept : owned(p) {}
  fftw_plan_owner(fftw_plan_owner&& other) noexcept : owned(std::exchange(other.owned, nullptr)) {}
  fftw_plan_owner& operator=(fftw_plan_owner&& other) noexcept {
    if (this != &other) {
      reset();
      owned = std::exchange(other.owned, nullptr);
    }
    return *this;
  }
  fftw_plan_owner(const fftw_plan_owner&) = delete;
  fftw_plan_owner& operator=(const fftw_plan_owner&) = delete;
  ~fftw_plan_owner() { reset(); }

  [[nodiscard]] plan get() const noexcept { return owned; }
  explicit operator bool() const noexcept { return owned != nullptr; }

 private:
  void reset() noexcept {
    if (owned != nullptr) {
      const std::lock_guard<std::mutex> lock(fftw_planner_mutex());
      fftw_api<Scalar>::destroy_plan(owned);
      owned = nullptr;
    }
  }

  plan owned = nullptr;
};

/// \brief An array of `count` default-initialised T in fftw_malloc'd memory
/// (aligned for FFTW's SIMD code).
template <RealScalar Scalar, class T>
class fftw_buffer {
  static_assert(std::is_trivially_destructible_v<T>, "fftw_buffer never runs destructors");

 public:
  fftw_buffer() noexcept = default;
  explicit fftw_buffer(std::size_t count) : m_size(count) {
    if (count == 0) return;
    void* raw = fftw_api<Scalar>::malloc(count * sizeof(T));
    if (raw == nullptr) throw std::bad_alloc();
    // Begin the elements' lifetimes; fftw_malloc is not one of the allocation
    // functions that create objects implicitly.
    m_data = std::uninitialized_value_construct_n(static_cast<T*>(raw), count) - count;
  }
  fftw_buffer(fftw_buffer&& other) noexcept
      : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)) {}
  fftw_buffer& operator=(fftw_buffer&& other) noexcept {
    if (this != &other) {
      release();
      m_data = std::exchange(other.m_data, nullptr);
      m_size = std::exchange(other.m_size, 0);
    }
    return *this;
  }
  fftw_buffer(const fftw_buffer&) = delete;
  fftw_buffer& operator=(const fftw_buffer&) = delete;
  ~fftw_buffer() { release(); }

  [[nodiscard]] T* data() const noexcept { return m_data; }
  [[nodiscard]] std::size_t size() const noexcept { return m_size; }

 private:
  void release() noexcept {
    if (m_data != nullptr) fftw_api<Scalar>::free(m_data);
    m_data = nullptr;
    m_size = 0;
  }

  T* m_data = nullptr;
  std::size_t m_size = 0;
};

}  // namespace wavekin::detail
