"""Plot of the vmse_rte driver: the RTE solution W(x, k) at t = 0.4 in phase space
(P2 Fig. 6) with its moments rho^0 and J^0."""
# SPDX-License-Identifier: MIT
from plotting import open_run  # first: it selects matplotlib's file backend


import matplotlib.pyplot as plt
import numpy as np

out, summary, parameters = open_run()
w = np.load(out / "W_final.npy")
x = np.load(out / "x.npy")
k = np.load(out / "k.npy")
rho = np.load(out / "rho_rte.npy")
current = np.load(out / "current_rte.npy")

fig, axes = plt.subplots(1, 2, figsize=(11, 4))
ax = axes[0]
rows = rho > 1e-3 * rho.max()
cols = w[rows].max(axis=0) > 1e-3 * w.max()
mesh = ax.pcolormesh(x[rows], k[cols], w[np.ix_(rows, cols)].T, shading="auto", cmap="viridis")
fig.colorbar(mesh, ax=ax)
ax.set_xlabel("x")
ax.set_ylabel("k")
ax.set_title(f"W(t = {parameters['final_time']}, x, k), dx = dk = 2^-{parameters['n']}")
ax = axes[1]
ax.plot(x, rho, label=r"$\rho^0 = \int W\,dk$")
ax.plot(x, current, label=r"$J^0 = m_0\int kW\,dk$")
ax.set_xlabel("x")
ax.set_title(f"moments at t = {parameters['final_time']}")
ax.legend()
fig.tight_layout()
fig.savefig(out / "rte_phase_space.png", dpi=130)

# Monte Carlo: E[rho^eps], E[J^eps] against the RTE moments (P2 Figs 7-8), the standard
# deviation of rho^eps and its covariance matrix at the smallest eps (Fig. 9).
mc_rows = []
if (out / "errors_mc.csv").exists():
    import csv

    with open(out / "errors_mc.csv") as f:
        mc_rows = [{key: float(value) for key, value in row.items()} for row in csv.DictReader(f)]
if mc_rows:
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    for row in mc_rows:
        n = int(row["n"])
        xs = np.load(out / f"mc_n{n}_x.npy")
        axes[0][0].plot(xs, np.load(out / f"mc_n{n}_mean_rho.npy"), lw=0.9,
                        label=rf"E[$\rho^\varepsilon$], $\varepsilon=2^{{-{n}}}$")
        axes[0][1].plot(xs, np.load(out / f"mc_n{n}_mean_current.npy"), lw=0.9,
                        label=rf"E[$J^\varepsilon$], $\varepsilon=2^{{-{n}}}$")
        axes[1][0].plot(xs, np.load(out / f"mc_n{n}_std_rho.npy"), lw=0.9,
                        label=rf"std $\rho^\varepsilon$, $\varepsilon=2^{{-{n}}}$")
    last = int(mc_rows[-1]["n"])
    xs = np.load(out / f"mc_n{last}_x.npy")
    axes[0][0].plot(xs, np.load(out / f"mc_n{last}_rho_rte.npy"), "k--", label=r"RTE $\rho^0$")
    axes[0][1].plot(xs, np.load(out / f"mc_n{last}_current_rte.npy"), "k--", label=r"RTE $J^0$")
    cov = np.load(out / f"mc_n{last}_cov_rho.npy")
    keep = np.diag(cov) > 1e-3 * np.diag(cov).max()
    vmax = np.abs(cov[np.ix_(keep, keep)]).max()
    mesh = axes[1][1].pcolormesh(xs[keep], xs[keep], cov[np.ix_(keep, keep)], cmap="RdBu_r",
                                 vmin=-vmax, vmax=vmax, shading="auto")
    fig.colorbar(mesh, ax=axes[1][1])
    axes[1][1].set_title(rf"Cov($\rho^\varepsilon(x)$, $\rho^\varepsilon(y)$), $\varepsilon=2^{{-{last}}}$")
    samples = int(mc_rows[-1]["samples"])
    axes[0][0].set_title(f"density at t = {parameters['final_time']} ({samples} samples)")
    axes[0][1].set_title("current")
    axes[1][0].set_title("standard deviation of the density")
    for ax in (axes[0][0], axes[0][1], axes[1][0]):
        ax.set_xlabel("x")
        ax.legend(fontsize=7)
    axes[1][1].set_xlabel("x")
    axes[1][1].set_ylabel("y")
    fig.tight_layout()
    fig.savefig(out / "mc.png", dpi=130)
