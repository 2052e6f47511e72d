"""The documentation pages run as written and state what is true.

Their code runs (doctest); the versions they require are pyproject.toml's;
the pages that teach and install state no wall-clock durations, which change
from machine to machine (the built site's ``sg_execution_times.html``
reports the examples' times).
"""

import doctest
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(
    path
    for path in DOCS.rglob("*.rst")
    if not {"_build", "auto_examples", "gen_modules", "_templates"} & set(path.parts)
    and path.name != "sg_execution_times.rst"  # written by the docs build
)
PAGE_IDS = [str(path.relative_to(DOCS)) for path in PAGES]

# "scikit-learn 1.7 or later", "Python >= 3.10", "scikit-learn 1.9 and later"
STATED_REQUIREMENT = re.compile(
    r"\b(scikit-learn|Python)\s+(?:>=\s*)?(\d+(?:\.\d+)+)"
    r"(?:\s+(?:or|and)\s+later)?",
)
# "about half a minute", "takes 30 s", "in about 80 seconds", "under a minute"
STATED_DURATION = re.compile(
    r"\b(?:about|takes?|under|within)\s+(?:half\s+a|a|an|\d+(?:\.\d+)?)\s*"
    r"(?:s|secs?|seconds?|minutes?|min)\b",
    re.IGNORECASE,
)


def _load_min_versions():
    """docs/sphinxext/min_versions.py, the module conf.py reads them with."""
    path = DOCS / "sphinxext" / "min_versions.py"
    spec = importlib.util.spec_from_file_location("min_versions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _version(text):
    return tuple(int(part) for part in text.split("."))

# pages whose code needs optional dependencies, skipped without them
OPTIONAL_MODULES = {"deploying.rst": ["skops.io", "skl2onnx", "onnxruntime"]}


def test_there_are_pages_with_code():
    assert any(">>>" in page.read_text() for page in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_page_examples_run(page):
    for module in OPTIONAL_MODULES.get(str(page.relative_to(DOCS)), []):
        pytest.importorskip(module)
    failures, _ = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert failures == 0


def test_docs_read_the_requirements_pyproject_states():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    bounds = dict(
        requirement.split(">=") for requirement in project["dependencies"]
    )
    expected = {
        "min-python": project["requires-python"].removeprefix(">="),
        "min-numpy": bounds["numpy"],
        "min-scipy": bounds["scipy"],
        "min-sklearn": bounds["scikit-learn"],
    }
    assert _load_min_versions().minimum_versions() == expected


def test_install_page_states_the_requirements_by_substitution():
    text = (DOCS / "getting_started.rst").read_text()
    for name in _load_min_versions().BOUNDS:
        assert f"|{name}|" in text, f"getting_started.rst does not use |{name}|"


@pytest.mark.parametrize(
    "path",
    [*PAGES, ROOT / "README.md"],
    ids=[*PAGE_IDS, "README.md"],
)
def test_no_stated_version_is_below_the_requirement(path):
    """A page may name a newer version for a feature, never an older one."""
    versions = _load_min_versions().minimum_versions()
    lowest = {"scikit-learn": versions["min-sklearn"], "Python": versions["min-python"]}
    for match in STATED_REQUIREMENT.finditer(path.read_text()):
        name, stated = match.groups()
        assert _version(stated) >= _version(lowest[name]), (
            f"{path.name} says '{match.group(0)}', but pyproject.toml "
            f"requires {name} {lowest[name]}"
        )


# The pages that teach and install; a benchmark page states measured times.
TIMELESS = [
    *(DOCS / name for name in ("index.rst", "getting_started.rst")),
    *(DOCS / "user_guide").glob("*.rst"),
    ROOT / "examples" / "README.txt",
]


@pytest.mark.parametrize(
    "path", TIMELESS, ids=[str(path.relative_to(ROOT)) for path in TIMELESS]
)
def test_pages_state_no_durations(path):
    stated = STATED_DURATION.findall(path.read_text())
    assert not stated, f"{path.name} states durations that drift: {stated}"
