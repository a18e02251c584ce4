#!/usr/bin/env bash
# The README's two commands:  bash scripts/run.sh demo   |   bash scripts/run.sh test
#   demo: install missing Debian packages, build (release preset), run every
#         driver's --quick mode; outputs land in out/<driver>/.
#   test: install missing Debian packages, build (release preset), run the
#         default CTest suite (everything but tests labelled `long`).
# Idempotent: packages already present are not touched; the build is incremental.
# SPDX-License-Identifier: MIT
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

mode="${1:-}"
case "$mode" in
  demo|test|deps) ;;
  *) echo "usage: bash scripts/run.sh demo|test|deps" >&2; exit 2 ;;
esac

# Everything the library, tests, drivers and plots need, from Debian 12.
packages=(
  g++ make cmake pkg-config git ca-certificates
  libeigen3-dev libfftw3-dev libfmt-dev catch2 nlohmann-json3-dev libcli11-dev libspectra-dev
  python3 python3-numpy python3-matplotlib
  libopenmpi-dev openmpi-bin  # the MPI ensemble backend (WAVEKIN_WITH_MPI, on in the presets)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "== installing missing Debian packages: ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
[[ "$mode" == deps ]] && exit 0

drivers=()
while IFS= read -r line; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  drivers+=("$line")
done < "$here/examples/drivers.txt"

echo "== configuring (preset: release)"
cmake --preset release >/dev/null
if [[ "$mode" == test ]]; then
  echo "== building the library's tests and drivers"
  cmake --build --preset release
  echo "== running the test suite"
  exec ctest --preset release
fi

# The demo builds only what it runs: the drivers, not the test suite.
echo "== building the drivers: ${drivers[*]}"
cmake --build --preset release --target "${drivers[@]}"
echo "== running the drivers' --quick modes"
out="$here/out"
mkdir -p "$out"
for driver in "${drivers[@]}"; do
  echo "-- $driver --quick"
  "$here/build/release/examples/$driver/$driver" --quick --out "$out/$driver"
done
echo "== done: plots and summaries are in $out"
find "$out" -maxdepth 2 -type f | sort
