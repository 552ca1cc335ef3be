"""Linear regression that keeps learning as data arrives.

Two learners share one estimator, :class:`OnlineLinearRegression`:

``method="rls"``
    Recursive least squares in square-root (QR) form. The model keeps the triangular
    factor ``R`` and the rotated targets ``z = Q^T y`` of all data seen; each
    :meth:`~OnlineLinearRegression.partial_fit` stacks the new rows under ``R`` and
    re-triangularises with a Householder QR. No matrix is inverted and no normal
    equations are formed, so the condition number is that of ``X``, not its square, and
    the coefficients after *any* sequence of calls equal the batch least-squares (ridge)
    solution on everything seen. ``forgetting < 1`` discounts old rows geometrically
    (weight ``forgetting ** age`` on the squared error), which lets the fit follow drift.
``method="sgd"``
    Gradient descent on the classic cost: :meth:`~OnlineLinearRegression.fit` runs
    ``iterations`` steps of batch gradient descent from zero;
    :meth:`~OnlineLinearRegression.partial_fit` takes one gradient step on each incoming
    sample or mini-batch.

The cost is the classic ``J = (sum of squared errors + l2 * ||w||^2) / (2 m)``, where
``w`` are the feature coefficients: **the intercept is not penalised**, as in the classic
exercise. RLS minimises exactly this cost (with the squared errors weighted by the
forgetting factor) over all data seen.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from analytics._io import read_model_file, write_model_file
from analytics._linear_kernels import gradient_descent, qr_update, sgd_step, solve, squared_cost
from analytics._regression_checks import (
    check_bool,
    check_choice,
    check_int,
    check_number,
    check_X,
    check_Xy,
)
from analytics.errors import AnalyticsValueError

__all__ = ["OnlineLinearRegression"]

_NAME = "OnlineLinearRegression"
_PARAMS = ("method", "l2", "learning_rate", "fit_intercept", "forgetting", "iterations")


class OnlineLinearRegression:
    """Linear regression fitted in one go or updated sample by sample.

    Parameters
    ----------
    method : {"rls", "sgd"}, default "rls"
        ``"rls"``: exact recursive least squares (QR form). ``"sgd"``: gradient descent.
    l2 : float, default 0.0
        Ridge penalty on the feature coefficients (not on the intercept), in the units of
        the summed squared errors: RLS minimises ``sum(e**2) + l2 * ||w||**2``.
    learning_rate : float, default 0.01
        Step size ``alpha`` of gradient descent (``"sgd"`` only).
    fit_intercept : bool, default True
        Whether to fit an intercept (a constant feature of ones).
    forgetting : float in (0, 1], default 1.0
        RLS forgetting factor; the squared error of a row seen ``k`` rows ago is weighted
        by ``forgetting ** k``. ``1.0`` remembers everything (``"rls"`` only).
    iterations : int, default 1500
        Gradient-descent steps of :meth:`fit` with ``"sgd"`` (``fit`` can override it).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Feature coefficients.
    intercept_ : float
        Intercept (0.0 when ``fit_intercept=False``).
    cost_history_ : list of float
        ``"sgd"`` :meth:`fit`: ``J`` on the training data at the start (theta = 0) and
        after each iteration (``iterations + 1`` values). ``"rls"`` :meth:`fit`: ``J`` at
        the solution. Every :meth:`partial_fit` appends ``J`` of its batch *before*
        learning it (the progressive cost).
    n_features_in_ : int
        Number of features seen in the first call.
    n_samples_seen_ : int
        Number of samples learned so far.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0], [2.0], [3.0], [4.0]])
    >>> y = 2.0 * X[:, 0] + 1.0
    >>> model = OnlineLinearRegression()
    >>> for i in range(4):
    ...     _ = model.partial_fit(X[i], y[i])
    >>> round(float(model.coef_[0]), 6), round(model.intercept_, 6)
    (2.0, 1.0)
    """

    def __init__(
        self,
        *,
        method: str = "rls",
        l2: float = 0.0,
        learning_rate: float = 0.01,
        fit_intercept: bool = True,
        forgetting: float = 1.0,
        iterations: int = 1500,
    ) -> None:
        self.method = method
        self.l2 = l2
        self.learning_rate = learning_rate
        self.fit_intercept = fit_intercept
        self.forgetting = forgetting
        self.iterations = iterations

    # ------------------------------------------------------------------ parameters
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the hyperparameters as a dict (scikit-learn convention)."""
        return {name: getattr(self, name) for name in _PARAMS}

    def set_params(self, **params: Any) -> OnlineLinearRegression:
        """Set hyperparameters; unknown names raise. Returns ``self``."""
        valid = self.get_params()
        for key, value in params.items():
            if key not in valid:
                raise AnalyticsValueError(
                    f"Invalid parameter {key!r} for {_NAME}. Valid parameters: {sorted(valid)}."
                )
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        defaults = type(self)().get_params()
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if v != defaults[k]]
        return f"{_NAME}({', '.join(changed)})"

    def _checked(self, func: str) -> dict[str, Any]:
        # Validated hyperparameters, re-validated only when one of them changes (this keeps
        # one-sample partial_fit calls cheap).
        key = tuple((type(v), v) for v in self.get_params().values())
        cached = self.__dict__.get("_params_cache")
        if cached is not None and cached[0] == key:
            return cached[1]
        f = f"{_NAME}.{func}"
        method = check_choice(self.method, name="method", func=f, choices=("rls", "sgd"))
        p = {
            "method": method,
            "l2": check_number(self.l2, name="l2", func=f, low=0.0),
            "learning_rate": check_number(
                self.learning_rate, name="learning_rate", func=f, low=0.0, low_open=True
            ),
            "fit_intercept": check_bool(self.fit_intercept, name="fit_intercept", func=f),
            "forgetting": check_number(
                self.forgetting, name="forgetting", func=f, low=0.0, high=1.0, low_open=True
            ),
            "iterations": check_int(self.iterations, name="iterations", func=f),
        }
        if method == "sgd" and p["forgetting"] != 1.0:
            raise AnalyticsValueError(
                f"The 'forgetting' parameter of {f} only applies to method='rls'. "
                f"Got forgetting={p['forgetting']!r} with method='sgd'; use 1.0."
            )
        self._params_cache = (key, p)
        return p

    # ------------------------------------------------------------------ learning
    def fit(self, X: Any, y: Any, *, iterations: int | None = None) -> OnlineLinearRegression:
        """Fit from scratch on ``X`` of shape (n_samples, n_features) and ``y`` (n_samples,).

        ``"rls"`` gives the exact (ridge) least-squares solution; ``"sgd"`` runs
        ``iterations`` steps of batch gradient descent from theta = 0.

        Raises
        ------
        AnalyticsValueError
            On bad input, or if gradient descent diverges (the cost rises: the learning
            rate is above the stability limit ``2 / largest eigenvalue of X^T X / m``).
        """
        func = f"{_NAME}.fit"
        p = self._checked("fit")
        n_iter = p["iterations"]
        if iterations is not None:
            n_iter = check_int(iterations, name="iterations", func=func)
        X, y = check_Xy(X, y, func=func)
        Xa = self._augment(X, p["fit_intercept"])
        if p["method"] == "rls":
            k = Xa.shape[1]
            R, z = qr_update(np.zeros((k, k)), np.zeros(k), Xa, y, p["forgetting"])
            theta = solve(R, z, p["l2"], p["fit_intercept"])
            history = [squared_cost(Xa, y, theta, p["l2"], p["fit_intercept"])]
            self._R, self._z = R, z
        else:
            theta, history = gradient_descent(Xa, y, p, n_iter)
            for name in ("_R", "_z"):
                self.__dict__.pop(name, None)
        self.n_features_in_ = X.shape[1]
        self.n_samples_seen_ = X.shape[0]
        self._sum_y2 = float(y @ y)
        self._set_theta(theta, p["fit_intercept"])
        self.cost_history_ = history
        return self

    def partial_fit(self, X: Any, y: Any) -> OnlineLinearRegression:
        """Learn one sample or a mini-batch; returns ``self``.

        ``X`` may be one sample (1-D, with a scalar ``y``) or a 2-D batch. The feature
        count must not change between calls. With ``"rls"`` the result equals a batch fit
        on all data seen (the minimum-norm solution while fewer samples than coefficients
        have been seen and ``l2 = 0``); with ``"sgd"`` it is one gradient step on the
        batch cost.

        Raises
        ------
        AnalyticsValueError
            On bad input, a changed feature count, or if ``"sgd"`` has diverged: the
            step would give non-finite values or a batch cost above ``1e6`` times the cost
            of predicting zero on the data seen. The diverging step is not applied.
        """
        func = f"{_NAME}.partial_fit"
        p = self._checked("partial_fit")
        fitted = hasattr(self, "n_features_in_")
        X, y = check_Xy(X, y, func=func, n_features=self.n_features_in_ if fitted else None)
        if fitted and self._fit_intercept != p["fit_intercept"]:
            raise AnalyticsValueError(
                f"The 'fit_intercept' parameter of {func} changed since the model was fitted "
                f"(was {self._fit_intercept}). Refit with fit() to change it."
            )
        if fitted and (p["method"] == "rls") != hasattr(self, "_R"):
            raise AnalyticsValueError(
                f"The 'method' parameter of {func} changed since the model was fitted. "
                "Refit with fit() to change it."
            )
        Xa = self._augment(X, p["fit_intercept"])
        k = Xa.shape[1]
        theta = self._theta() if fitted else np.zeros(k)
        pre_cost = squared_cost(Xa, y, theta, p["l2"], p["fit_intercept"])
        sum_y2 = (self._sum_y2 if fitted else 0.0) + float(y @ y)
        n_seen = (self.n_samples_seen_ if fitted else 0) + X.shape[0]
        if p["method"] == "rls":
            R0, z0 = (self._R, self._z) if fitted else (np.zeros((k, k)), np.zeros(k))
            R, z = qr_update(R0, z0, Xa, y, p["forgetting"])
            new_theta = solve(R, z, p["l2"], p["fit_intercept"])
            self._R, self._z = R, z
        else:
            new_theta = sgd_step(Xa, y, theta, p, sum_y2 / (2.0 * n_seen))
        self.n_features_in_ = X.shape[1]
        self.n_samples_seen_ = n_seen
        self._sum_y2 = sum_y2
        self._set_theta(new_theta, p["fit_intercept"])
        if not fitted:
            self.cost_history_ = []
        self.cost_history_.append(pre_cost)
        return self

    # ------------------------------------------------------------------ using
    def predict(self, X: Any) -> np.ndarray:
        """Predict ``y`` for ``X`` of shape (n_samples, n_features); returns (n_samples,)."""
        self._require_fitted("predict")
        X = check_X(X, func=f"{_NAME}.predict", n_features=self.n_features_in_)
        return X @ self.coef_ + self.intercept_

    def cost(self, X: Any, y: Any) -> float:
        """Classic cost ``J = (sum((X @ coef + intercept - y)**2) + l2 * ||coef||**2) / (2 m)``.

        The intercept is not penalised.
        """
        self._require_fitted("cost")
        func = f"{_NAME}.cost"
        l2 = check_number(self.l2, name="l2", func=func, low=0.0)
        X, y = check_Xy(X, y, func=func, n_features=self.n_features_in_)
        Xa = self._augment(X, self._fit_intercept)
        return squared_cost(Xa, y, self._theta(), l2, self._fit_intercept)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save the fitted model to ``path`` as ``.npz`` + JSON header, atomically (no pickle)."""
        self._require_fitted("save")
        arrays: dict[str, Any] = {
            "coef": self.coef_,
            "intercept": np.array([self.intercept_]),
            "cost_history": np.asarray(self.cost_history_, dtype=np.float64),
        }
        if hasattr(self, "_R"):
            arrays.update(R=self._R, z=self._z)
        meta = {
            "params": self.get_params(),
            "n_features_in": self.n_features_in_,
            "n_samples_seen": self.n_samples_seen_,
            "sum_y2": self._sum_y2,
        }
        write_model_file(path, kind=_NAME, meta=meta, arrays=arrays)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> OnlineLinearRegression:
        """Load a model saved by :meth:`save`; a corrupt or foreign file raises a clear error."""
        meta, arrays = read_model_file(path, kind=_NAME)
        bad = f"{str(path)!r} is not a valid {_NAME} file"
        try:
            model = cls(**meta["params"])
            p = model._checked("load")
            n = int(meta["n_features_in"])
            k = n + int(p["fit_intercept"])
            coef, intercept = arrays["coef"], arrays["intercept"]
            history = arrays["cost_history"]
            model.n_samples_seen_ = int(meta["n_samples_seen"])
            model._sum_y2 = float(meta["sum_y2"])
        except (KeyError, TypeError, ValueError) as exc:
            raise AnalyticsValueError(f"{bad}: {type(exc).__name__} {exc}.") from None
        if coef.shape != (n,) or intercept.shape != (1,) or history.ndim != 1:
            raise AnalyticsValueError(f"{bad}: its arrays do not match {n} features.")
        if p["method"] == "rls":
            if arrays.get("R", np.empty(0)).shape != (k, k) or arrays.get(
                "z", np.empty(0)
            ).shape != (k,):
                raise AnalyticsValueError(f"{bad}: its RLS state does not match {n} features.")
            model._R, model._z = arrays["R"], arrays["z"]
        model.n_features_in_ = n
        model._fit_intercept = p["fit_intercept"]
        model.coef_ = coef
        model.intercept_ = float(intercept[0])
        model.cost_history_ = [float(c) for c in history]
        return model

    # ------------------------------------------------------------------ internals
    def _require_fitted(self, func: str) -> None:
        if not hasattr(self, "coef_"):
            raise AnalyticsValueError(
                f"This {_NAME} is not fitted yet; call fit or partial_fit before {func}."
            )

    @staticmethod
    def _augment(X: np.ndarray, fit_intercept: bool) -> np.ndarray:
        if not fit_intercept:
            return X
        return np.hstack([np.ones((X.shape[0], 1)), X])

    def _theta(self) -> np.ndarray:
        if self._fit_intercept:
            return np.concatenate([[self.intercept_], self.coef_])
        return self.coef_.copy()

    def _set_theta(self, theta: np.ndarray, fit_intercept: bool) -> None:
        self._fit_intercept = fit_intercept
        self.coef_ = np.array(theta[1:] if fit_intercept else theta, dtype=np.float64)
        self.intercept_ = float(theta[0]) if fit_intercept else 0.0
