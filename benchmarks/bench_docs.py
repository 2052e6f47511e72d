"""Write a run of ``bench_fit.py`` into the documentation's Performance page.

``docs/performance.rst`` includes what this writes: the table
(``docs/performance/results.csv``), the machine and its load
(``docs/performance/environment.csv``), every repeat's raw times
(``docs/performance/runs.csv``) and the figure of ratios
(``docs/_static/performance_ratios.svg``). Called by
``python benchmarks/bench_fit.py --write-docs``.
"""

import csv
import datetime
import statistics
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs"
RESULTS_DIR = DOCS / "performance"
FIGURE = DOCS / "_static" / "performance_ratios.svg"
OURS, SKLEARN, TORCH = "skperceptron", "scikit-learn", "torch"  # bench_fit's names
COLOURS = {SKLEARN: "tab:blue", TORCH: "tab:red", OURS: "tab:green"}
LOAD = "load average (1, 5, 15 min)"


def write_csv(path, rows):
    with open(path, "w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def raw_rows(all_measured):
    """Every repeat's seconds per system, with that repeat's floor per epoch."""
    rows = [["workload", "repeat", "system", "seconds", "floor seconds per epoch"]]
    for measured in all_measured:
        for system, times in measured.times.items():
            for repeat, seconds in enumerate(times):
                floor = measured.floors[repeat] if measured.floors else ""
                rows.append(
                    [measured.workload.name, repeat, system, f"{seconds:.6f}", floor]
                )
    return rows


def environment_rows(before, after, repeats):
    """The date, versions, threads and cores, and the load before and after."""
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    rows = [["measured (UTC)", today], ["repeats", str(repeats)]]
    rows += [[key, value] for key, value in before.items() if key != LOAD]
    rows.append([f"{LOAD} at the start", before[LOAD]])
    rows.append([f"{LOAD} at the end", after[LOAD]])
    return rows


def _dots(axis, rows, values_of, system, offset):
    """Median dots with lowest-highest bars for one system, one row per workload."""
    for y, measured in enumerate(rows):
        values = values_of(measured, system)
        if not values:
            continue
        median = statistics.median(values)
        axis.errorbar(
            median,
            y + offset,
            xerr=[[median - min(values)], [max(values) - median]],
            fmt="o",
            color=COLOURS[system],
            capsize=3,
        )


def _ratio_to(measured, system):
    return measured.ratios(system) if system in measured.times else []


def _floor_ratio(measured, system):
    has = measured.floors and system in measured.times
    return measured.floor_ratios(system) if has else []


def _log_axis(axis, label):
    """A base-2 log axis labelled in plain numbers, with a line at 1."""
    axis.set_xscale("log", base=2)
    axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.axvline(1.0, color="grey", linewidth=0.8)
    axis.set_xlabel(label)
    axis.grid(axis="x", alpha=0.3)


def plot_ratios(all_measured, path):
    """Ours over scikit-learn (and PyTorch), and every system over the floor."""
    rows = all_measured[::-1]  # the first workload on top
    figure, (left, right) = plt.subplots(
        1, 2, figsize=(12, 0.45 * len(rows) + 2), sharey=True
    )
    for system, offset in ((SKLEARN, 0.12), (TORCH, -0.12)):
        _dots(left, rows, _ratio_to, system, offset)
    for system, offset in ((OURS, 0.15), (SKLEARN, 0.0), (TORCH, -0.15)):
        _dots(right, rows, _floor_ratio, system, offset)
    left.set_yticks(range(len(rows)), [m.workload.name for m in rows])
    _log_axis(left, "skperceptron's time / the other system's time")
    _log_axis(right, "seconds per epoch / GEMM floor")
    handles = [
        Line2D([], [], color=colour, marker="o", linestyle="", label=system)
        for system, colour in COLOURS.items()
    ]
    right.legend(handles=handles, loc="lower right", fontsize="small")
    figure.suptitle("Median and spread (lowest-highest) over the repeats")
    figure.tight_layout()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text stays text
        figure.savefig(path)
    plt.close(figure)


def write_docs(table, all_measured, before, after, repeats):
    """Write the printed ``table`` (header first), raw times, machine and figure."""
    RESULTS_DIR.mkdir(exist_ok=True)
    write_csv(RESULTS_DIR / "results.csv", table)
    write_csv(RESULTS_DIR / "runs.csv", raw_rows(all_measured))
    write_csv(RESULTS_DIR / "environment.csv", environment_rows(before, after, repeats))
    FIGURE.parent.mkdir(exist_ok=True)
    plot_ratios(all_measured, FIGURE)
    print(f"wrote {RESULTS_DIR}/*.csv and {FIGURE}")
