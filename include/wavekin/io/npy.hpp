// wavekin/io/npy.hpp — reading and writing NumPy .npy files.
// SPDX-License-Identifier: MIT
#pragma once

#include <bit>
#include <complex>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <Eigen/Core>

#include "wavekin/core/detail/checked_size.hpp"
#include "wavekin/core/error.hpp"
#include "wavekin/io/detail/atomic_file.hpp"
#include "wavekin/io/detail/input_file.hpp"

namespace wavekin::io {

namespace detail {

template <class T>
struct npy_traits;
template <>
struct npy_traits<float> {
  static constexpr std::string_view descr = "<f4";
};
template <>
struct npy_traits<double> {
  static constexpr std::string_view descr = "<f8";
};
template <>
struct npy_traits<std::complex<float>> {
  static constexpr std::string_view descr = "<c8";
};
template <>
struct npy_traits<std::complex<double>> {
  static constexpr std::string_view descr = "<c16";
};
template <>
struct npy_traits<std::int32_t> {
  static constexpr std::string_view descr = "<i4";
};
template <>
struct npy_traits<std::int64_t> {
  static constexpr std::string_view descr = "<i8";
};
template <>
struct npy_traits<std::uint8_t> {
  static constexpr std::string_view descr = "|u1";
};

}  // namespace detail

/// \brief An element type .npy files can hold here: float, double, their
/// complex types, int32, int64 and uint8.
template <class T>
concept NpyScalar = requires {
  detail::npy_traits<std::remove_cv_t<T>>::descr;
};

/// \brief The NumPy dtype string of T, e.g. "<f8" for double.
template <NpyScalar T>
inline constexpr std::string_view npy_descr = detail::npy_traits<std::remove_cv_t<T>>::descr;

/// \brief An array read from a .npy file, in C (row-major) order.
template <class T>
struct NpyArray {
  /// Extent of each axis; empty for a 0-d (scalar) array.
  std::vector<std::size_t> shape;
  /// Π shape values, the last axis running fastest.
  std::vector<T> data;
};

namespace detail {

// The files store little-endian values; on a big-endian host every value
// would need a byte swap, which nobody here can test, so refuse to compile.
template <class T>
inline constexpr bool npy_host_ok = std::endian::native == std::endian::little;

inline constexpr std::string_view npy_magic{"\x93NUMPY", 6};

// Python's repr of a tuple of ints: (), (5,), (2, 3).
inline std::string python_tuple(std::span<const std::size_t> shape) {
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

// The complete preamble (magic, version, length, dict, padding, '\n') as
// numpy's own writer lays it out, so that the data starts 64-byte aligned.
inline std::string npy_header(std::string_view descr, bool fortran_order,
                              std::span<const std::size_t> shape) {
  std::string dict = fmt::format("{{'descr': '{}', 'fortran_order': {}, 'shape': {}, }}", descr,
                                 fortran_order ? "True" : "False", python_tuple(shape));
  // Version 1.0 stores the header length in 2 bytes; an absurdly long shape
  // (tens of thousands of axes) needs version 2.0's 4 bytes, as numpy does.
  for (const std::size_t length_bytes : {std::size_t{2}, std::size_t{4}}) {
    const std::size_t fixed = npy_magic.size() + 2 + length_bytes;
    const std::size_t unpadded = fixed + dict.size() + 1;  // + '\n'
    const std::size_t padding = (64 - unpadded % 64) % 64;
    const std::size_t header_len = dict.size() + padding + 1;
    if (length_bytes == 2 && header_len > 0xFFFF) continue;
    std::string out(npy_magic);
    out += static_cast<char>(length_bytes == 2 ? 1 : 2);
    out += '\0';
    for (std::size_t b = 0; b < length_bytes; ++b)
      out += static_cast<char>((header_len >> (8 * b)) & 0xFF);
    out += dict;
    out.append(padding, ' ');
    out += '\n';
    return out;
  }
  throw invalid_argument("write_npy: header too long");  // unreachable: 4 bytes always fit
}

// A minimal parser for the Python dict literal numpy writes, e.g.
// {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }
// It accepts what numpy.lib.format accepts in practice: either quote style,
// any whitespace, trailing commas, and Python 2's "3L" integers.
class NpyHeaderParser {
 public:
  NpyHeaderParser(std::string_view text, const std::filesystem::path& path)
      : m_text(text), m_path(path) {}

  void parse(std::string& descr, bool& fortran_order, std::vector<std::size_t>& shape) {
    bool have_descr = false, have_order = false, have_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = parse_string();
      expect(':');
      if (key == "descr") {
        skip_space();
        if (peek() != '\'' && peek() != '"')
          fail("'descr' is not a simple dtype string (structured dtypes are not supported)");
        descr = parse_string();
        have_descr = true;
      } else if (key == "fortran_order") {
        fortran_order = parse_bool();
        have_order = true;
      } else if (key == "shape") {
        shape = parse_tuple();
        have_shape = true;
      } else {
        fail(fmt::format("unexpected key '{}'", key));
      }
      skip_space();
      if (peek() == ',') {
        ++m_pos;
        continue;
      }
      skip_space();
      if (peek() != '}') fail("expected ',' or '}' after a value");
    }
    expect('}');
    skip_space();
    if (m_pos != m_text.size()) fail("trailing characters after the dict");
    if (!have_descr || !have_order || !have_shape)
      fail("the dict must have the keys 'descr', 'fortran_order' and 'shape'");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw io_error(fmt::format("read_npy '{}': malformed header dict: {} (header: {})",
                               m_path.string(), what, m_text));
  }

  char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }

