"""Plots of the vmse_liouville driver: Err_rho and Err_J against epsilon
(P2 Figs 2c-d, 5c-d), rho^eps against rho^0 and J^eps against J^0 at T
(Figs 2a-b, 5a-b), and the phase-space picture of W^0 with W^eps beside it
(Figs 1, 4)."""
# SPDX-License-Identifier: MIT
from plotting import open_run  # first: it selects matplotlib's file backend

import csv

import matplotlib.pyplot as plt
import numpy as np

out, summary, params = open_run()
examples = params["examples"]
results = summary["results"]


def save(fig, name):
    fig.tight_layout()
    fig.savefig(out / name, dpi=130)


with open(out / "errors.csv") as f:
    rows = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]

# Errors against epsilon.
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, key, label in ((axes[0], "err_rho", r"Err$_\rho$"), (axes[1], "err_current", r"Err$_J$")):
    for e in examples:
        sel = [r for r in rows if int(r["example"]) == e]
        eps = np.array([r["epsilon"] for r in sel])
        err = np.array([r[key] for r in sel])
        name = "rho" if key == "err_rho" else "current"
        entry = results[f"ex{e}_err_{name}_slope_asymptotic"]
        fitted_range = entry.get("description", "").rpartition(" over ")[2]
        ax.loglog(eps, err, "o-", label=f"example {e}: slope {entry['value']:.2f} over {fitted_range}")
        if len(eps):
            ref = err[-1] * (eps / eps[-1]) ** 2
            ax.loglog(eps, ref, ":", color="0.5")
    ax.set_xlabel(r"$\varepsilon$")
    ax.set_ylabel(label)
    ax.set_title(f"{label} at T (dotted: slope 2)")
    ax.legend(fontsize=8)
save(fig, "errors.png")

# Densities and currents at T.
fig, axes = plt.subplots(len(examples), 2, figsize=(11, 3.6 * len(examples)), squeeze=False)
for row, e in enumerate(examples):
    ns = sorted(int(r["n"]) for r in rows if int(r["example"]) == e)
    for col, (eps_name, lim_name, label) in enumerate(
        (("rho_eps", "rho_liouville", r"$\rho$"), ("current_eps", "current_liouville", "J"))
    ):
        ax = axes[row][col]
        for n in ns:
            run = out / "runs" / f"ex{e}_n{n}"
            x = np.load(run / "x.npy")
            ax.plot(x, np.load(run / f"{eps_name}.npy"), lw=0.9, label=rf"$\varepsilon=2^{{-{n}}}$")
        run = out / "runs" / f"ex{e}_n{ns[-1]}"
        limit = np.load(run / f"{lim_name}.npy")
        ax.plot(np.load(run / "x.npy"), np.where(np.isfinite(limit), limit, np.nan), "k--", lw=1.2,
                label="Liouville limit")
        ax.set_xlabel("x")
        ax.set_title(f"example {e}: {label} at T")
        ax.legend(fontsize=7)
save(fig, "densities.png")

# Phase space: the curve carrying W^0 at five times, and W^eps at T.
fig, axes = plt.subplots(len(examples), 2, figsize=(11, 3.8 * len(examples)), squeeze=False)
for row, e in enumerate(examples):
    curves = np.load(out / f"phase_ex{e}.npy")
    final_time = 0.5
    ax = axes[row][0]
    for i, curve in enumerate(curves):
        weight = curve[:, 2]
        keep = weight > 1e-3 * weight.max()
        t = final_time * i / (len(curves) - 1)
        ax.plot(curve[keep, 0], curve[keep, 1], lw=1.5, color=plt.cm.viridis(i / (len(curves) - 1)),
                label=f"t = {t:.3g}")
    ax.legend(fontsize=7)
    ax.set_xlabel("x")
    ax.set_ylabel("k")
    ax.set_title(f"example {e}: the curve carrying $W^0$ ($\\rho_I > 10^{{-3}}$)")
    ax = axes[row][1]
    wigner = out / f"wigner_ex{e}.npy"
    if wigner.exists():
        w = np.load(wigner)
        k = np.load(out / f"wigner_k_ex{e}.npy")
        x = np.load(out / f"wigner_x_ex{e}.npy")
        # The one-period window of the discrete transform leaves a ghost half a
        # box away from the packet (see wigner_transform.hpp): show W^eps only
        # where the packet is.
        n_w = params["wigner_n"]
        rho = np.load(out / "runs" / f"ex{e}_n{n_w}" / "rho_eps.npy")
        w = w * (rho > 1e-3 * rho.max())[:, None]
        vmax = np.abs(w).max()
        ax.pcolormesh(x, k, w.T, cmap="RdBu_r", vmin=-vmax, vmax=vmax, shading="auto")
        last = curves[-1]
        keep = last[:, 2] > 1e-3 * last[:, 2].max()
        ax.plot(last[keep, 0], last[keep, 1], "k-", lw=0.6)
        ax.set_title(f"example {e}: $W^\\varepsilon$ at T, $\\varepsilon = 2^{{-{n_w}}}$ (line: $W^0$)")
    else:
        ax.set_title("W^eps not computed (--wigner-n outside the run)")
    ax.set_xlabel("x")
    ax.set_ylabel("k")
save(fig, "phase_space.png")
