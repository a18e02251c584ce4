"""Plots of the p1_ground_truth driver: the relative error of the cell-averaged density (max over
t <= T) against eps for each u, finite-eps data and the two negative controls, log-log with the
fitted slopes; and the density snapshots (truth, model, product data) at the final time on the
rhombus torus, for the smallest eps and each u."""
# SPDX-License-Identifier: MIT
from plotting import open_run  # first: it selects matplotlib's file backend

import csv

import matplotlib.pyplot as plt
import numpy as np

out, summary, params = open_run()
eps_list = sorted(params["epsilons"], reverse=True)
us = params["u"]
rows = list(csv.DictReader(open(out / "errors.csv")))
runs = ["finite", "product", "transposed"]


def max_error(eps, u, run, quantity):
    vals = [float(r[quantity]) for r in rows
            if float(r["epsilon"]) == eps and float(r["u"]) == u and int(float(r["run"])) == run]
    return max(vals)


def tag(v):
    return f"{v:g}"


fig = plt.figure(figsize=(4.2 * (1 + len(us)), 8.4))
grid = fig.add_gridspec(2, 1 + len(us))
colors = plt.cm.viridis(np.linspace(0, 0.85, len(us)))
ax = fig.add_subplot(grid[:, 0])
for i, u in enumerate(us):
    e = np.array(eps_list)
    for run, style in ((0, "o-"), (1, "s:"), (2, "^--")):
        err = [max_error(x, u, run, "rho") for x in eps_list]
        label = f"u = {u:g}" if run == 0 else None
        ax.loglog(e, err, style, color=colors[i], ms=4, label=label)
    key = f"u{tag(u)}_rho_rate"
    if key in summary["results"]:
        ax.text(e[-1], max_error(eps_list[-1], u, 0, "rho"),
                f"  slope {summary['results'][key]['value']:.2f}", fontsize=7, color=colors[i])
ax.set_xlabel(r"$\varepsilon$")
ax.set_ylabel(r"max$_t$ |$\bar\rho_{model} - \bar\rho_{true}$| / max $\bar\rho_{true}(0)$")
ax.set_title("density error: o finite-eps data,\n s product data, ^ D for D^T", fontsize=9)
ax.legend(fontsize=7)
eps = eps_list[-1]
xy = np.load(out / f"x_points_eps{tag(eps)}.npy")
for i, u in enumerate(us):
    rho = np.load(out / f"rho_eps{tag(eps)}_u{tag(u)}.npy")  # (S+1) x 4 x N x N
    vmax = rho[-1, 0].max()
    for row, (index, name) in enumerate(((0, "truth (1.2)"), (1, "model (3.16), finite-eps data"))):
        a = fig.add_subplot(grid[row, 1 + i])
        a.tripcolor(xy[..., 0].ravel(), xy[..., 1].ravel(), rho[-1, index].ravel(),
                    shading="gouraud", vmin=0, vmax=vmax, cmap="magma")
        a.set_aspect("equal")
        a.set_xticks([])
        a.set_yticks([])
        a.set_title(f"{name}\neps = {eps:g}, u = {u:g}, t = {params['final_time']:g}",
                    fontsize=8)
fig.tight_layout()
fig.savefig(out / "p1_ground_truth.png", dpi=110)
print(f"p1_ground_truth: wrote {out / 'p1_ground_truth.png'}")
