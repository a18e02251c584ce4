"""What every driver's plot.py starts with: matplotlib on its file backend (the drivers run
without a display), the run's output folder from the command line, and its summary.json.

A driver's build copies this file next to its plot.py, so `from plotting import ...` works from
the build tree and from the source tree alike (the script's folder is on sys.path)."""
# SPDX-License-Identifier: MIT
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")


def open_run(argv=None):
    """(out, summary, parameters): the output folder named by the first argument, its
    summary.json, and the values of its parameters (summary["parameters"][key]["value"])."""
    out = Path((argv or sys.argv)[1])
    summary = read_summary(out)
    return out, summary, {key: entry["value"] for key, entry in summary["parameters"].items()}


def read_summary(folder):
    """The summary.json of a driver's output folder, as a dict."""
    return json.loads((Path(folder) / "summary.json").read_text())


def label_axes(ax, title, xlabel=None, ylabel=None, legend=False, fontsize=7):
    """Title, axis labels and (optionally) a small legend of one panel."""
    ax.set_title(title)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if legend:
        ax.legend(fontsize=fontsize)
