// A deterministic mutation fuzzer for the io readers (read_npy, read_checkpoint, ResultCache):
// every damaged file is either read back exactly as written or rejected with wavekin::io_error,
// and no read allocates more than a small multiple of the file's size.
// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <complex>
#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <typeinfo>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "wavekin/io/checkpoint.hpp"
#include "wavekin/io/npy.hpp"
#include "wavekin/io/result_cache.hpp"

#include "allocation_meter.hpp"
#include "test_files.hpp"

// One namespace per test file: the module's files build as one unity TU.
namespace wavekin_test_fuzz_readers {

namespace fs = std::filesystem;
using wavekin::test::slurp;
using wavekin::test::TempDir;
using wavekin::test::write_bytes;

namespace {

enum class Outcome { rejected, equal, different };

// One damaged input: its bytes, what was done, and where.
struct Mutant {
  std::string bytes;
  std::string what;
  // Only bytes at or after `first` were changed in place (bit flips, overwrites): with
  // first >= the data offset of a checksum-less format, a different payload is undetectable.
  bool in_place = false;
  std::size_t first = 0;
};

// A valid file, how to read it back and compare it with what was written, and where its
// header fields are, for the targeted mutations.
struct Seed {
  std::string name;
  std::string bytes;
  std::function<Outcome(const fs::path&)> read;
  bool has_checksum = false;
  std::size_t data_offset = 0;  // first payload byte (checksum-less formats)
  std::size_t header_end = 0;   // truncation is tried at every length up to here
  // Little-endian length fields: offset and width in bytes.
  std::vector<std::pair<std::size_t, std::size_t>> length_fields;
  // Text replacements (shape, array counts): each makes one mutant, length field kept.
  std::vector<std::pair<std::string, std::string>> edits;
  // A bound on the peak heap bytes of one read, as a multiple of the file size (+ 4 KiB).
  double allocation_factor = 2;
};

struct Tally {
  long tried = 0, rejected = 0, equal = 0, payload_differs = 0, different = 0;
  long long worst_peak = 0;
  std::size_t worst_size = 0;
};

class Fuzzer {
 public:
  explicit Fuzzer(std::uint64_t seed) : m_rng(seed) {}

  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(m_rng() % n); }

  // The random mutations: bit flips, interesting bytes, truncation, insertion, deletion.
  Mutant random_mutant(const std::string& bytes) {
    static constexpr std::array<unsigned char, 4> interesting = {0x00, 0xFF, 0x7F, 0x80};
    Mutant m{bytes, "", true, bytes.size()};
    switch (below(5)) {
      case 0: {
        const std::size_t flips = 1 + below(4);
        for (std::size_t f = 0; f < flips; ++f) {
          const std::size_t at = below(bytes.size());
          m.bytes[at] = static_cast<char>(m.bytes[at] ^ (1 << below(8)));
        }
        // Two flips of one bit cancel: the first byte that differs is what counts.
        m.first = static_cast<std::size_t>(
            std::mismatch(bytes.begin(), bytes.end(), m.bytes.begin()).first - bytes.begin());
        m.what = fmt::format("{} bit flip(s) from byte {}", flips, m.first);
        break;
      }
      case 1: {
        const std::size_t at = below(bytes.size());
        const auto value = interesting[below(interesting.size())];
        m.bytes[at] = static_cast<char>(value);
        m.first = at;
        m.what = fmt::format("byte {} := {:#04x}", at, value);
        break;
      }
      case 2: {
        const std::size_t keep = below(bytes.size());
        m.bytes.resize(keep);
        m.in_place = false;
        m.what = fmt::format("truncated to {} bytes", keep);
        break;
      }
      case 3: {
        const std::size_t at = below(bytes.size() + 1);
        m.bytes.insert(at, 1, static_cast<char>(below(256)));
        m.in_place = false;
        m.what = fmt::format("byte inserted at {}", at);
        break;
      }
      default: {
        const std::size_t at = below(bytes.size());
        m.bytes.erase(at, 1);
        m.in_place = false;
        m.what = fmt::format("byte {} deleted", at);
        break;
      }
    }
    return m;
  }

