"""The README's main job: ``python -m skperceptron``."""

import subprocess
import sys

import pytest

from skperceptron._demo import main


def test_demo_trains_every_model_and_reports_sensible_scores():
    lines = []
    rows = main(random_state=0, out=lines.append)
    assert len(rows) == 4
    for name, accuracy, seconds in rows:
        assert 0.9 < accuracy <= 1.0, name
        assert seconds > 0
    assert any("Best learning rate and batch size" in line for line in lines)
    assert any("suggest learning_rate_init=" in line for line in lines)


def test_command_line_help_explains_the_demo():
    completed = subprocess.run(
        [sys.executable, "-m", "skperceptron", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "GridSearchCV" in completed.stdout


def test_plot_option_writes_the_key_figures(tmp_path):
    pytest.importorskip("matplotlib")
    lines = []
    main(random_state=0, out=lines.append, plot_dir=tmp_path / "figures")
    written = sorted((tmp_path / "figures").iterdir())
    assert [path.name for path in written] == ["grid_search.png", "loss_curves.png"]
    assert all(path.stat().st_size > 10_000 for path in written)
    assert sum(line.startswith("Wrote ") for line in lines) == 2


def test_help_documents_the_plot_option():
    completed = subprocess.run(
        [sys.executable, "-m", "skperceptron", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--plot DIR" in completed.stdout
