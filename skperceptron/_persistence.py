"""Pickles record the skperceptron version that wrote them.

The policy: a model pickled by one version of skperceptron loads with that
same version. Loading it with another version works while the fitted
attributes keep their meaning, but is not guaranteed, so it warns: retrain, or
move the model through ``to_sklearn()`` (scikit-learn's own persistence
policy then applies). scikit-learn adds its own check of its version.
"""

import warnings

_VERSION_KEY = "_skperceptron_version"


class VersionMismatchWarning(UserWarning):
    """A pickled estimator was written by another version of skperceptron."""


class VersionedPickleMixin:
    """Stamp pickles with the package version and warn when it differs on load."""

    def __getstate__(self):
        from . import __version__

        # a new dict: object.__getstate__ may hand back the live __dict__
        return {**super().__getstate__(), _VERSION_KEY: __version__}

    def __setstate__(self, state):
        from . import __version__

        written_by = state.pop(_VERSION_KEY, "unknown")
        if written_by != __version__:
            warnings.warn(
                f"This {type(self).__name__} was pickled by skperceptron "
                f"{written_by} and is loaded by skperceptron {__version__}; this "
                "may break or give wrong results. Retrain it with this version "
                "(deep networks can also move through to_sklearn()).",
                VersionMismatchWarning,
            )
        super().__setstate__(state)