  // The targeted mutations: truncation at every header boundary, edits of the length fields
  // (0, ±1, all ones, sign bit, random) and the seed's text edits (shape, counts).
  std::vector<Mutant> targeted_mutants(const Seed& seed) {
    std::vector<Mutant> out;
    const std::size_t size = seed.bytes.size();
    for (std::size_t keep = 0; keep <= std::min(seed.header_end, size - 1); ++keep)
      out.push_back({seed.bytes.substr(0, keep), fmt::format("truncated to {} bytes", keep)});
    for (const std::size_t keep : {size - 1, size - 8, size / 2})
      out.push_back({seed.bytes.substr(0, keep), fmt::format("truncated to {} bytes", keep)});
    for (const auto& [offset, width] : seed.length_fields) {
      std::uint64_t original = 0;
      std::memcpy(&original, seed.bytes.data() + offset, width);
      const std::uint64_t ones = width == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * width)) - 1;
      for (const std::uint64_t value :
           {std::uint64_t{0}, std::uint64_t{1}, original - 1, original + 1, original + 64, ones,
            ones >> 1, (ones >> 1) + 1, std::uint64_t{0xFFFFFFFF}, std::uint64_t{m_rng()}}) {
        const std::uint64_t field = value & ones;
        if (field == original) continue;
        Mutant m{seed.bytes, fmt::format("length field at {} := {}", offset, field)};
        std::memcpy(m.bytes.data() + offset, &field, width);
        out.push_back(std::move(m));
      }
    }
    for (const auto& [from, to] : seed.edits) {
      const auto at = seed.bytes.find(from);
      REQUIRE(at != std::string::npos);
      Mutant m{seed.bytes, fmt::format("'{}' -> '{}'", from, to)};
      m.bytes.replace(at, from.size(), to);
      out.push_back(std::move(m));
    }
    return out;
  }

 private:
  std::mt19937_64 m_rng;
};

// Writes the mutant, reads it, classifies it; any exception but io_error fails the test.
void run_one(const Seed& seed, const Mutant& m, const fs::path& path, Tally& tally) {
  // A new file each time: truncating and rewriting one makes ext4 flush it on close
  // (auto_da_alloc), a few milliseconds per input.
  fs::remove(path);
  write_bytes(path, m.bytes);
  ++tally.tried;
  Outcome outcome = Outcome::rejected;
  long long peak = 0;
  try {
    const wavekin::test::AllocationPeak meter;
    try {
      outcome = seed.read(path);
    } catch (const wavekin::io_error&) {
      outcome = Outcome::rejected;
    }
    peak = meter.bytes();
  } catch (const std::exception& e) {
    FAIL_CHECK(fmt::format("{} [{}]: {} escaped the reader: {}", seed.name, m.what,
                           typeid(e).name(), e.what()));
    return;
  }
  const auto bound = static_cast<long long>(seed.allocation_factor *
                                            static_cast<double>(m.bytes.size())) +
                     (4 << 10);
  if (peak > bound)
    FAIL_CHECK(fmt::format("{} [{}]: a read of {} bytes allocated {} bytes at its peak", seed.name,
                           m.what, m.bytes.size(), peak));
  if (peak - static_cast<long long>(m.bytes.size()) >
      tally.worst_peak - static_cast<long long>(tally.worst_size)) {
    tally.worst_peak = peak;
    tally.worst_size = m.bytes.size();
  }
  switch (outcome) {
    case Outcome::rejected: ++tally.rejected; break;
    case Outcome::equal: ++tally.equal; break;
    case Outcome::different:
      // .npy has no checksum: a flipped bit of the payload is a valid file with other numbers,
      // which no reader can tell. Everything else about the file (magic, version, header
      // length, dict, shape, exact length) is checked, so any other accepted change is a bug.
      if (!seed.has_checksum && m.in_place && m.first >= seed.data_offset) {
        ++tally.payload_differs;
      } else {
        ++tally.different;
        FAIL_CHECK(fmt::format("{} [{}]: accepted, but read back different", seed.name, m.what));
      }
      break;
  }
}

