"""Plot of the bands driver: the band structure along the high-symmetry path
(labelled vertices, the located crossing marked), or for a zone grid the
density of states of each band."""
# SPDX-License-Identifier: MIT
from plotting import open_run  # first: it selects matplotlib's file backend


import matplotlib.pyplot as plt
import numpy as np

out, summary, parameters = open_run()
energies = np.load(out / "bands.npy")
kpath = np.load(out / "kpath.npy")
crossing = summary.get("crossing")
vertices = summary.get("high_symmetry_points", {}).get("path_vertices", [])


def pretty(label):
    return r"$\Gamma$" if label == "G" else label


title = f"{parameters['lattice']} lattice, {parameters['potential']} potential"
fig, ax = plt.subplots(figsize=(6.4, 4.4))
if vertices:
    x = kpath[:, 0]
    for m in range(energies.shape[1]):
        ax.plot(x, energies[:, m], color="C0", lw=1.2)
    for vertex in vertices:
        ax.axvline(vertex["path_distance"], color="0.6", lw=0.8)
    ax.set_xticks([v["path_distance"] for v in vertices])
    ax.set_xticklabels([pretty(v["label"]) for v in vertices])
    ax.set_xlim(x[0], x[-1])
    ax.set_xlabel("wavevector along the path")
    if crossing and crossing.get("path_distance") is not None:
        ax.plot(crossing["path_distance"], crossing["energy"], "o", color="C3", ms=7, mfc="none",
                mew=1.8)
        ax.annotate(
            rf"$r = {crossing['order']:.3f}$, $\lambda^\sharp = {crossing['slope']:.4g}$",
            (crossing["path_distance"], crossing["energy"]),
            xytext=(12, -18), textcoords="offset points", color="C3")
    elif crossing:
        ax.text(0.02, 0.97, rf"crossing off the path: $r = {crossing['order']:.3f}$, "
                rf"$\lambda^\sharp = {crossing['slope']:.4g}$", transform=ax.transAxes,
                va="top", color="C3")
    ax.set_ylabel(r"$E_m(k)$   [1/length$^2$, $\hbar = m = 1$]")
else:
    # Zone grid: histogram of each band's energies (a density of states).
    lo, hi = energies.min(), energies.max()
    bins = np.linspace(lo, hi, 120)
    for m in range(energies.shape[1]):
        ax.hist(energies[:, m], bins=bins, histtype="stepfilled", alpha=0.5, label=f"band {m + 1}")
    ax.set_xlabel(r"$E$   [$\hbar = m = 1$]")
    ax.set_ylabel("grid points per bin")
    if energies.shape[1] <= 8:
        ax.legend(fontsize=8)
ax.set_title(title)
fig.tight_layout()
fig.savefig(out / "bands.png", dpi=110)
print(f"bands: wrote {out / 'bands.png'}")
