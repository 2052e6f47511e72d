"""The README's main job: ``python -m skperceptron``."""

import subprocess
import sys

from skperceptron._demo import main


def test_demo_trains_every_model_and_reports_sensible_scores():
    lines = []
    rows = main(random_state=0, out=lines.append)
    assert len(rows) == 4
    for name, accuracy, seconds in rows:
        assert 0.9 < accuracy <= 1.0, name
        assert seconds > 0
    assert any("Best learning rate and batch size" in line for line in lines)


def test_command_line_help_explains_the_demo():
    completed = subprocess.run(
        [sys.executable, "-m", "skperceptron", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "GridSearchCV" in completed.stdout