template <class T>
Seed npy_seed(std::string name, const fs::path& path, const std::vector<T>& values,
              const std::vector<std::size_t>& shape, bool fortran_order, unsigned major) {
  wavekin::io::write_npy(path, values.data(), std::span<const std::size_t>(shape), fortran_order);
  std::string bytes = slurp(path);
  std::size_t length_width = 2;
  if (major > 1) {
    // Our writer makes version 1.0; versions 2.0 and 3.0 differ only in a 4-byte length field.
    bytes[6] = static_cast<char>(major);
    bytes.insert(10, 2, '\0');
    length_width = 4;
  }
  std::uint32_t header_len = 0;
  std::memcpy(&header_len, bytes.data() + 8, length_width);
  Seed seed;
  seed.name = std::move(name);
  seed.data_offset = 8 + length_width + header_len;
  seed.header_end = seed.data_offset + 1;
  seed.bytes = std::move(bytes);
  seed.length_fields = {{8, length_width}};
  // Shapes the payload does not fit; each must be rejected.
  const std::string tuple = wavekin::io::detail::python_tuple(shape);
  for (const std::string other : {"()", "(0,)", "(1,)", "(0, 0)", "(99999999999, 2)",
                                  "(18446744073709551615,)", "(4294967296, 4294967296)",
                                  "(-1,)", "(1 2)", "(2, 3, 1000000)"})
    if (other != tuple) seed.edits.emplace_back("'shape': " + tuple, "'shape': " + other);
  seed.edits.emplace_back("'descr'", "'descx'");
  seed.read = [values, shape, fortran_order](const fs::path& file) {
    const auto array = wavekin::io::read_npy<T>(file);
    // read_npy returns C order; the seed was written in the order the flag says.
    std::vector<T> expected = values;
    if (fortran_order) {
      expected.clear();
      const std::size_t rows = shape[0], cols = shape[1];
      for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j) expected.push_back(values[j * rows + i]);
    }
    const bool same = array.shape == shape && array.data.size() == expected.size() &&
                      (expected.empty() || std::memcmp(array.data.data(), expected.data(),
                                                       expected.size() * sizeof(T)) == 0);
    return same ? Outcome::equal : Outcome::different;
  };
  return seed;
}

Seed checkpoint_seed(const fs::path& path) {
  wavekin::io::Checkpoint c;
  c.kind = "fuzz.kind";
  c.parameters = {{"samples", 100}, {"epsilon", 0.015625}, {"grid", {{"points", 64}}}};
  c.state = {{"completed", 3}};
  c.set_array("values", {0.1, -0.0, 1e-310, 1.0 / 3.0, -7.25});
  c.set_array("empty", {});
  c.set_array("more", {2.5, -1e300, 42});
  wavekin::io::write_checkpoint(path, c);
  Seed seed;
  seed.name = "checkpoint";
  seed.bytes = slurp(path);
  seed.has_checksum = true;
  const std::size_t prefix = 9 + 4 + 8;
  std::uint64_t header_bytes = 0;
  std::memcpy(&header_bytes, seed.bytes.data() + 13, 8);
  seed.header_end = prefix + header_bytes + 1;
  seed.length_fields = {{9, 4}, {13, 8}};
  for (const std::string other : {"0", "4", "6", "99999999999", "18446744073709551615", "-5",
                                  "1e300", "5.5", "null", "\"5\""})
    seed.edits.emplace_back("\"count\":5", "\"count\":" + other);
  seed.edits.emplace_back("\"dtype\":\"<f8\"", "\"dtype\":\"<f4\"");
  seed.edits.emplace_back("\"arrays\":[", "\"arrays\":{\"x\":[");
  // The JSON header, the arrays and the checksum make a file of up to 2 copies of its bytes
  // plus the parsed header's nodes (a few times the header's text).
  seed.allocation_factor = 4;
  seed.read = [c](const fs::path& file) {
    const auto read = wavekin::io::read_checkpoint(file);
    bool same = read.kind == c.kind && read.parameters == c.parameters && read.state == c.state &&
                read.arrays().size() == c.arrays().size();
    for (std::size_t a = 0; same && a < c.arrays().size(); ++a) {
      const auto& [name, values] = c.arrays()[a];
      const auto& [read_name, read_values] = read.arrays()[a];
      same = name == read_name && values.size() == read_values.size() &&
             (values.empty() || std::memcmp(values.data(), read_values.data(),
                                            values.size() * sizeof(double)) == 0);
    }
    return same ? Outcome::equal : Outcome::different;
  };
  return seed;
}

