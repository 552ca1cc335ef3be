"""One estimator base for every package: parameters, cloning, the not-fitted error.

scikit-learn's ``BaseEstimator`` pattern: the hyperparameters are the parameters of
``__init__`` (read from its signature), stored unchanged as attributes of the same name;
learned state lives in attributes ending in ``_``. :class:`BaseEstimator` gives
``get_params``, ``set_params``, ``clone`` and ``repr`` from that rule alone, so a model
class only writes ``__init__`` and its fitting code. :class:`NotFittedError` is the one
error every package raises for a model used before ``fit``.
"""

from __future__ import annotations

import inspect
from typing import Any, ClassVar, Self

__all__ = ["BaseEstimator", "NotFittedError", "clone"]


class NotFittedError(ValueError, AttributeError):
    """A model was used before ``fit`` (a ``ValueError`` and an ``AttributeError``, as in
    scikit-learn, so either ``except`` catches it)."""


class BaseEstimator:
    """Hyperparameters from the ``__init__`` signature; ``get_params``/``set_params``/``clone``.

    Subclasses may set ``_param_error`` (the package's ``ValueError`` subclass) so that an
    unknown name given to :meth:`set_params` raises the package's own error.

    Examples
    --------
    >>> class Model(BaseEstimator):
    ...     def __init__(self, *, alpha: float = 1.0, window: int | None = None) -> None:
    ...         self.alpha = alpha
    ...         self.window = window
    >>> m = Model(alpha=0.5)
    >>> m.get_params()
    {'alpha': 0.5, 'window': None}
    >>> m.clone().set_params(window=12)
    Model(alpha=0.5, window=12)
    """

    #: Error raised for an unknown hyperparameter name (a package's ValueError subclass).
    _param_error: ClassVar[type[Exception]] = ValueError

    @classmethod
    def _param_names(cls) -> list[str]:
        """Names of ``__init__``'s parameters (no ``self``, ``*args`` or ``**kwargs``)."""
        init = cls.__init__
        if init is object.__init__:
            return []
        sig = inspect.signature(init)
        kinds = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        return [p.name for p in sig.parameters.values() if p.name != "self" and p.kind not in kinds]

    def get_params(self, deep: bool = False) -> dict[str, Any]:
        """The hyperparameters as given to ``__init__`` (name -> value).

        ``deep`` is accepted for scikit-learn compatibility; nested estimators are
        returned as they are.
        """
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Self:
        """Set hyperparameters (validated at the next ``fit``); returns ``self``."""
        names = self._param_names()
        for key, value in params.items():
            if key not in names:
                raise self._param_error(
                    f"The '{key}' parameter is not a hyperparameter of "
                    f"{type(self).__name__}. Valid ones: {sorted(names)}."
                )
            setattr(self, key, value)
        return self

    def clone(self) -> Self:
        """A new, unfitted model of the same class with the same hyperparameters."""
        return type(self)(**self.get_params())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


def clone(model: BaseEstimator) -> Any:
    """``model.clone()``: a new unfitted model with the same hyperparameters."""
    if not isinstance(model, BaseEstimator):
        raise TypeError(
            f"The 'model' parameter of clone must be a riskcast model. "
            f"Got {type(model).__name__} instead."
        )
    return model.clone()
