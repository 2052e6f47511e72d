"""Run every gallery example so that none can rot, even when docs are not built.

Each ``examples/plot_*.py`` runs in its own process with matplotlib's Agg
backend, writing its figures to a temporary directory.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("plot_*.py"))
EXAMPLE_IDS = [path.stem for path in EXAMPLES]


def _example_env(figures_dir):
    env = dict(os.environ, MPLBACKEND="Agg", SKPERCEPTRON_FIGURES=str(figures_dir))
    # Examples run side by side under pytest-xdist: one BLAS thread each keeps
    # them from oversubscribing the cores, unless the caller chose otherwise.
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    return env


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_example_runs_and_saves_figures(example, tmp_path):
    pytest.importorskip("matplotlib")
    completed = subprocess.run(
        [sys.executable, str(example)],
        cwd=tmp_path,
        env=_example_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, (
        f"{example.name} exited with {completed.returncode}:\n{completed.stderr}"
    )
    figures = sorted(tmp_path.rglob("*.png"))
    assert figures, f"{example.name} wrote no PNG figure to SKPERCEPTRON_FIGURES"


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_example_has_gallery_title(example):
    docstring = ast.get_docstring(ast.parse(example.read_text(encoding="utf-8")))
    assert docstring, f"{example.name} has no module docstring"
    lines = docstring.strip().splitlines()
    assert len(lines) >= 2, f"{example.name}: the docstring needs a title line"
    title, underline = lines[0].strip(), lines[1].strip()
    assert title, f"{example.name}: the docstring must start with a title"
    assert underline and set(underline) == {"="}, (
        f"{example.name}: the title must be underlined with '='"
    )
    assert len(underline) >= len(title), (
        f"{example.name}: the '=' underline is shorter than the title"
    )
    assert len(lines) > 3 and any(line.strip() for line in lines[2:]), (
        f"{example.name}: a paragraph must follow the title"
    )
