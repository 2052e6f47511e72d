"""The lowest versions skperceptron supports, read from ``pyproject.toml``.

The pages state these versions through substitutions that ``conf.py`` makes
from this module (``|min-python|``, ``|min-sklearn|``, ...), so the
requirements have a single source: ``pyproject.toml``.
"""

import re
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"

# Substitution name -> pattern of its ">=" bound in pyproject.toml.
BOUNDS = {
    "min-python": r'requires-python\s*=\s*">=\s*([0-9.]+)"',
    "min-numpy": r'"numpy\s*>=\s*([0-9.]+)',
    "min-scipy": r'"scipy\s*>=\s*([0-9.]+)',
    "min-sklearn": r'"scikit-learn\s*>=\s*([0-9.]+)',
}


def minimum_versions(pyproject=PYPROJECT):
    """Map each name of ``BOUNDS`` to its lowest version in ``pyproject``.

    Raises ``ValueError`` when a bound is missing, so that a changed
    ``pyproject.toml`` cannot leave the pages without their versions.
    """
    text = Path(pyproject).read_text(encoding="utf-8")
    versions = {}
    for name, pattern in BOUNDS.items():
        match = re.search(pattern, text)
        if match is None:
            raise ValueError(f"{pyproject} states no '>=' bound for {name}")
        versions[name] = match.group(1)
    return versions


def rst_substitutions(versions):
    """reStructuredText substitution definitions, one per version."""
    return "\n".join(
        f".. |{name}| replace:: {version}" for name, version in versions.items()
    )
