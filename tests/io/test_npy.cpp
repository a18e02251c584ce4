// Tests for wavekin/io/npy.hpp: round trips for every dtype, rank and order,
// the header byte for byte, Eigen matrices, every documented error, and files
// exchanged with numpy itself in both directions.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cerrno>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "wavekin/io/npy.hpp"

#include "test_files.hpp"
#include "test_common.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_npy {

namespace fs = std::filesystem;
using namespace wavekin::test;  // slurp, TempDir
using namespace wavekin::test::matchers;
using wavekin::io::read_npy;
using wavekin::io::write_npy;

namespace {



void spit(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// A .npy file built by hand, to feed the reader what our writer never produces.
std::string handmade_npy(unsigned major, const std::string& dict, const std::string& payload,
                         unsigned minor = 0) {
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  std::string header = dict;
  while ((6 + 2 + length_bytes + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += static_cast<char>(minor);
  for (std::size_t b = 0; b < length_bytes; ++b)
    out += static_cast<char>((header.size() >> (8 * b)) & 0xFF);
  return out + header + payload;
}

template <class T>
std::string bytes_of(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

// Distinct, type-appropriate values: negative, fractional, beyond 32 bits, ...
template <class T>
T sample(std::size_t i) {
  const double x = static_cast<double>(i);
  if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>) {
    using R = typename T::value_type;
    return T(static_cast<R>(0.375 * x - 3.0), static_cast<R>(-1.0 / (x + 3.0)));
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(x / 7.0 - 2.5);
  } else if constexpr (std::is_same_v<T, std::uint8_t>) {
    return static_cast<T>((i * 37 + 11) % 256);
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return static_cast<T>(i) * 3'000'000'019LL - 40'000'000'000LL;
  } else {
    return static_cast<T>(i) * 1'000'003 - 7'000'000;
  }
}

// data[c_index] → buffer with the same elements in Fortran order.
template <class T>
std::vector<T> to_fortran(const std::vector<T>& c_order, const std::vector<std::size_t>& shape) {
  std::vector<T> f(c_order.size());
  const std::size_t rank = shape.size();
  std::vector<std::size_t> index(rank, 0);
  for (std::size_t flat = 0; flat < c_order.size(); ++flat) {
    std::size_t offset = 0, stride = 1;
    for (std::size_t a = 0; a < rank; ++a) {
      offset += index[a] * stride;
      stride *= shape[a];
    }
    f[offset] = c_order[flat];
    for (std::size_t a = rank; a-- > 0;) {
      if (++index[a] < shape[a]) break;
      index[a] = 0;
    }
  }
  return f;
}

// Runs python3 -c-style code (written to a file to dodge shell quoting);
// returns the exit status, or -1 if there is no usable interpreter.
int run_python(const fs::path& dir, const std::string& code, const std::string& argument) {
  const std::string python = WAVEKIN_TEST_PYTHON3;
  if (python.empty()) return -1;
  const auto script = dir / "script.py";
  spit(script, code);
  const std::string command = "\"" + python + "\" \"" + script.string() + "\" \"" + argument + "\"";
  return std::system(command.c_str());
}

bool have_numpy(const fs::path& dir) {
  return run_python(dir, "import numpy\n", "") == 0;
}

}  // namespace

TEMPLATE_TEST_CASE("every dtype round-trips for ranks 0 to 4 in C and Fortran order", "", float,
                   double, std::complex<float>, std::complex<double>, std::int32_t, std::int64_t,
                   std::uint8_t) {
  TempDir dir;
  const std::vector<std::vector<std::size_t>> shapes = {{},           {7}, {3, 4},   {2, 3, 5},
                                                        {2, 1, 3, 4}, {0}, {3, 0, 2}};
  for (const auto& shape : shapes) {
    std::size_t count = 1;
    for (const auto n : shape) count *= n;
    std::vector<TestType> values(count);
    for (std::size_t i = 0; i < count; ++i) values[i] = sample<TestType>(i);
    for (const bool fortran : {false, true}) {
      CAPTURE(shape, fortran);
      const auto path = dir.path / "array.npy";
      const auto stored = fortran ? to_fortran(values, shape) : values;
      write_npy(path, stored.data(), std::span<const std::size_t>(shape), fortran);
      // The data starts at a multiple of 64 bytes and nothing follows it.
      CHECK((fs::file_size(path) - count * sizeof(TestType)) % 64 == 0);
      const auto array = read_npy<TestType>(path);
      CHECK(array.shape == shape);
      CHECK(array.data == values);  // bit-exact: the bytes are copied, not converted
    }
  }
}

TEST_CASE("the header matches the NPY 1.0 spec byte for byte") {
  TempDir dir;
  const auto path = dir.path / "m.npy";
  const std::vector<double> values = {1, 2, 3, 4, 5, 6.5};
  write_npy(path, values, {2, 3});
  const std::string file = slurp(path);

  const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
  // magic (6) + version (2) + length (2) + dict + padding + '\n' = 128 bytes.
  const std::size_t header_len = 128 - 10;
  std::string expected("\x93NUMPY\x01\x00", 8);
  expected += static_cast<char>(header_len & 0xFF);
  expected += static_cast<char>(header_len >> 8);
  expected += dict;
  expected += std::string(header_len - dict.size() - 1, ' ');
  expected += '\n';
  REQUIRE(file.size() == 128 + 6 * sizeof(double));
  CHECK(file.substr(0, 128) == expected);
  CHECK(file.substr(128) == bytes_of(values));

  // Rank 1 and rank 0 use Python's tuple spelling.
  write_npy(path, values, {6});
  CHECK(slurp(path).find("'shape': (6,), }") != std::string::npos);
  const std::int32_t scalar = 42;
  write_npy(path, &scalar, {});
  const std::string scalar_file = slurp(path);
  CHECK(scalar_file.find("{'descr': '<i4', 'fortran_order': False, 'shape': (), }") == 10);
  CHECK(scalar_file.size() == 128 + 4);  // 10 + 56-byte dict + '\n' > 64
  const std::uint8_t byte = 200;
  write_npy(path, &byte, {1}, true);
  CHECK(slurp(path).find("'descr': '|u1', 'fortran_order': True,") != std::string::npos);
}

TEST_CASE("a header too long for version 1.0 is written as version 2.0") {
  TempDir dir;
  const auto path = dir.path / "many_axes.npy";
  // 25000 axes of extent 1 spell "1, " 25000 times: more than 65535 bytes.
  const std::vector<std::size_t> shape(25000, 1);
  const double value = 2.5;
  write_npy(path, &value, std::span<const std::size_t>(shape));
  const std::string file = slurp(path);
  CHECK(file[6] == 2);
  const auto array = read_npy<double>(path);
  CHECK(array.shape == shape);
  CHECK(array.data == std::vector<double>{2.5});
}

TEST_CASE("Eigen vectors are 1-D and matrices 2-D, with A[i, j] == m(i, j)") {
  TempDir dir;
  const auto path = dir.path / "eigen.npy";

  Eigen::MatrixXd col_major(3, 4);
  Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major(3, 4);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) {
      col_major(i, j) = 10 * i + j + 0.25;
      row_major(i, j) = static_cast<float>(col_major(i, j));
    }
  const auto check_matrix = [&](const auto& read, const auto& m) {
    REQUIRE(read.shape == std::vector<std::size_t>{std::size_t(m.rows()), std::size_t(m.cols())});
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      for (Eigen::Index j = 0; j < m.cols(); ++j)
        CHECK(read.data[std::size_t(i * m.cols() + j)] == m(i, j));
  };

  write_npy(path, col_major);  // contiguous column-major: written as fortran_order
  CHECK(slurp(path).find("'fortran_order': True") != std::string::npos);
  check_matrix(read_npy<double>(path), col_major);

  write_npy(path, row_major);  // contiguous row-major: written as C order
  CHECK(slurp(path).find("'fortran_order': False") != std::string::npos);
  check_matrix(read_npy<float>(path), row_major);

  // A strided block and an expression are evaluated first.
  const Eigen::MatrixXd block = col_major.block(1, 1, 2, 3);
  write_npy(path, col_major.block(1, 1, 2, 3));
  check_matrix(read_npy<double>(path), block);
  const Eigen::MatrixXd product = 2 * col_major.transpose();
  write_npy(path, 2 * col_major.transpose());
  check_matrix(read_npy<double>(path), product);

  const Eigen::MatrixXcd complex_matrix = Eigen::MatrixXcd::Random(4, 2);
  write_npy(path, complex_matrix);
  check_matrix(read_npy<std::complex<double>>(path), complex_matrix);

  // Compile-time vectors are 1-D; a one-column MatrixXd stays 2-D.
  const Eigen::VectorXd v = Eigen::VectorXd::LinSpaced(5, -1, 1);
  write_npy(path, v);
  auto read = read_npy<double>(path);
  CHECK(read.shape == std::vector<std::size_t>{5});
  CHECK(read.data == std::vector<double>(v.data(), v.data() + 5));
  write_npy(path, col_major.row(2));  // strided row of a column-major matrix
  read = read_npy<double>(path);
  CHECK(read.shape == std::vector<std::size_t>{4});
  CHECK(read.data == std::vector<double>{20.25, 21.25, 22.25, 23.25});
  const Eigen::MatrixXd one_column = v;
  write_npy(path, one_column);
  CHECK(read_npy<double>(path).shape == std::vector<std::size_t>{5, 1});
  const Eigen::Array<std::int64_t, 3, 1> ints(-1, 0, 1LL << 40);
  write_npy(path, ints);
  CHECK(read_npy<std::int64_t>(path).data == std::vector<std::int64_t>{-1, 0, 1LL << 40});
}

TEST_CASE("writing a vector checks its size against the shape") {
  TempDir dir;
  const std::vector<double> values(5);
  CHECK_THROWS_AS(write_npy(dir.path / "x.npy", values, {2, 3}), wavekin::invalid_argument);
  CHECK_THROWS_WITH(write_npy(dir.path / "x.npy", values, {2, 3}),
                    Contains("(2, 3)") && Contains("6") && Contains("5") && Contains("x.npy"));
  CHECK_FALSE(fs::exists(dir.path / "x.npy"));
  // Without a shape a vector is 1-D.
  write_npy(dir.path / "x.npy", values);
  CHECK(read_npy<double>(dir.path / "x.npy").shape == std::vector<std::size_t>{5});
  const std::vector<std::size_t> huge = {std::size_t(1) << 40, std::size_t(1) << 40};
  CHECK_THROWS_WITH(write_npy(dir.path / "x.npy", values, std::span<const std::size_t>(huge)),
                    Contains("too many"));
}

TEST_CASE("read_npy reports every malformed file with the path and the problem") {
  TempDir dir;
  const auto path = dir.path / "bad.npy";
  const std::string name = path.string();
  const std::vector<double> six = {1, 2, 3, 4, 5, 6};
  const std::string good_dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";

  SECTION("missing file") {
    CHECK_THROWS_AS(read_npy<double>(dir.path / "absent.npy"), wavekin::io_error);
    CHECK_THROWS_WITH(read_npy<double>(dir.path / "absent.npy"),
                      Contains("absent.npy") && Contains(std::strerror(ENOENT)));
  }
  SECTION("bad magic") {
    spit(path, "PK\x03\x04 this is a zip file, not an npy file at all........");
    CHECK_THROWS_WITH(read_npy<double>(path), Contains(name) && Contains("bad magic"));
    spit(path, "\x93NUM");
    CHECK_THROWS_WITH(read_npy<double>(path), Contains(name) && Contains("file ends"));
  }
  SECTION("unsupported version") {
    spit(path, handmade_npy(4, good_dict, bytes_of(six)));
    CHECK_THROWS_WITH(read_npy<double>(path),
                      Contains(name) && Contains("unsupported") && Contains("4.0"));
    spit(path, handmade_npy(1, good_dict, bytes_of(six), 1));
    CHECK_THROWS_WITH(read_npy<double>(path), Contains("1.1"));
  }
  SECTION("malformed header dict") {
    for (const std::string dict : {
             "{'descr': '<f8', 'fortran_order': False}",                   // no shape
             "{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2, 3)}",  // not a bool
             "{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3)}",
             "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'x': 1}",
             "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,)}",
             "{'descr': '<f8' 'fortran_order': False, 'shape': (2, 3)}",  // missing comma
             "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)} extra",
             "not a dict at all",
             "{'descr: '<f8'}",
         }) {
      CAPTURE(dict);
      spit(path, handmade_npy(1, dict, bytes_of(six)));
      CHECK_THROWS_AS(read_npy<double>(path), wavekin::io_error);
      CHECK_THROWS_WITH(read_npy<double>(path), Contains(name) && Contains("malformed header"));
    }
  }
  SECTION("dtype different from T") {
    const std::vector<float> floats = {1, 2};
    write_npy(path, floats, {2});
    CHECK_THROWS_AS(read_npy<double>(path), wavekin::io_error);
    CHECK_THROWS_WITH(read_npy<double>(path),
                      Contains(name) && Contains("file has '<f4', expected '<f8'"));
    CHECK_THROWS_WITH(read_npy<std::complex<float>>(path),
                      Contains("file has '<f4', expected '<c8'"));
    CHECK_THROWS_WITH(read_npy<std::int32_t>(path), Contains("expected '<i4'"));
    spit(path, handmade_npy(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (1,), }", "x"));
    CHECK_THROWS_WITH(read_npy<std::uint8_t>(path), Contains("file has '|b1', expected '|u1'"));
  }
  SECTION("big-endian data") {
    spit(path, handmade_npy(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (6,), }",
                            bytes_of(six)));
    CHECK_THROWS_WITH(read_npy<double>(path), Contains(name) && Contains("big-endian"));
  }
  SECTION("truncated data") {
    write_npy(path, six, {2, 3});
    fs::resize_file(path, fs::file_size(path) - 8);
    CHECK_THROWS_AS(read_npy<double>(path), wavekin::io_error);
    CHECK_THROWS_WITH(read_npy<double>(path), Contains(name) && Contains("truncated") &&
                                                  Contains("48 bytes") && Contains("has 40"));
    // A header that ends early is reported too.
    fs::resize_file(path, 50);
    CHECK_THROWS_WITH(read_npy<double>(path), Contains(name) && Contains("file ends"));
  }
}

TEST_CASE("read_npy checks every size it reads against the file before allocating") {
  // Regression: a v2/v3 header length of 0xFFFFFFFF made read_npy allocate and zero 4 GiB
  // before noticing the end of the file.
  TempDir dir;
  const auto path = dir.path / "sizes.npy";
  const std::string name = path.string();
  const std::vector<double> six = {1, 2, 3, 4, 5, 6};
  const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }";
  for (const unsigned major : {2U, 3U}) {
    CAPTURE(major);
    std::string bytes = handmade_npy(major, dict, bytes_of(six));
    for (std::size_t b = 8; b < 12; ++b) bytes[b] = '\xFF';
    spit(path, bytes);
    CHECK_THROWS_AS(read_npy<double>(path), wavekin::io_error);
    CHECK_THROWS_WITH(read_npy<double>(path), Contains(name) && Contains("4294967295") &&
                                                  Contains("header length"));
  }
  // A v1 length just past the end of the file.
  std::string bytes = handmade_npy(1, dict, "");
  bytes[8] = static_cast<char>(bytes.size() - 9);
  bytes[9] = 0;
  spit(path, bytes);
  CHECK_THROWS_WITH(read_npy<double>(path), Contains(name) && Contains("header length"));
  // A shape whose product fits in size_t but not in the file, and one that overflows.
  spit(path, handmade_npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, "
                             "1000000), }",
                          bytes_of(six)));
  CHECK_THROWS_WITH(read_npy<double>(path), Contains(name) && Contains("truncated"));
  spit(path, handmade_npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, "
                             "4294967296), }",
                          bytes_of(six)));
  CHECK_THROWS_WITH(read_npy<double>(path), Contains(name) && Contains("overflows"));
}

