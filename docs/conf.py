"""Sphinx configuration of the skperceptron documentation.

Build (from the repository root, with ``pip install ".[docs]"``)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

``-D plot_gallery=0`` builds without running the examples (fast).
MathJax comes from the ``sphinx-mathjax-offline`` package and is copied into
the built site, so its formulas render without the network.
Cross-links to the Python, NumPy and scikit-learn documentation
(intersphinx) need their inventories from the network, so they are off
unless ``SKPERCEPTRON_DOCS_INTERSPHINX=1`` is set: an unreachable inventory
would otherwise be a warning, and ``-W`` turns it into an error.
"""

import os
import sys
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parent
# Document the checkout this file belongs to, installed or not.
sys.path.insert(0, str(DOCS_DIR.parent))
# Home of the gallery's sort key (named by string in sphinx_gallery_conf)
# and of the version bounds read from pyproject.toml.
sys.path.insert(0, str(DOCS_DIR / "sphinxext"))

from min_versions import minimum_versions, rst_substitutions  # noqa: E402

import skperceptron  # noqa: E402

# -- Project ---------------------------------------------------------------------

project = "skperceptron"
author = "the skperceptron developers"
copyright = "the skperceptron developers"
release = skperceptron.__version__
version = ".".join(release.split(".")[:2])

# -- General ---------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # MathJax itself, copied into the built site: formulas render offline.
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "sphinxext", "**.ipynb_checkpoints"]
root_doc = "index"
# `x` in a docstring is code, as in scikit-learn's documentation
default_role = "literal"
add_module_names = False
pygments_style = "sphinx"
# |min-python|, |min-sklearn|, ...: the versions pyproject.toml requires
rst_prolog = rst_substitutions(minimum_versions())

# -- Cross-links to other projects (optional, needs the network) -------------------

if os.environ.get("SKPERCEPTRON_DOCS_INTERSPHINX", "0") not in ("", "0"):
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
    }

# -- API reference: autodoc, autosummary, numpydoc ----------------------------------

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
# The class template lists the members (autodoc); numpydoc adds no second list.
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False


# Methods inherited from scikit-learn that belong on the API pages: the
# perceptron's prediction methods (from scikit-learn's linear models) and the
# deep MLPs' callback registration (scikit-learn >= 1.9). Their docstrings
# render cleanly outside scikit-learn's own documentation.
INHERITED_API = {"predict", "decision_function", "densify", "sparsify", "set_callbacks"}


def _defined_outside_skperceptron(app, what, name, obj, skip, options):
    """Skip the members a class inherits from scikit-learn, but ``INHERITED_API``.

    The API pages document what skperceptron defines, including what an
    estimator inherits from skperceptron's own private bases (``fit`` of the
    deep MLPs lives in ``_BaseDeepMLP``). Methods such as ``get_params``,
    ``score`` or ``set_fit_request`` are scikit-learn's and documented there;
    their docstrings refer to labels and glossary terms that exist only in
    scikit-learn's documentation.
    """
    if what != "class" or skip or name in INHERITED_API:
        return None
    function = getattr(obj, "__func__", obj)  # classmethod, staticmethod
    if not (getattr(function, "__module__", None) or "").startswith("skperceptron"):
        return True
    return None


# -- Gallery (sphinx-gallery) -----------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    "within_subsection_order": "gallery_order.LectureOrder",
    # "Examples using ..." mini-galleries on the API pages
    "doc_module": ("skperceptron",),
    "backreferences_dir": "gen_modules/backreferences",
    "download_all_examples": False,
    "show_memory": False,
    "remove_config_comments": True,
}

# -- HTML -------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skperceptron {release}"
html_theme_options = {
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False
html_static_path = ["_static"]
# Long code lines wrap, so that nothing hides behind a sideways scroll.
html_css_files = ["skperceptron.css"]


def _figures_in_build_dir(app):
    """Point the examples' ``SKPERCEPTRON_FIGURES`` into the build directory.

    The gallery scripts save their figures there when the variable is set,
    instead of into the source tree. ``setup`` runs before sphinx-gallery
    executes anything (at ``builder-inited``).
    """
    figures_dir = Path(app.outdir).parent / "example_figures"
    figures_dir.mkdir(parents=True, exist_ok=True)
    os.environ["SKPERCEPTRON_FIGURES"] = str(figures_dir)


def setup(app):
    _figures_in_build_dir(app)
    app.connect("autodoc-skip-member", _defined_outside_skperceptron)
