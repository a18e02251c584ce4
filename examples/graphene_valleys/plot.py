"""Plots of the graphene_valleys driver: valley populations and coherences against time for every
piece (with the closed form (1 - exp(-2 gamma t))/2 of the coupled ones), the densities
rho_K, rho_K' at the snapshot times of the coupled Gaussian piece, and x-t pictures of the y = 0
slice of both densities with and without randomness, and the (5.2) runs on the balls around K
and K' against (5.3)-(5.4)."""
# SPDX-License-Identifier: MIT
from plotting import label_axes, open_run  # first: it selects matplotlib's file backend


import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import PowerNorm

out, summary, params = open_run()
box = params["box_length"]
pieces = summary["pieces"]
x = np.load(out / "x.npy")
snap_t = np.load(out / "snapshot_times.npy")
series = {p["name"]: np.load(out / f"series_{p['name']}.npy") for p in pieces}
colors = dict(zip([p["name"] for p in pieces], ["k", "tab:blue", "tab:red", "tab:green"]))


def label(p):
    if p["correlation"] == "none":
        return "no randomness"
    return f"{p['correlation']} $\\ell$ = {p['length']:g}"


# 1. Populations and coherences.
fig, axes = plt.subplots(1, 3, figsize=(15, 4.4))
for p in pieces:
    s = series[p["name"]]
    t, c = s[:, 0], colors[p["name"]]
    lw = 3.5 if p["correlation"] == "none" else 1.5
    axes[0].plot(t, s[:, 1], color=c, lw=lw, label=f"$P_K$, {label(p)}")
    axes[0].plot(t, s[:, 2], color=c, ls="--")
    rate2 = p["checks"].get("relaxation_isotropic") or 0.0  # 2 gamma
    if p["correlation"] != "none" and rate2 * t[-1] > 1e-3:
        axes[0].plot(t, 0.5 * (1 - np.exp(-rate2 * t)), color=c, ls=":", lw=2.5, alpha=0.6)
    axes[1].plot(t, s[:, 3], color=c, lw=lw, label=f"$C_K$, {label(p)}")
    axes[1].plot(t, s[:, 4], color=c, ls="--")
    kp = s[:, 2]
    if np.any(kp[1:] > 0):
        axes[2].semilogy(t[1:], kp[1:], color=c, label=label(p))
for ax, title in zip(axes, [
        "valley populations $P_K$ (solid), $P_{K'}$ (dashed);\n"
        "dotted: $(1 - e^{-2\\gamma t})/2$, $\\gamma$ from $\\hat R$",
        "coherences $|\\int\\sigma_{12}\\,dx|/N_0$: K (solid), K' (dashed)",
        "$P_{K'}(t)$ (log scale; exactly 0 without randomness)"]):
    label_axes(ax, title, xlabel="t", legend=True)
fig.tight_layout()
fig.savefig(out / "graphene_valleys_populations.png", dpi=90)
plt.close(fig)