TEST_CASE("read_npy of a directory is an io_error naming it") {
  TempDir dir;
  CHECK_THROWS_AS(read_npy<double>(dir.path), wavekin::io_error);
  CHECK_THROWS_WITH(read_npy<double>(dir.path),
                    Contains(dir.path.string()) && Contains("directory"));
}

TEST_CASE("read_npy accepts what other writers produce") {
  TempDir dir;
  const auto path = dir.path / "other.npy";
  const std::vector<double> six = {1, 2, 3, 4, 5, 6};
  // Versions 2.0 and 3.0 (4-byte header length), double quotes, no trailing
  // comma, Python 2 long integers, and a one-byte dtype without '|'.
  spit(path, handmade_npy(2, "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2L, 3L)}",
                          bytes_of(six)));
  auto array = read_npy<double>(path);
  CHECK(array.shape == std::vector<std::size_t>{2, 3});
  CHECK(array.data == six);
  spit(path, handmade_npy(3, "{'shape':(6,),'fortran_order':True,'descr':'<f8'}", bytes_of(six)));
  CHECK(read_npy<double>(path).data == six);
  spit(path, handmade_npy(1, "{'descr': 'u1', 'fortran_order': False, 'shape': (3,), }", "abc"));
  CHECK(read_npy<std::uint8_t>(path).data == std::vector<std::uint8_t>{'a', 'b', 'c'});
  // Trailing bytes after the data are an error (numpy ignores them): without a checksum, the
  // exact length is what tells a shape damaged to a smaller one.
  spit(path, handmade_npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }",
                          bytes_of(six) + "junk"));
  CHECK_THROWS_AS(read_npy<double>(path), wavekin::io_error);
  CHECK_THROWS_WITH(read_npy<double>(path), Contains("4 unexpected bytes after the data"));
}