  void skip_space() {
    while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' ||
                                     m_text[m_pos] == '\n' || m_text[m_pos] == '\r'))
      ++m_pos;
  }

  void expect(char c) {
    skip_space();
    if (peek() != c) fail(fmt::format("expected '{}' at offset {}", c, m_pos));
    ++m_pos;
  }

  std::string parse_string() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail(fmt::format("expected a string at offset {}", m_pos));
    const auto end = m_text.find(quote, m_pos + 1);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string s(m_text.substr(m_pos + 1, end - m_pos - 1));
    m_pos = end + 1;
    return s;
  }

  bool parse_bool() {
    skip_space();
    for (const auto& [word, value] :
         {std::pair{std::string_view("True"), true}, std::pair{std::string_view("False"), false}}) {
      if (m_text.substr(m_pos, word.size()) == word) {
        m_pos += word.size();
        return value;
      }
    }
    fail("'fortran_order' is not True or False");
  }

  std::vector<std::size_t> parse_tuple() {
    expect('(');
    std::vector<std::size_t> values;
    while (true) {
      skip_space();
      if (peek() == ')') break;
      if (peek() < '0' || peek() > '9') fail("'shape' must be a tuple of non-negative integers");
      std::size_t value = 0;
      while (peek() >= '0' && peek() <= '9') {
        const auto digit = static_cast<std::size_t>(peek() - '0');
        if (value > (std::numeric_limits<std::size_t>::max() - digit) / 10)
          fail("a 'shape' entry overflows");
        value = value * 10 + digit;
        ++m_pos;
      }
      if (peek() == 'L') ++m_pos;
      values.push_back(value);
      skip_space();
      if (peek() == ',') {
        ++m_pos;
      } else if (peek() != ')') {
        fail("expected ',' or ')' in 'shape'");
      }
    }
    expect(')');
    return values;
  }

  std::string_view m_text;
  const std::filesystem::path& m_path;
  std::size_t m_pos = 0;
};

// Moves Fortran-ordered (first axis fastest) data into C order.
template <class T>
std::vector<T> fortran_to_c_order(const std::vector<T>& in, const std::vector<std::size_t>& shape) {
  const std::size_t rank = shape.size();
  if (rank < 2 || in.empty()) return in;
  std::vector<std::size_t> fortran_stride(rank);
  std::size_t stride = 1;
  for (std::size_t a = 0; a < rank; ++a) {
    fortran_stride[a] = stride;
    stride *= shape[a];
  }
  std::vector<T> out(in.size());
  std::vector<std::size_t> index(rank, 0);
  std::size_t source = 0;
  for (std::size_t flat = 0; flat < out.size(); ++flat) {
    out[flat] = in[source];
    // Odometer over the C-order multi-index, keeping the Fortran offset in step.
    for (std::size_t a = rank; a-- > 0;) {
      if (++index[a] < shape[a]) {
        source += fortran_stride[a];
        break;
      }
      source -= (shape[a] - 1) * fortran_stride[a];
      index[a] = 0;
    }
  }
  return out;
}

}  // namespace detail

