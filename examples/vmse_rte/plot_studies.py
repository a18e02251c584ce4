"""Figures of the vmse_rte Monte Carlo studies in docs/radiative_transfer.md: convergence
(P2 Fig. 8), (D, p0) pairs (Fig. 7) and the wrong scalings gamma = 1, 0.4 (Figs 10-11).

Usage: plot_studies.py OUT_DIR [convergence RUN...] [pairs RUN...] [gamma RUN_G1 RUN_G04 RUN_HALF]
Each RUN is an output folder of vmse_rte --mode mc; a keyword starts a figure's list."""
# SPDX-License-Identifier: MIT
import csv
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent / "common"))  # run from the source tree
from plotting import read_summary  # noqa: E402  (before pyplot: it selects the file backend)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

A, X0, T = 256.0, 0.3, 0.4  # the driver's packet and final time


def rows(run):
    with open(Path(run) / "errors_mc.csv") as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]


def parameters(run):
    summary = read_summary(run)
    return {k: e["value"] for k, e in summary["parameters"].items()}


def load(run, n, name):
    return np.load(Path(run) / f"mc_n{n}_{name}.npy")


def noise_bound(r):
    """The driver's err_rho_noise_bound, or the same from std_rho for older outputs."""
    if "err_rho_noise_bound" in r:
        return r["err_rho_noise_bound"]
    n = int(r["n"])
    x = load(r["run"], n, "x")
    return load(r["run"], n, "std_rho").sum() * (x[1] - x[0]) / np.sqrt(r["samples"])


def convergence(out, runs):
    data = sorted((r for run in runs for r in [dict(rows(run)[0], run=run)]), key=lambda r: r["n"])
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for r in data:
        n = int(r["n"])
        axes[0].plot(load(r["run"], n, "x"), load(r["run"], n, "mean_rho"), lw=0.9,
                     label=rf"E[$\rho^\varepsilon$], $\varepsilon=2^{{-{n}}}$ ({int(r['samples'])})")
    last = data[-1]
    axes[0].plot(load(last["run"], int(last["n"]), "x"), load(last["run"], int(last["n"]), "rho_rte"),
                 "k--", label=r"RTE $\rho^0$")
    axes[0].set_xlim(0.4, 1.5)
    axes[0].set_xlabel("x")
    axes[0].set_title("density at t = 0.4, D = p0 = 1.5")
    axes[0].legend(fontsize=7)
    eps = np.array([r["epsilon"] for r in data])
    err = np.array([r["err_rho"] for r in data])
    noise = np.array([noise_bound(r) for r in data])
    axes[1].errorbar(eps, err, yerr=noise, fmt="o-", label=r"Err$_\rho$ (bar: MC bound)")
    axes[1].loglog(eps, [r["err_current"] for r in data], "s-", label=r"Err$_J$")
    axes[1].loglog(eps, err[-1] * eps / eps[-1], "k:", label=r"$O(\varepsilon)$")
    axes[1].set_xscale("log", base=2)
    axes[1].set_yscale("log")
    axes[1].set_xlabel(r"$\varepsilon$")
    axes[1].legend(fontsize=7)
    axes[1].set_title("L1 errors (P2 (4.29))")
    fig.tight_layout()
    fig.savefig(out / "vmse_rte_convergence.png", dpi=80)


def pairs(out, runs):
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for i, run in enumerate(runs):
        p = parameters(run)
        n = int(rows(run)[0]["n"])
        x = load(run, n, "x")
        c = f"C{i}"
        label = f"D = {p['D']}, p0 = {p['p0']}"
        axes[0].plot(x, load(run, n, "mean_rho"), c, lw=0.9, label=label)
        axes[0].plot(x, load(run, n, "rho_rte"), c + "--", lw=0.9)
        axes[1].plot(x, load(run, n, "mean_current"), c, lw=0.9, label=label)
        axes[1].plot(x, load(run, n, "current_rte"), c + "--", lw=0.9)
    axes[0].set_title(r"E[$\rho^\varepsilon$] (solid, $\varepsilon = 2^{-8}$) and RTE $\rho^0$ (dashed)")
    axes[1].set_title(r"E[$J^\varepsilon$] and RTE $J^0$")
    for ax in axes:
        ax.set_xlim(0.4, 1.6)
        ax.set_xlabel("x")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "vmse_rte_pairs.png", dpi=80)


def gamma(out, runs):
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.5))
    for row, run in enumerate(runs[:2]):
        g = parameters(run)["mc_gamma"]
        for r in rows(run):
            n = int(r["n"])
            x = load(run, n, "x")
            axes[row][0].plot(x, load(run, n, "mean_rho"), lw=0.9, label=rf"$\varepsilon=2^{{-{n}}}$")
            axes[row][1].plot(x, load(run, n, "std_rho"), lw=0.9, label=rf"$\varepsilon=2^{{-{n}}}$")
        axes[row][0].plot(x, load(run, n, "rho_rte"), "k--", label=r"RTE $\rho^0$ ($\gamma$ = 1/2)")
        axes[row][0].plot(x, np.exp(-2 * A * (x - X0 - 1.5 * T) ** 2), "k:",
                          label="free transport (no scattering)")
        axes[row][0].set_title(rf"E[$\rho^\varepsilon$], $m = 1 + \varepsilon^{{{g}}} m_1$")
        axes[row][1].set_title(rf"std $\rho^\varepsilon$, $\gamma$ = {g}")
        for ax in axes[row]:
            ax.set_xlim(0.4, 1.5)
            ax.set_xlabel("x")
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "vmse_rte_gamma.png", dpi=80)


out = Path(sys.argv[1])
lists, key = {}, None
for arg in sys.argv[2:]:
    if arg in ("convergence", "pairs", "gamma"):
        key = arg
        lists[key] = []
    else:
        lists[key].append(arg)
for key, runs in lists.items():
    {"convergence": convergence, "pairs": pairs, "gamma": gamma}[key](out, runs)
