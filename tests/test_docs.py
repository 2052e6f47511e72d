"""The code in the documentation pages runs as written (doctest)."""

import doctest
from pathlib import Path

import pytest

DOCS = Path(__file__).parents[1] / "docs"
PAGES = sorted(
    path
    for path in DOCS.rglob("*.rst")
    if not {"_build", "auto_examples", "gen_modules", "_templates"} & set(path.parts)
)

# pages whose code needs optional dependencies, skipped without them
OPTIONAL_MODULES = {"deploying.rst": ["skops.io", "skl2onnx", "onnxruntime"]}


def test_there_are_pages_with_code():
    assert any(">>>" in page.read_text() for page in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=lambda path: str(path.relative_to(DOCS)))
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
