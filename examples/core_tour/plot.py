"""Plots of the core_tour driver: reciprocal-vector counting and spectral convergence."""
# SPDX-License-Identifier: MIT
from plotting import open_run  # first: it selects matplotlib's file backend


import matplotlib.pyplot as plt
import numpy as np

out, _, _ = open_run()
counts = np.load(out / "reciprocal_counts.npy")
errors = np.load(out / "spectral_error.npy")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
for column, label in [(1, "square"), (2, "triangular"), (3, "cubic")]:
    ax1.plot(counts[:, 0], counts[:, column], "o-", ms=3, label=label)
ax1.axhline(1.0, color="k", lw=0.8)
ax1.set_xlabel("cutoff g")
ax1.set_ylabel(r"$\#\{|G|\leq g\}\;/\;(|B_g|/|B|)$")
ax1.set_title("Dual-lattice vectors within a cutoff")
ax1.legend()

for column, label in [(1, "1D"), (2, "2D"), (3, "3D")]:
    ax2.semilogy(errors[:, 0], errors[:, column], "o-", label=label)
ax2.set_xlabel("points per axis N")
ax2.set_ylabel(r"max $|D_x f - f'|$")
ax2.set_title(r"Spectral derivative of $e^{\sin(2\pi x/L)}$")
ax2.legend()
fig.tight_layout()
fig.savefig(out / "core_tour.png", dpi=120)
print(f"core_tour: wrote {out / 'core_tour.png'}")
