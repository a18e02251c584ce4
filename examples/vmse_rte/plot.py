"""Plot of the vmse_rte driver: the RTE solution W(x, k) at t = 0.4 in phase space
(P2 Fig. 6) with its moments rho^0 and J^0."""
# SPDX-License-Identifier: MIT
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

out = Path(sys.argv[1])
summary = json.loads((out / "summary.json").read_text())
w = np.load(out / "W_final.npy")
x = np.load(out / "x.npy")
k = np.load(out / "k.npy")
rho = np.load(out / "rho_rte.npy")
current = np.load(out / "current_rte.npy")
parameters = {key: entry["value"] for key, entry in summary["parameters"].items()}

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
