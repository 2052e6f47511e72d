"""Where a perceptron fit starts: the classes it learns and its first weights.

Plain functions of plain values: a fresh fit takes the classes of ``y``, a warm
or incremental one checks ``y`` against the fitted classes, and the weights
start from zeros, from the fitted ones, or from ``coef_init`` and
``intercept_init``.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils.multiclass import unique_labels


def check_classes(y, fitted_classes, *, fresh, warm_start):
    """The classes to learn: those of ``y`` when ``fresh``, else ``fitted_classes``.

    A fresh fit needs two classes at least; a warm start (``fit`` again with
    ``warm_start``) the same classes as before; an incremental fit no class
    outside ``fitted_classes``.
    """
    classes = unique_labels(y)
    if fresh:
        if len(classes) < 2:
            raise ValueError(
                "The number of classes has to be greater than one; got "
                f"1 class ({classes[0]!r}) in y."
            )
        return classes
    if warm_start and not np.array_equal(classes, fitted_classes):
        raise ValueError(
            "warm_start can only be used where `y` has the same classes as in "
            f"the previous call to fit: previously {fitted_classes}, now {classes}."
        )
    unknown = np.setdiff1d(classes, fitted_classes)
    if len(unknown):
        raise ValueError(
            f"`y` has classes not in `self.classes_`: {unknown}. "
            f"`self.classes_` is {fitted_classes}; pass every class to the first "
            "partial_fit call with `classes=`."
        )
    return fitted_classes


def check_stream_classes(classes):
    """Refuse a first ``partial_fit`` call's ``classes`` holding fewer than two.

    None passes: scikit-learn's own check then asks for the classes.
    """
    n_classes = None if classes is None else len(np.unique(classes))
    if n_classes is not None and n_classes < 2:
        raise ValueError(
            "The number of classes has to be greater than one; got "
            f"{n_classes} class in `classes`."
        )


def starting_weights(shape, dtype, fitted=None, coef_init=None, intercept_init=None):
    """``(coef, intercept)`` of ``shape`` (n_outputs, n_features) to start from.

    ``coef_init`` and ``intercept_init`` when given, else the ``fitted``
    ``(coef_, intercept_)`` (a warm or incremental fit), else zeros. Always
    new arrays, never the fitted ones.
    """
    if fitted is None:
        coef, intercept = np.zeros(shape, dtype=dtype), np.zeros(shape[0], dtype=dtype)
    else:
        coef = fitted[0].toarray() if sp.issparse(fitted[0]) else fitted[0]
        coef, intercept = np.array(coef, dtype=dtype), np.array(fitted[1])
    if coef_init is not None:
        coef[...] = _checked_init(coef_init, coef.shape, "coef_init")
    if intercept_init is not None:
        intercept[...] = _checked_init(
            intercept_init, intercept.shape, "intercept_init"
        )
    return coef, intercept


def _checked_init(values, shape, name):
    """``values`` as an array of ``shape`` (a vector is accepted for one row)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size != int(np.prod(shape)):
        raise ValueError(
            f"Provided {name} does not match dataset: expected shape {shape}, "
            f"got {values.shape}."
        )
    return values.reshape(shape)