/// \brief Writes `data` with the given shape to a .npy file (format version 1.0).
///
/// `data` holds Π shape values in C order (last axis fastest), or in Fortran
/// order (first axis fastest) when `fortran_order` is true, which is recorded
/// in the header so numpy shows the same array either way. An empty shape
/// writes a 0-d array of one value. The header is padded so the data starts at
/// a multiple of 64 bytes (version 2.0 is used only when the header exceeds
/// 65535 bytes). The file is written atomically (io::detail::AtomicFile).
///
/// \throws io_error if the file cannot be written.
template <NpyScalar T>
void write_npy(const std::filesystem::path& path, const T* data, std::span<const std::size_t> shape,
               bool fortran_order = false) {
  static_assert(detail::npy_host_ok<T>, "wavekin::io npy support needs a little-endian host");
  const auto product = wavekin::detail::checked_product(shape);
  require(product.has_value(), "write_npy '{}': the shape {} overflows std::size_t", path.string(),
          detail::python_tuple(shape));
  const std::size_t count = *product;
  require(count == 0 || data != nullptr, "write_npy '{}': data is null", path.string());
  detail::AtomicFile file(path);
  file.write(detail::npy_header(npy_descr<T>, fortran_order, shape));
  if (count > 0) file.write(data, count * sizeof(T));
  file.commit();
}

/// \brief write_npy with the shape written inline, e.g. `write_npy(path, p, {2, 3})`.
template <NpyScalar T>
void write_npy(const std::filesystem::path& path, const T* data,
               std::initializer_list<std::size_t> shape, bool fortran_order = false) {
  write_npy(path, data, std::span<const std::size_t>(shape.begin(), shape.size()), fortran_order);
}

/// \brief Writes a vector of C-ordered values with the given shape.
///
/// \throws invalid_argument if Π shape differs from `values.size()`.
template <NpyScalar T>
void write_npy(const std::filesystem::path& path, const std::vector<T>& values,
               std::span<const std::size_t> shape) {
  const auto count = wavekin::detail::checked_product(shape);
  require(count == values.size(), "write_npy '{}': the shape {} needs {} values, the vector has {}",
          path.string(), detail::python_tuple(shape),
          count ? fmt::format("{}", *count) : "too many", values.size());
  write_npy(path, values.data(), shape);
}

/// \brief write_npy of a vector with the shape written inline.
template <NpyScalar T>
void write_npy(const std::filesystem::path& path, const std::vector<T>& values,
               std::initializer_list<std::size_t> shape) {
  write_npy(path, values, std::span<const std::size_t>(shape.begin(), shape.size()));
}

/// \brief Writes a vector as a 1-D array.
template <NpyScalar T>
void write_npy(const std::filesystem::path& path, const std::vector<T>& values) {
  const std::size_t shape[1] = {values.size()};
  write_npy(path, values.data(), std::span<const std::size_t>(shape));
}

/// \brief Writes an Eigen vector as a 1-D array and anything else as a 2-D
/// (rows, cols) array, such that numpy's `A[i, j]` equals `m(i, j)`.
///
/// "Vector" means a vector at compile time (VectorXd, RowVector3f, ArrayXcd,
/// ...); a MatrixXd that happens to have one column is written as (rows, 1).
/// Contiguous storage is written as it is (column-major as fortran_order);
/// expressions and strided blocks are evaluated first.
template <class Derived>
  requires NpyScalar<typename Derived::Scalar>
void write_npy(const std::filesystem::path& path, const Eigen::DenseBase<Derived>& m) {
  using Scalar = typename Derived::Scalar;
  const auto rows = static_cast<std::size_t>(m.rows());
  const auto cols = static_cast<std::size_t>(m.cols());
  constexpr bool vector = Derived::IsVectorAtCompileTime;
  const std::size_t vector_shape[1] = {rows * cols};
  const std::size_t matrix_shape[2] = {rows, cols};
  const std::span<const std::size_t> shape = vector ? std::span<const std::size_t>(vector_shape)
                                                    : std::span<const std::size_t>(matrix_shape);

  if constexpr ((static_cast<unsigned>(Derived::Flags) & Eigen::DirectAccessBit) != 0) {
    const auto& d = m.derived();
    const bool row_major = Derived::IsRowMajor;
    const auto inner = static_cast<std::size_t>(row_major ? cols : rows);
    const bool contiguous =
        d.innerStride() == 1 &&
        (vector || d.outerSize() <= 1 || static_cast<std::size_t>(d.outerStride()) == inner);
    if (contiguous) {
      write_npy(path, d.data(), shape, !vector && !row_major);
      return;
    }
  }
  const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> c_order = m;
  write_npy(path, c_order.data(), shape);
}

