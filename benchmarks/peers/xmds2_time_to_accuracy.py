#!/usr/bin/env python3
# XMDS2's RK4IP on P2 §4.1.2 ex. 1 (benchmarks/peers/p2_ex1.xmds): L¹(ρ) time error at T = 0.5
# against XMDS2's own run at 64× P2's step count, and the simulation time XMDS2 reports, for a
# sweep of step counts. The peer of benchmarks/bench_time_to_accuracy.cpp (same ε, grid, packet,
# T; the spatial discretisation differs — XMDS2 applies m u_xx + m_x u_x, wavekin D m D — so each
# code's time error is measured against its own converged run).
# SPDX-License-Identifier: MIT
#
# Usage: python3 benchmarks/peers/xmds2_time_to_accuracy.py [n] [x0]   (n = 6: ε = 2^-6;
#        x0 = 0.25, P2's packet, or 0.625, centred). Needs xmds2 (apt-get install xmds2); exits 0
#        with a notice when it is missing. Child processes are started with argument lists.
import math
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

here = pathlib.Path(__file__).resolve().parent


def run(template, work, n, x0, steps):
    eps = 2.0 ** -n
    points = int(round(1.25 * 2 ** (n + 2)))
    text = (template.replace("EPSILON", repr(eps)).replace("POINTS", str(points))
            .replace("STEPS", str(steps)).replace("X0", repr(x0)))
    script = work / f"p2ex1_{steps}.xmds"
    script.write_text(text)
    subprocess.run(["xmds2", script.name], cwd=work, check=True, capture_output=True)
    out = subprocess.run(["./p2ex1"], cwd=work, check=True, capture_output=True, text=True).stdout
    seconds = float(re.search(r"Time elapsed for simulation is: ([0-9.eE+-]+) seconds", out).group(1))
    xsil = (work / "p2ex1.xsil").read_text()
    streams = re.findall(r"<Stream><Metalink[^>]*/>\s*(.*?)\s*</Stream>", xsil, re.S)
    rows = [line.split() for line in streams[-1].strip().splitlines()]
    rho = [float(r[1]) for r in rows]
    return rho, seconds, 1.25 / points


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    x0 = float(sys.argv[2]) if len(sys.argv) > 2 else 0.25
    if shutil.which("xmds2") is None:
        print("xmds2 not installed (apt-get install xmds2): peer benchmark skipped")
        return 0
    template = (here / "p2_ex1.xmds").read_text()
    paper_steps = math.ceil(0.5 / 2 ** (-1.2 * n - 3))
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        reference, _, dx = run(template, work, n, x0, 64 * paper_steps)
        check, _, _ = run(template, work, n, x0, 32 * paper_steps)
        ref_error = sum(abs(a - b) for a, b in zip(check, reference)) * dx
        print(f"n = {n} x0 = {x0} xmds2 RK4IP reference error (32K vs 64K) {ref_error:.2e}")
        for factor in (0.5, 0.75, 1, 2, 4, 8, 16):
            steps = int(round(factor * paper_steps))
            try:
                rho, seconds, _ = run(template, work, n, x0, steps)
            except subprocess.CalledProcessError as e:
                print(f"n = {n} xmds2 RK4IP K = {steps:7d}  failed ({e.returncode})")
                continue
            error = sum(abs(a - b) for a, b in zip(rho, reference)) * dx
            if not math.isfinite(error):
                print(f"n = {n} xmds2 RK4IP K = {steps:7d}  unstable (non-finite density)")
                continue
            print(f"n = {n} xmds2 RK4IP K = {steps:7d}  L1(rho) error {error:.3e}  {seconds:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