// Catch2 2.13 has no SKIP: without python3 or numpy this test WARNs and returns,
// which counts as skipped.
TEST_CASE("numpy loads our files and we load numpy's") {
  TempDir dir;
  if (!have_numpy(dir.path)) {
    WARN("skipped: no python3 with numpy (WAVEKIN_TEST_PYTHON3='" WAVEKIN_TEST_PYTHON3 "')");
    return;
  }

  // Ours → numpy: a complex rank-3 array and an Eigen matrix.
  std::vector<std::complex<double>> field(2 * 3 * 4);
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 3; ++j)
      for (std::size_t k = 0; k < 4; ++k)
        field[(i * 3 + j) * 4 + k] = {100.0 * i + 10.0 * j + k, -0.5 * k};
  write_npy(dir.path / "field.npy", field, {2, 3, 4});
  Eigen::MatrixXd m(3, 5);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j) m(i, j) = i + 0.125 * j;
  write_npy(dir.path / "matrix.npy", m);
  const std::uint8_t bytes[3] = {0, 128, 255};
  write_npy(dir.path / "bytes.npy", bytes, {3});

  const char* check_ours = R"(
import sys, numpy as np
d = sys.argv[1]
f = np.load(d + "/field.npy")
assert f.dtype == np.complex128 and f.shape == (2, 3, 4), (f.dtype, f.shape)
i, j, k = np.meshgrid(np.arange(2), np.arange(3), np.arange(4), indexing="ij")
assert np.array_equal(f, 100.0 * i + 10.0 * j + k - 0.5j * k)
m = np.load(d + "/matrix.npy")
assert m.dtype == np.float64 and m.shape == (3, 5), (m.dtype, m.shape)
r, c = np.meshgrid(np.arange(3), np.arange(5), indexing="ij")
assert np.array_equal(m, r + 0.125 * c)
b = np.load(d + "/bytes.npy")
assert b.dtype == np.uint8 and list(b) == [0, 128, 255]
)";
  CHECK(run_python(dir.path, check_ours, dir.path.string()) == 0);

  // numpy → ours: C and Fortran order, float32, complex64, integers, a 0-d array.
  const char* write_theirs = R"(
