"""Fuzz: random nasty series through every registered forecaster and the question service.

Each entry point gets its cases from a fixed-seed NumPy Generator (:func:`tests.fuzz.fuzz_rng`;
no hypothesis, so the count and the cost are fixed and a failure names its case) and must
give a finite answer or a :class:`forecast.ForecastError` whose message names a parameter.
The question service may also refuse a history with :class:`montecarlo.MonteCarloError`
(it validates the history with :func:`montecarlo.as_monthly_series`). Counts are printed
(``pytest -rA``) and merged into ``$TMPDIR/riskcast-fuzz-counts.json``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast import (
    ForecastError,
    NeuralForecaster,
    answer_question,
    make_model,
    model_names,
)
from montecarlo import MonteCarloError
from tests.fuzz import Outcomes, fuzz_rng, is_finite, nasty_question, nasty_series, report

#: Cases per entry point. Three forecasters cost much more per series (CPU, one core):
#: ARIMA's stepwise order search ~0.15 s, AutoForecaster's validation windows over its
#: members and the fine-tuned N-BEATS ~0.05 s; they run fewer so the whole fuzz (both
#: test_properties files) stays within its budget of ~90 s on 2 cores.
CASES = 300
SLOW = {"arima": 60, "auto": 150, "nbeats-tuned": 150}
#: The question service runs each method as registered: the GAN and VAE train their
#: networks at every cutoff the question and its backtest ask (~0.1-0.3 s each), so fewer.
ANSWER_CASES = {"gan": 100, "vae": 100}
#: Paths per simulated answer, and the neural forecasters' tiny training (the contract
#: allows any epochs; these only bound the cost).
N_PATHS = 200
TINY_NEURAL = {"n_models": 1, "max_epochs": 3, "patience": 1}


def _forecast_ok(answer: tuple[pd.DataFrame, np.ndarray], h: int) -> bool:
    frame, paths = answer
    q = frame[["q0.1", "q0.5", "q0.9"]].to_numpy()
    tol = 1e-9 * (1.0 + np.abs(q).max())
    return (
        frame.shape == (h, 4)
        and paths.shape == (N_PATHS, h)
        and is_finite(frame, paths)
        and bool((np.diff(q, axis=1) >= -tol).all())
    )


def _model(name: str) -> object:
    model = make_model(name, fast=True)
    if isinstance(model, NeuralForecaster):
        model = model.set_params(**TINY_NEURAL)
    return model


@pytest.mark.parametrize("name", model_names(forecaster=True))
def test_forecaster_gives_finite_forecasts_or_a_forecast_error(name: str) -> None:
    entry = f"{name}: fit + predict + sample_paths"
    out = Outcomes(entry, ForecastError)
    rng = fuzz_rng(entry)
    for case in range(SLOW.get(name, CASES)):
        _, y = nasty_series(rng, max_long=120, freqs=("M", "Q", "D", "W-SUN"))
        h = int(rng.integers(1, 13))

        def call(y: pd.Series = y, h: int = h, case: int = case) -> tuple:
            model = _model(name).fit(y)
            return model.predict(h), model.sample_paths(h, N_PATHS, rng=case)

        out.run(case, y, call, lambda a, h=h: _forecast_ok(a, h))
    report(out)
    assert out.total() == SLOW.get(name, CASES)


def _answer_ok(a: object) -> bool:
    rs = list(a.results.values())
    return bool(rs) and all(
        0.0 <= r.probability <= 1.0
        and is_finite(r.std_error, r.ci, r.mean_total, r.expected_shortfall)
        and is_finite(list(r.quantiles.values()))
        and r.ci[0] <= r.probability <= r.ci[1]
        for r in rs
    )


@pytest.mark.parametrize("name", model_names(forecaster=False))
def test_question_service_answers_or_refuses_by_name(name: str) -> None:
    entry = f"answer_question[{name}]"
    out = Outcomes(entry, (ForecastError, MonteCarloError))
    rng = fuzz_rng(entry)
    for case in range(ANSWER_CASES.get(name, CASES)):
        y, as_of, target, sampler = nasty_question(rng, max_long=120)

        def call(y=y, as_of=as_of, target=target, case=case, sampler=sampler) -> object:
            return answer_question(
                y, as_of=as_of, target=target, methods=[name], n_paths=N_PATHS,
                sampler=sampler, seed=case,
                backtest=case % 3 == 0, backtest_paths=100, fits=case % 2 == 0,
            )  # fmt: skip

        out.run(case, y, call, _answer_ok)
    report(out)
    assert out.total() == ANSWER_CASES.get(name, CASES)