Seed result_cache_seed(const fs::path& folder) {
  static const nlohmann::json parameters{{"n", 7}, {"epsilon", 0.0078125}, {"label", "ex1"}};
  static const nlohmann::json result{
      {"series", std::vector<double>{0.1, 1.0 / 3.0, -2.5e-300, 6.02214076e23}}, {"count", 42}};
  std::ostringstream notices;
  const wavekin::io::ResultCache cache(folder, wavekin::io::ResultCache::Mode::reuse, notices);
  const auto stored = cache.store("r", parameters, result);
  Seed seed;
  seed.name = "result cache";
  seed.bytes = slurp(cache.path("r"));
  seed.has_checksum = true;
  seed.header_end = seed.bytes.size();
  seed.edits = {{"\"count\":42", "\"count\":43"},
                {"\"format\":\"wavekin.result_cache.v1\"", "\"format\":1"},
                {"\"checksum\":\"", "\"checksum\":7,\"x\":\""},
                {"\"n\":7", "\"n\":7.0"}};
  // The parsed JSON document: a few nodes of 16 bytes per number of a few characters.
  seed.allocation_factor = 16;
  seed.read = [folder, stored](const fs::path&) {
    // The get-or-compute path: a damaged file is a notice and a recomputation, never an
    // exception; here `find` returning nothing is the rejection.
    std::ostringstream notices;
    const wavekin::io::ResultCache cache(folder, wavekin::io::ResultCache::Mode::reuse, notices);
    const auto found = cache.find("r", parameters);
    if (!found) {
      CHECK_THAT(notices.str(), Catch::Matchers::Contains("r.json"));
      return Outcome::rejected;
    }
    return *found == stored ? Outcome::equal : Outcome::different;
  };
  return seed;
}

}  // namespace

TEST_CASE("fuzzed npy, checkpoint and result-cache files are read back exactly or rejected with "
          "io_error, within a bounded allocation",
          "[io][fuzz]") {
  TempDir dir("fuzz");
  std::vector<Seed> seeds;
  {
    std::vector<double> twelve(12);
    for (std::size_t i = 0; i < twelve.size(); ++i) twelve[i] = static_cast<double>(i) / 7 - 0.5;
    std::vector<std::complex<float>> six;
    for (int i = 0; i < 6; ++i) six.emplace_back(0.25f * static_cast<float>(i), -1.0f / (i + 3.0f));
    const std::vector<std::int64_t> longs = {-40'000'000'000, 3, 0, 1LL << 62, -1};
    const std::vector<std::uint8_t> bytes = {0, 1, 127, 128, 255, 7, 9};
    seeds.push_back(npy_seed("npy v1 <f8 (3, 4)", dir.path / "a.npy", twelve, {3, 4}, false, 1));
    seeds.push_back(npy_seed("npy v1 <c8 (2, 3) fortran", dir.path / "b.npy", six, {2, 3}, true, 1));
    seeds.push_back(npy_seed("npy v2 <i8 (5,)", dir.path / "c.npy", longs, {5}, false, 2));
    seeds.push_back(npy_seed("npy v3 |u1 (7,)", dir.path / "d.npy", bytes, {7}, false, 3));
    seeds.push_back(checkpoint_seed(dir.path / "e.ckpt"));
    seeds.push_back(result_cache_seed(dir.path / "cache"));
  }

  Fuzzer fuzzer(0x5EED'F0CA'CC1A'0001ULL);  // fixed: every run tries the same inputs
  constexpr int random_per_seed = 500;
  Tally total;
  for (const auto& seed : seeds) {
    const fs::path path = seed.name == "result cache" ? dir.path / "cache" / "r.json"
                                                      : dir.path / ("fuzz" + seed.name.substr(0, 3));
    Tally tally;
    // The seed itself first: it must read back exactly.
    run_one(seed, {seed.bytes, "unchanged"}, path, tally);
    REQUIRE(tally.equal == 1);
    for (const auto& m : fuzzer.targeted_mutants(seed)) run_one(seed, m, path, tally);
    for (int i = 0; i < random_per_seed; ++i)
      run_one(seed, fuzzer.random_mutant(seed.bytes), path, tally);
    fmt::print(
        "fuzz {:<26} tried {:5}  rejected {:5}  accepted-and-equal {:4}  accepted, payload differs "
        "(format has no checksum) {:4}  accepted-but-different {}  worst peak {} B for a {} B "
        "file\n",
        seed.name, tally.tried, tally.rejected, tally.equal, tally.payload_differs,
        tally.different, tally.worst_peak, tally.worst_size);
    CHECK(tally.different == 0);
    CHECK(tally.rejected > 0);
    total.tried += tally.tried;
    total.rejected += tally.rejected;
    total.equal += tally.equal;
    total.payload_differs += tally.payload_differs;
    total.different += tally.different;
  }
  fmt::print("fuzz total: tried {}, rejected {}, accepted-and-equal {}, accepted with a different "
             "payload (npy, no checksum) {}, accepted-but-different {}\n",
             total.tried, total.rejected, total.equal, total.payload_differs, total.different);
  std::fflush(stdout);
  CHECK(total.tried >= 3000);
  CHECK(total.different == 0);
}

}  // namespace wavekin_test_fuzz_readers