import sys, numpy as np
d = sys.argv[1]
a = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 8
np.save(d + "/c_order.npy", a)
f = np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4) * 1.5)
assert f.flags.f_contiguous and not f.flags.c_contiguous
np.save(d + "/fortran.npy", f)
np.save(d + "/fortran3.npy", np.asfortranarray(a.astype(np.complex64) * (1 + 2j)))
np.save(d + "/float32.npy", np.linspace(0, 1, 5, dtype=np.float32))
np.save(d + "/int32.npy", np.array([-7, 0, 2**31 - 1], dtype=np.int32))
np.save(d + "/int64.npy", np.array([[-(2**40), 3]], dtype=np.int64))
np.save(d + "/scalar.npy", np.float64(6.25))
)";
  REQUIRE(run_python(dir.path, write_theirs, dir.path.string()) == 0);

  const auto c_order = read_npy<double>(dir.path / "c_order.npy");
  CHECK(c_order.shape == std::vector<std::size_t>{2, 3, 4});
  for (std::size_t n = 0; n < 24; ++n) CHECK(c_order.data[n] == static_cast<double>(n) / 8);

  CHECK(slurp(dir.path / "fortran.npy").find("'fortran_order': True") != std::string::npos);
  const auto fortran = read_npy<double>(dir.path / "fortran.npy");
  CHECK(fortran.shape == std::vector<std::size_t>{3, 4});
  for (std::size_t n = 0; n < 12; ++n) CHECK(fortran.data[n] == 1.5 * static_cast<double>(n));

  const auto fortran3 = read_npy<std::complex<float>>(dir.path / "fortran3.npy");
  CHECK(fortran3.shape == std::vector<std::size_t>{2, 3, 4});
  for (std::size_t n = 0; n < 24; ++n)
    CHECK(fortran3.data[n] ==
          std::complex<float>(static_cast<float>(n) / 8, static_cast<float>(n) / 4));

  const auto f32 = read_npy<float>(dir.path / "float32.npy");
  CHECK(f32.data == std::vector<float>{0.0f, 0.25f, 0.5f, 0.75f, 1.0f});
  CHECK(read_npy<std::int32_t>(dir.path / "int32.npy").data ==
        std::vector<std::int32_t>{-7, 0, 2147483647});
  const auto i64 = read_npy<std::int64_t>(dir.path / "int64.npy");
  CHECK(i64.shape == std::vector<std::size_t>{1, 2});
  CHECK(i64.data == std::vector<std::int64_t>{-(1LL << 40), 3});
  const auto scalar = read_npy<double>(dir.path / "scalar.npy");
  CHECK(scalar.shape.empty());
  CHECK(scalar.data == std::vector<double>{6.25});
}

}  // namespace wavekin_test_npy