# 2. Densities of the coupled Gaussian piece at the snapshot times.
coupled = "gaussian_short" if "gaussian_short" in series else pieces[-1]["name"]
density = np.load(out / f"density_{coupled}.npy")  # snapshots x 2 x N x N
ns = density.shape[0]
fig, axes = plt.subplots(2, ns, figsize=(2.3 * ns + 1, 4.8), squeeze=False)
extent = [-box / 2, box / 2, -box / 2, box / 2]
for v, name in enumerate(["K", "K'"]):
    vmax = density[:, v].max()
    for i in range(ns):
        ax = axes[v][i]
        # Grid layout: axis 0 (first index) is x, axis 1 is y; imshow wants rows = y.
        im = ax.imshow(np.maximum(density[i, v].T, 0), origin="lower", extent=extent,
                       cmap="magma", norm=PowerNorm(0.5, vmin=0, vmax=vmax if vmax > 0 else 1))
        ax.set_title(f"$\\rho_{{{name}}}$, t = {snap_t[i]:.2f}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(im, ax=axes[v].tolist(), shrink=0.8)
fig.suptitle(f"densities tr $\\sigma^v(x)$, {coupled} (square-root scale, shared per valley)",
             fontsize=10)
fig.savefig(out / "graphene_valleys_density.png", dpi=80)
plt.close(fig)

# 3. x-t pictures of the y = 0 slice: transport (ring at speed lambda#) and valley transfer.
shown = [n for n in ("none", coupled) if n in series]
fig, axes = plt.subplots(len(shown), 2, figsize=(10, 3.6 * len(shown)), squeeze=False)
for row, name in enumerate(shown):
    sl = np.load(out / f"slice_{name}.npy")  # (K+1) x 2 x N
    t = series[name][:, 0]
    for v, vname in enumerate(["K", "K'"]):
        ax = axes[row][v]
        vmax = sl[:, v, :].max()
        im = ax.imshow(np.maximum(sl[:, v, :], 0), origin="lower", aspect="auto", cmap="magma",
                       norm=PowerNorm(0.5, vmin=0, vmax=vmax if vmax > 0 else 1),
                       extent=[x[0], x[-1], t[0], t[-1]])
        ax.set_title(f"$\\rho_{{{vname}}}(x, y = 0, t)$, {name}", fontsize=9)
        ax.set_xlabel("x")
        ax.set_ylabel("t")
        fig.colorbar(im, ax=ax)
lam = summary["results"]["lambda_sharp"]["value"]
fig.suptitle(f"x-t slices, square-root scale (Dirac velocity $\\lambda^\\sharp$ = {lam:.4f})", fontsize=10)
fig.tight_layout()
fig.savefig(out / "graphene_valleys_phase_space.png", dpi=80)
plt.close(fig)
# 4. (5.2) on the balls: P_K'(t) against (5.3)-(5.4) with the same R^, and the initial rates.
runs = summary.get("reduced_52_runs", [])
if runs:
    gamma = summary["results"]["reduced_52_gamma"]["value"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for run, c in zip(runs, ["tab:purple", "tab:orange", "tab:brown"]):
        s = np.load(out / f"series_{run['name']}.npy")  # t, P_K, P_K', C_K, C_K', total
        t, ch = s[:, 0], run["checks"]
        eps = run["epsilon"]
        axes[0].plot(t, s[:, 2], color=c, lw=2, label=f"(5.2) $P_{{K'}}$, $\\varepsilon$ = {eps:g}")
        rate = ch["initial_rate"]
        axes[0].plot(t, 0.5 * (1 - np.exp(-2 * rate * t)), color=c, ls=":", lw=2,
                     label=f"$(1 - e^{{-2rt}})/2$, r = dP/dt(0) = {rate:.4f}")
        m = np.load(out / f"series_{run['name']}_mixed.npy")
        axes[0].plot(m[:, 0], m[:, 2], color=c, lw=1, ls="-.",
                     label=f"mixed packet $P_{{K'}}$, $\\varepsilon$ = {eps:g}")
        axes[1].semilogy(t, np.abs(s[:, 5] - 1) + 1e-17, color=c, lw=1,
                         label=f"$|P_K + P_{{K'}} - 1|$, upper, $\\varepsilon$ = {eps:g}")
        axes[1].semilogy(m[:, 0], np.abs(m[:, 5] - 1) + 1e-17, color=c, lw=2.5,
                         label=f"$|P_K + P_{{K'}} - 1|$, mixed, $\\varepsilon$ = {eps:g}")
        axes[1].semilogy(m[:, 0], m[:, 3] + 1e-17, color=c, ls="--",
                         label=f"$C_K$, mixed, $\\varepsilon$ = {eps:g}")
    t = np.linspace(0, s[-1, 0], 200)
    axes[0].plot(t, 0.5 * (1 - np.exp(-2 * gamma * t)), color="tab:red", ls="--",
                 label=f"(5.3)-(5.4): $(1 - e^{{-2\\gamma t}})/2$, $\\gamma$ = {gamma:.4f}")
    axes[0].set_ylim(0, 0.55)
    label_axes(axes[0], "K' population: (5.2) on the balls vs (5.3)-(5.4), same $\\hat R$",
               xlabel="t", legend=True)
    label_axes(axes[1],
               "(5.2): trace defect of (4.15); coherence $\\sum_p w|\\sigma_{12}|$ in B(K)",
               xlabel="t", legend=True)
    fig.tight_layout()
    fig.savefig(out / "graphene_valleys_balls.png", dpi=90)
    plt.close(fig)
print(f"graphene_valleys: wrote the PNGs in {out}")