/// \brief Reads a .npy file (format version 1.0, 2.0 or 3.0) whose dtype is T's.
///
/// The data is returned in C order; a Fortran-ordered file is transposed.
/// Bytes after the data are an error (numpy ignores them): with no checksum in the format, the
/// exact file length is what catches a damaged shape or header length.
///
/// Every size in the file (header length, shape) is checked against the file's size, and for
/// overflow, before anything is allocated for it.
///
/// \throws io_error (and nothing else) naming the path and the problem: missing or unreadable
///   file, a directory, bad magic, unsupported version, malformed header dict, a dtype other
///   than T's ("file has '<f4', expected '<f8'"), big-endian data, or fewer or more
///   data bytes than the shape needs.
template <NpyScalar T>
NpyArray<T> read_npy(const std::filesystem::path& path) {
  static_assert(detail::npy_host_ok<T>, "wavekin::io npy support needs a little-endian host");
  const std::string name = path.string();
  detail::InputFile file(path, "read_npy");

  unsigned char preamble[8];
  file.read_exactly(preamble, sizeof preamble, "magic string and version");
  require<io_error>(std::memcmp(preamble, detail::npy_magic.data(), detail::npy_magic.size()) == 0,
                    "read_npy '{}': bad magic string (not a .npy file)", name);
  const unsigned major = preamble[6], minor = preamble[7];
  require<io_error>((major == 1 || major == 2 || major == 3) && minor == 0,
                    "read_npy '{}': unsupported .npy format version {}.{} (1.0, 2.0 and 3.0 are "
                    "supported)",
                    name, major, minor);
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  unsigned char length_field[4] = {0, 0, 0, 0};
  file.read_exactly(length_field, length_bytes, "header length");
  std::uint64_t header_len = 0;
  for (std::size_t b = 0; b < length_bytes; ++b)
    header_len |= static_cast<std::uint64_t>(length_field[b]) << (8 * b);
  // Every size read from the file is checked against what the file holds before anything is
  // allocated for it: a corrupt length field (0xFFFFFFFF) is an error, not a 4 GiB buffer.
  require<io_error>(header_len <= file.remaining(),
                    "read_npy '{}': file ends inside the header: the header length field says {} "
                    "bytes, only {} bytes follow it (truncated or corrupt file)",
                    name, header_len, file.remaining());
  std::string header(static_cast<std::size_t>(header_len), '\0');
  file.read_exactly(header.data(), header.size(), "header");
  // Versions 1 and 2 use latin-1, version 3 UTF-8; the keys and values we
  // accept are ASCII either way.

  std::string descr;
  bool fortran_order = false;
  NpyArray<T> array;
  detail::NpyHeaderParser(header, path).parse(descr, fortran_order, array.shape);

  const std::string_view expected = npy_descr<T>;
  // A one-byte type has no byte order: numpy writes '|', others '<', '=' or nothing.
  const auto type_code = [](std::string_view d) {
    return !d.empty() && (d[0] == '<' || d[0] == '>' || d[0] == '|' || d[0] == '=') ? d.substr(1)
                                                                                    : d;
  };
  const bool single_byte = sizeof(T) == 1;
  require<io_error>(single_byte || descr.empty() || descr[0] != '>',
                    "read_npy '{}': big-endian data ('{}') is not supported; convert it with "
                    "numpy's astype('{}')",
                    name, descr, expected);
  const bool same = single_byte ? type_code(descr) == type_code(expected) : descr == expected;
  require<io_error>(same, "read_npy '{}': dtype mismatch: file has '{}', expected '{}'", name,
                    descr, expected);

  const auto count = wavekin::detail::checked_product(array.shape);
  const auto bytes = count ? wavekin::detail::checked_multiply(*count, sizeof(T)) : std::nullopt;
  require<io_error>(bytes.has_value(), "read_npy '{}': the shape {} overflows", name,
                    detail::python_tuple(array.shape));
  const std::size_t needed = *bytes;
  require<io_error>(needed <= file.remaining(),
                    "read_npy '{}': truncated data: the shape {} of '{}' needs {} bytes, the "
                    "file has {}",
                    name, detail::python_tuple(array.shape), descr, needed, file.remaining());
  // numpy itself ignores bytes after the data; here they mean that the shape or the header
  // length was damaged (a digit of the shape flipped to a smaller one), so they are an error:
  // a file read without complaint holds exactly the array its header describes.
  require<io_error>(needed == file.remaining(),
                    "read_npy '{}': {} unexpected bytes after the data (the shape {} of '{}' needs "
                    "{} bytes): corrupt header or trailing garbage",
                    name, file.remaining() - needed, detail::python_tuple(array.shape), descr,
                    needed);
  array.data.resize(*count);
  if (needed > 0) file.read_exactly(array.data.data(), needed, "data (truncated data)");
  if (fortran_order) array.data = detail::fortran_to_c_order(array.data, array.shape);
  return array;
}

}  // namespace wavekin::io
