"""Plots of the band_crossing driver: the time-mean transferred population P2 against
delta/eps^(1/r) for the conical (r = 1) and quadratic (r = 2) crossings at several eps, with
the Rabi prediction, the far-field law and the line delta = eps^(1/r); the r = 2 curves rescaled
by eps^(2-2/r); and time traces of the band populations and of the coherence size for a near
and a far delta."""
# SPDX-License-Identifier: MIT
from plotting import open_run  # first: it selects matplotlib's file backend


import matplotlib.pyplot as plt
import numpy as np

out, summary, params = open_run()
width = params["packet_width"]
traces = summary["traces"]
u = np.load(out / "u.npy")
times = np.load(out / "times.npy")
eps = np.load(out / "epsilons.npy")
data = {}
for r in (1, 2):
    data[r] = {
        name: np.load(out / f"{name}_r{r}.npy") for name in ("transfer", "coherence", "predicted")
    }


def tmean(a):
    return a[..., 1:].mean(axis=-1)  # samples t_k = kT/K, k >= 1 (as the driver)


colors = plt.cm.viridis(np.linspace(0, 0.85, len(eps)))
fig, axes = plt.subplots(2, 3, figsize=(15, 8.6))

for col, r in enumerate((1, 2)):
    ax = axes[0][col]
    for i, e in enumerate(eps):
        ax.loglog(u, tmean(data[r]["transfer"][i]), "o", ms=3.5, color=colors[i],
                  label=rf"$\varepsilon = {e:g}$")
        ax.loglog(u, tmean(data[r]["predicted"][i]), "-", lw=0.8, color=colors[i])
        far = e ** (2 - 2 / r) * r * r / (2 * width**2 * u**2)
        ax.loglog(u[u >= 3], far[u >= 3], ":", color=colors[i], lw=1)
    ax.axvline(1.0, color="r", lw=0.8, ls="--", label=r"$\delta = \varepsilon^{1/r}$")
    res = summary["results"]
    ax.set_title(
        f"r = {r} ({'cone' if r == 1 else 'quadratic touching'}): slopes "
        f"{res[f'r{r}_near_slope']['value']:+.2f} near, {res[f'r{r}_far_slope']['value']:+.2f} far"
    )
    ax.set_xlabel(r"$u = \delta/\varepsilon^{1/r}$")
    ax.set_ylabel(r"time-mean $P_2 = \int|\sigma_{12}|^2/\int|\sigma^0_{11}|^2$")
    ax.legend(fontsize=7, title="dots: (3.16); lines: Rabi; dotted: far law", title_fontsize=7)

ax = axes[0][2]
for i, e in enumerate(eps):
    ax.loglog(u, tmean(data[2]["transfer"][i]) / e, "o-", ms=3, lw=0.7, color=colors[i],
              label=rf"$\varepsilon = {e:g}$")
T = params["final_time"]
lam = params["lambda"]
fine = np.geomspace(u[0], u[-1], 400)
# The eps -> 0 limit F_2(u) = 4/(w^2u^2) <sin^2(lambda u^2 t)>_t (continuous time mean).
phase = 2 * lam * fine**2 * T
ax.loglog(fine, 4 / (width * fine) ** 2 * (0.5 - np.sin(phase) / (2 * phase)), "k-", lw=1,
          label=r"limit $F_2(u)$")
ax.loglog(u[u >= 3], 4 / (2 * width**2 * u[u >= 3] ** 2), "k:", label=r"$2/(w^2u^2)$")
small = u <= 0.3
ax.loglog(u[small], 4 * lam**2 * T**2 * u[small] ** 2 / (3 * width**2), "k--",
          label=r"$4\lambda^2T^2u^2/(3w^2)$")
ax.axvline(1.0, color="r", lw=0.8, ls="--")
ax.set_title(r"r = 2 rescaled: $\bar P_2/\varepsilon^{2-2/r}$ collapses")
ax.set_xlabel(r"$u = \delta/\varepsilon^{1/2}$")
ax.set_ylabel(r"$\bar P_2/\varepsilon$")
ax.legend(fontsize=7)

for col, r in enumerate((1, 2)):
    ax = axes[1][col]
    info = traces[f"r{r}"]
    for key, style in (("near", "C3"), ("far", "C0")):
        i = info[f"{key}_index"]
        ax.semilogy(times[1:], data[r]["transfer"][-1, i, 1:], color=style,
                    label=rf"$P_2$, u = {info[f'{key}_u']:.3g}")
        ax.semilogy(times[1:], data[r]["coherence"][-1, i, 1:], "--", color=style,
                    label=rf"max$_x|\sigma_{{12}}|$/max $\sigma^0_{{11}}$, u = {info[f'{key}_u']:.3g}")
    ax.set_xlabel("t")
    ax.set_title(rf"r = {r}, $\varepsilon = {eps[-1]:g}$: transfer and coherence in time")
    ax.legend(fontsize=7)

ax = axes[1][2]
for r, style in ((1, "-"), (2, "--")):
    info = traces[f"r{r}"]
    for key, color in (("near", "C3"), ("far", "C0")):
        i = info[f"{key}_index"]
        ax.plot(times, 1 - data[r]["transfer"][-1, i], style, color=color,
                label=rf"$P_1$, r = {r}, u = {info[f'{key}_u']:.3g}")
ax.set_xlabel("t")
ax.set_ylabel(r"$P_1 = \int|\sigma_{11}|^2/\int|\sigma^0_{11}|^2 = 1 - P_2$")
ax.set_title(rf"lower-band content, $\varepsilon = {eps[-1]:g}$")
ax.legend(fontsize=7)

fig.tight_layout()
fig.savefig(out / "band_crossing.png", dpi=120)
