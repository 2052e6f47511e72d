"""The core imports NumPy, SciPy, the standard library and itself, nothing else.

Imports are read from the source with ``ast``, so an import hidden inside a
function counts as much as one at the top of a module.
"""

import ast
import sys
from pathlib import Path

import pytest

import skperceptron._core

CORE_DIR = Path(skperceptron._core.__file__).parent
CORE_FILES = sorted(CORE_DIR.glob("*.py"))
ALLOWED_THIRD_PARTY = {"numpy", "scipy"}


def imported_modules(source):
    """``(level, module)`` of every import; level > 0 marks a relative import."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def forbidden_imports(source):
    """Imports that reach outside numpy, scipy, the stdlib and the core itself."""
    forbidden = []
    for level, module in imported_modules(source):
        top_level = module.split(".")[0]
        if level == 1:
            continue  # a sibling module of the core
        if level > 1 or not (
            top_level in ALLOWED_THIRD_PARTY or top_level in sys.stdlib_module_names
        ):
            forbidden.append("." * level + module)
    return forbidden


def test_the_core_has_modules_to_check():
    names = {path.stem for path in CORE_FILES}
    assert {"__init__", "network", "training", "activations"} <= names


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda path: path.name)
def test_core_module_imports_only_numpy_scipy_stdlib_and_core(path):
    assert forbidden_imports(path.read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        "import sklearn",
        "from sklearn.utils import check_array",
        "from skperceptron import DeepMLPClassifier",
        "from .. import _mlp",
        "from .._fitting import fit_stochastic",
        "def late():\n    import pandas",
    ],
)
def test_checker_catches_forbidden_imports(source):
    assert forbidden_imports(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "import numpy as np",
        "from scipy.special import expit",
        "import scipy.sparse as sp",
        "from dataclasses import dataclass",
        "from .layers import Dense",
        "from . import losses",
    ],
)
def test_checker_allows_the_permitted_imports(source):
    assert forbidden_imports(source) == []
