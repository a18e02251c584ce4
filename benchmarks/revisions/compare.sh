#!/bin/bash
# Builds compare (compare.cpp, propagators.cpp) from the working tree's headers and those of
# another revision, portable flags as the README's release build (AVX2 kernels picked at run
# time), and runs it. Usage, from the repository's root:
#   benchmarks/revisions/compare.sh REVISION PROPAGATOR POINTS [STEPS [ROUNDS]]
# e.g. benchmarks/revisions/compare.sh HEAD~1 magnus 320
#   benchmarks/revisions/compare.sh --offset BYTES PROPAGATOR POINTS [STEPS [ROUNDS]]
# builds the "other revision" from the working tree too, with every AlignedVector block (the
# propagators' tables and work arrays) and the stepped wave u BYTES past a cache line: what an
# array off its cache line costs (std::allocator's blocks start on 16 bytes, so before
# AlignedVector about half of a run's tables fell 16 bytes off); --offset 0 is a control.
# Run a propagator the change does not touch as a control: on the 2-core Zen 3 VM of
# benchmarks/RESULTS.md, identical code differed by up to ±6 % between two builds while arrays
# fell where std::allocator put them, and by up to ±4 % with them on cache lines (--offset 0), so
# smaller differences are not resolved.
# SPDX-License-Identifier: MIT
set -euo pipefail
[ $# -ge 3 ] || { sed -n 2,15p "$0"; exit 2; }
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
old_flags=()
if [ "$1" = --offset ]; then
  offset=$2; shift 2
  [[ $offset =~ ^(0|16|32|48)$ ]] ||
    { echo "compare.sh: --offset takes 0, 16, 32 or 48 bytes, got '$offset'" >&2; exit 2; }
  cp -r "$root/include" "$work/include"
  header=$work/include/wavekin/core/aligned_vector.hpp
  # allocate: `offset` bytes into a block one cache line longer; deallocate: back to its start.
  sed -i \
    -e "s|::operator new(count \* sizeof(T), std::align_val_t{cache_line_bytes})|static_cast<void*>(static_cast<char*>(::operator new(count * sizeof(T) + cache_line_bytes, std::align_val_t{cache_line_bytes})) + $offset)|" \
    -e "s|::operator delete(p, std::align_val_t{cache_line_bytes})|::operator delete(static_cast<void*>(reinterpret_cast<char*>(p) - $offset), std::align_val_t{cache_line_bytes})|" \
    "$header"
  [ "$(grep -c "cache_line_bytes})) + $offset)\|- $offset), std::align_val_t" "$header")" -eq 2 ] ||
    { echo "compare.sh: could not place the blocks in $header (has its allocator changed?)" >&2; exit 1; }
  old_flags=(-DWAVEKIN_WAVE_OFFSET="$offset")
  echo "(the other revision: this tree with its arrays and u $offset bytes past a cache line)"
else
  revision=$1; shift
  git -C "$root" archive "$revision" include | tar -x -C "$work"
fi
flags=(-std=c++20 -O3 -DNDEBUG -isystem /usr/include/eigen3 -I"$root/benchmarks/revisions" -I"$root/benchmarks")
here=$root/benchmarks/revisions
g++ "${flags[@]}" "${old_flags[@]}" -DWAVEKIN_REVISION_OLD -I"$work/include" \
  -c "$here/propagators.cpp" -o "$work/old.o" &
old=$!
g++ "${flags[@]}" -I"$root/include" -c "$here/propagators.cpp" -o "$work/new.o" &
new=$!
g++ "${flags[@]}" -c "$here/compare.cpp" -o "$work/compare.o"
wait "$old"
wait "$new"
g++ "$work/compare.o" "$work/old.o" "$work/new.o" -o "$work/compare" -lfftw3_threads -lfftw3 -lfmt
"$work/compare" "$@"
