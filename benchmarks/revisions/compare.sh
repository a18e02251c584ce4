#!/bin/bash
# Builds compare (compare.cpp, propagators.cpp) from the working tree's headers and those of
# another revision, portable flags as the README's release build (AVX2 kernels picked at run
# time), and runs it. Usage, from the repository's root:
#   benchmarks/revisions/compare.sh REVISION PROPAGATOR POINTS [STEPS [ROUNDS]]
# e.g. benchmarks/revisions/compare.sh HEAD~1 magnus 320
# Run a propagator the change does not touch as a control: on the 2-core Zen 3 VM of
# benchmarks/RESULTS.md, identical code differed by up to ±6 % between two builds (where the
# arrays of the two objects fall relative to each other), so smaller differences are not resolved.
# SPDX-License-Identifier: MIT
set -euo pipefail
[ $# -ge 3 ] || { sed -n 2,10p "$0"; exit 2; }
revision=$1; shift
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$root" archive "$revision" include | tar -x -C "$work"
flags=(-std=c++20 -O3 -DNDEBUG -isystem /usr/include/eigen3 -I"$root/benchmarks/revisions" -I"$root/benchmarks")
here=$root/benchmarks/revisions
g++ "${flags[@]}" -DWAVEKIN_REVISION_OLD -I"$work/include" -c "$here/propagators.cpp" -o "$work/old.o" &
old=$!
g++ "${flags[@]}" -I"$root/include" -c "$here/propagators.cpp" -o "$work/new.o" &
new=$!
g++ "${flags[@]}" -c "$here/compare.cpp" -o "$work/compare.o"
wait "$old"
wait "$new"
g++ "$work/compare.o" "$work/old.o" "$work/new.o" -o "$work/compare" -lfftw3_threads -lfftw3 -lfmt
"$work/compare" "$@"
