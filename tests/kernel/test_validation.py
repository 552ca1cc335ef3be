"""kernel.validation: the shared checks raise the caller's error classes, in one wording."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kernel.validation import (
    PeriodIssue,
    as_rng,
    check_bool,
    check_number,
    check_positive_int,
    check_quantiles,
    first_non_finite,
    first_non_number,
    is_number,
    period_order_issue,
)


class PkgValueError(ValueError):
    pass


class PkgTypeError(TypeError):
    pass


ERRORS = {"error": PkgValueError, "type_error": PkgTypeError}


def test_as_rng_seeds_and_refusals() -> None:
    g = np.random.default_rng(3)
    assert as_rng(g) is g
    assert as_rng(5).random() == np.random.default_rng(5).random()
    assert as_rng(np.int64(5)).random() == np.random.default_rng(5).random()
    assert isinstance(as_rng(None), np.random.Generator)
    with pytest.raises(PkgValueError, match=r"^The 'rng' parameter of f must be a non-negative"):
        as_rng(-1, func="f", **ERRORS)
    with pytest.raises(PkgTypeError, match=r"^The 'seed' parameter must be .* Got str 'a'"):
        as_rng("a", name="seed", **ERRORS)
    with pytest.raises(PkgTypeError, match="Got bool True"):
        as_rng(True, **ERRORS)


def test_check_number_bounds_in_both_wordings() -> None:
    assert check_number(np.float32(0.5), name="x", func="f", low=0, high=1) == 0.5
    assert check_number(0, name="x", func="f", low=0) == 0.0
    with pytest.raises(PkgValueError, match=r"must be a finite number > 0 and <= 1\. Got 0\.0"):
        check_number(0, name="x", func="f", low=0, high=1, low_open=True, **ERRORS)
    with pytest.raises(PkgValueError, match=r"must be in \(0, 1\]\. Got 0\.0 instead"):
        check_number(0, name="x", func="f", low=0, high=1, low_open=True, bounds="interval",
                     **ERRORS)  # fmt: skip
    for style in ("compare", "interval"):
        with pytest.raises(PkgValueError, match=r"'x' parameter of f must be a finite number\. "
                           r"Got nan instead\."):  # fmt: skip
            check_number(float("nan"), name="x", func="f", bounds=style, **ERRORS)  # type: ignore[arg-type]
    with pytest.raises(PkgTypeError, match="must be a finite number. Got str '1' instead"):
        check_number("1", name="x", func="f", **ERRORS)
    with pytest.raises(PkgTypeError):
        check_number(True, name="x", func="f", **ERRORS)


def test_check_positive_int_and_integral_floats() -> None:
    assert check_positive_int(np.int32(4), name="n", func="f") == 4
    assert check_positive_int(0, name="n", func="f", minimum=0) == 0
    assert check_positive_int(12.0, name="n", func="f", integral_float=True) == 12
    with pytest.raises(PkgTypeError, match="must be an integer >= 1. Got float 12.0 instead"):
        check_positive_int(12.0, name="n", func="f", **ERRORS)
    with pytest.raises(PkgTypeError, match="Got float 1.5"):
        check_positive_int(1.5, name="n", func="f", integral_float=True, **ERRORS)
    with pytest.raises(PkgValueError, match=r"must be an integer >= 2\. Got 1 instead\."):
        check_positive_int(1, name="n", func="f", minimum=2, **ERRORS)
    with pytest.raises(PkgTypeError):
        check_positive_int(True, name="n", func="f", **ERRORS)


def test_check_bool() -> None:
    assert check_bool(np.bool_(False), name="b", func="f") is False
    with pytest.raises(PkgTypeError, match="'b' parameter of f must be True or False. Got int 1"):
        check_bool(1, name="b", func="f", type_error=PkgTypeError)


def test_check_quantiles_open_and_closed() -> None:
    assert check_quantiles(None, func="f") == ()
    assert check_quantiles(0.5, func="f") == (0.5,)
    assert check_quantiles(np.array([0.1, 0.9]), func="f") == (0.1, 0.9)
    with pytest.raises(PkgValueError, match=r"strictly between 0 and 1\. Got 0\.0 instead"):
        check_quantiles([0.0, 0.5], func="f", **ERRORS)
    with pytest.raises(PkgTypeError, match="Got the string '0.5'"):
        check_quantiles("0.5", func="f", **ERRORS)
    assert check_quantiles((0, 1), func="f", closed=True) == (0.0, 1.0)
    with pytest.raises(PkgValueError, match=r"must lie in \[0, 1\]\. Got \(0\.5, 1\.5\) instead"):
        check_quantiles((0.5, 1.5), func="f", closed=True, **ERRORS)
    with pytest.raises(PkgTypeError, match=r"sequence of numbers in \[0, 1\]"):
        check_quantiles([0.5, "x"], func="f", closed=True, **ERRORS)


def test_locators() -> None:
    assert is_number(np.float64("nan")) and is_number(" 2 ") and not is_number("2,5")
    assert first_non_number(np.array([[1, "2"], ["x", 3]], dtype=object)) == (2, "x")
    assert first_non_finite(np.array([1.0, np.inf, np.nan])) == ((1,), 2)
    assert first_non_finite(np.array(np.nan)) == ((), 1)


@pytest.mark.parametrize(
    ("months", "first", "issue"),
    [
        (["2020-01", "2020-02", "2020-03"], True, None),
        (["2020-01", "2020-03", "2020-02", "2020-02"], True, PeriodIssue("duplicate", 2, 0)),
        (["2020-01", "2020-03", "2020-02", "2020-02"], False, PeriodIssue("unsorted", 1, 0)),
        (["2020-03", "2020-02", "2020-02"], False, PeriodIssue("unsorted", 0, 0)),
        (["2020-03", "2020-02", "2020-02"], True, PeriodIssue("duplicate", 1, 0)),
        (["2020-01", "2020-02", "2020-06"], True, PeriodIssue("gap", 1, 3)),
    ],
)
def test_period_order_issue(months: list[str], first: bool, issue: PeriodIssue | None) -> None:
    ordinals = pd.PeriodIndex(months, freq="M").asi8
    assert period_order_issue(ordinals, duplicates_first=first) == issue


def test_magnitude_issue_finds_values_models_cannot_compute_with() -> None:
    from kernel import MAX_MAGNITUDE, magnitude_issue

    assert magnitude_issue(np.array([1.0, -3e300, 5e306])) == (1, "large")
    assert magnitude_issue(np.array([MAX_MAGNITUDE, -MAX_MAGNITUDE])) is None
    assert magnitude_issue(np.array([0.0, 1e-320, -2e-300])) == (2, "small")
    assert magnitude_issue(np.zeros(4)) is None and magnitude_issue(np.empty(0)) is None
    # a denormal beside ordinary values (issue 14 item 9's series) is no issue
    assert magnitude_issue(np.array([1e-308, -1e-12, -3.0, 5e-324, 1e-12])) is None
