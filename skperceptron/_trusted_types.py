"""The types a skops file of a fitted skperceptron estimator may hold.

skops refuses to load a type it does not know unless the caller trusts it.
A fitted estimator holds arrays, builtins, scikit-learn's ``LabelBinarizer``
and, beyond those, only classes of its own: the estimator, and for the
stochastic solvers the optimizer and learning-rate schedule that
``partial_fit`` and ``warm_start`` continue from. Each holds numbers and
arrays only.
"""

from ._core import OPTIMIZERS, SCHEDULES
from ._mlp import DeepMLPClassifier, DeepMLPRegressor
from ._perceptron import PerceptronClassifier


def skops_trusted_types():
    """The skperceptron types to trust when loading a model saved with skops.

    Pass the list as ``trusted`` to :func:`skops.io.load`. These are all the
    types of this package a saved estimator can hold; skops trusts the rest
    (arrays, builtins, scikit-learn's own types) by default. Check a file from
    elsewhere with :func:`skops.io.get_untrusted_types` first: it should
    report nothing outside this list.

    Returns
    -------
    types : list of str
        Fully qualified names, such as
        ``'skperceptron._mlp.DeepMLPClassifier'``, sorted: the three
        estimators, the optimizers of every ``solver`` and the schedules of
        every ``learning_rate``.

    See Also
    --------
    skperceptron.onnx : Export a fitted estimator to ONNX for serving.

    Notes
    -----
    Remove training-time callbacks (``model.set_callbacks()``) before saving:
    they are scikit-learn objects tied to the process that trained the model,
    and skops would report them as untrusted.

    Examples
    --------
    >>> import skops.io as sio
    >>> from sklearn.datasets import load_iris
    >>> from skperceptron import DeepMLPClassifier, skops_trusted_types
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = DeepMLPClassifier((8,), max_iter=5, random_state=0).fit(X, y)
    >>> data = sio.dumps(clf)
    >>> set(sio.get_untrusted_types(data=data)) <= set(skops_trusted_types())
    True
    >>> loaded = sio.loads(data, trusted=skops_trusted_types())
    >>> bool((loaded.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    classes = [
        DeepMLPClassifier,
        DeepMLPRegressor,
        PerceptronClassifier,
        *OPTIMIZERS.values(),
        *SCHEDULES.values(),
    ]
    return sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in classes)
