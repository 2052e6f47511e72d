"""The held-out data a deep MLP's early stopping scores: given to fit, or split off.

``fit(X_val=..., y_val=...)`` passes validation data explicitly; otherwise
``early_stopping`` holds out ``validation_fraction`` of the training data,
stratified as scikit-learn's MLP does. Either way the core gets a
``Validation`` whose score is the estimator's own.
"""

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import (
    _check_feature_names,
    check_array,
    check_consistent_length,
)

from ._core import Validation
from ._fitting import split_validation, validation_given


class HeldOutDataMixin:
    """Validation data for early stopping, for estimators shaped like the MLPs.

    Uses the estimator's ``_validation_targets``, ``_sample_weight``,
    ``_decode_targets`` and ``_score_output``.
    """

    def _validate_validation_data(self, Y, X_val, y_val, sample_weight_val):
        """``(X_val, Y_val, w_val)`` from ``fit``'s validation arguments, or None.

        ``Y`` is the training targets' matrix, whose width ``Y_val`` must share.
        """
        if not validation_given(
            X_val, y_val, sample_weight_val, self.early_stopping, self.solver
        ):
            return None
        _check_feature_names(self, X_val, reset=False)
        X_val = check_array(
            X_val,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            input_name="X_val",
            estimator=self,
        )
        if X_val.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X_val has {X_val.shape[1]} features, but {type(self).__name__} "
                f"is expecting {self.n_features_in_} features as input (those of X)."
            )
        Y_val = self._validation_targets(y_val)
        check_consistent_length(X_val, Y_val)
        if Y_val.shape[1] != Y.shape[1]:
            raise ValueError(
                f"y_val has {Y_val.shape[1]} outputs where y has {Y.shape[1]}."
            )
        w_val = self._sample_weight(sample_weight_val, X_val, Y_val, False)
        return X_val, Y_val, w_val

    def _hold_out(self, X, Y, sample_weight, rng, validation_data):
        """``(X, Y, sample_weight)`` to train on and the ``Validation``, or None.

        With early stopping and no ``validation_data`` given, the split draws
        from ``rng`` (after the weights, before the shuffles, as scikit-learn).
        """
        if self.early_stopping and validation_data is None:
            (X, Y, sample_weight), validation_data = split_validation(
                X,
                Y,
                sample_weight,
                rng,
                self.validation_fraction,
                stratify=self._stratify_validation(Y),
            )
        return (X, Y, sample_weight), self._validation(validation_data)

    def _validation(self, validation_data):
        """The held-out data as the core scores it, or None."""
        if validation_data is None:
            return None
        X_val, Y_val, w_val = validation_data
        y_val = self._decode_targets(Y_val)

        def score(output, sample_weight):
            return self._score_output(output, y_val, sample_weight)

        return Validation(X_val, Y_val, w_val, score)

    def _stratify_validation(self, Y):
        """Labels stratifying the early-stopping split, or None.

        As scikit-learn: the booleans of a one-output classifier, else none.
        """
        return Y.astype(bool) if is_classifier(self) and Y.shape[1] == 1 else None
