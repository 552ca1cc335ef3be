"""NBeats.fit(callbacks=): nn callbacks told about fine-tuning, epoch by epoch (~2 s)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from forecast import ForecastTypeError, NBeats
from nn import Callback


class Recorder(Callback):
    """Every hook call with what the context held at that moment."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def on_train_begin(self, context) -> None:
        self.calls.append(("begin", context.epochs, len(context.history.loss)))

    def on_epoch_end(self, context, epoch: int) -> None:
        h = context.history
        self.calls.append(("epoch", epoch, h.loss[-1], h.val_loss[-1], len(h.loss)))

    def on_train_end(self, context) -> None:
        h = context.history
        self.calls.append(("end", h.epochs, h.best_epoch, h.stopped_epoch))


def spiky(n: int = 60) -> pd.Series:
    t = np.arange(n)  # a spike every 6 months: fine-tuning has something to learn
    y = 100 + 60 * (t % 6 == 5) + np.random.default_rng(0).normal(0, 1, n)
    return pd.Series(y, index=pd.period_range("2020-01", periods=n, freq="M"))


def runs(calls: list[tuple]) -> list[list[tuple]]:
    """The calls cut into training runs (begin ... end)."""
    out: list[list[tuple]] = []
    for c in calls:
        if c[0] == "begin":
            out.append([])
        out[-1].append(c)
    return out


def test_each_fine_tuning_epoch_tells_the_callback_its_losses():
    rec = Recorder()
    model = NBeats(fine_tune=6, learning_rate=1e-3, patience=6, random_state=3)
    model.fit(spiky(), callbacks=[rec])
    hist = model.fine_tune_history_
    per_net = runs(rec.calls)
    assert len(per_net) == len(model.nets_) == len(hist["loss"])  # one run per network
    for k, run in enumerate(per_net):
        assert run[0] == ("begin", 6, 0) and run[-1][0] == "end"
        epochs = [c for c in run if c[0] == "epoch"]
        # once per epoch, in order, with the epoch's training and held-out loss
        # (fine_tune_history_ also holds evaluation 0, before any step)
        assert [c[1] for c in epochs] == list(range(len(hist["loss"][k]) - 1))
        assert [c[2] for c in epochs] == hist["loss"][k][1:]
        assert [c[3] for c in epochs] == hist["val_loss"][k][1:]
        assert [c[4] for c in epochs] == list(range(1, len(epochs) + 1))
        assert all(math.isfinite(c[2]) and c[2] > 0 for c in epochs)
        best = hist["best_epoch"][k]
        assert run[-1] == ("end", len(epochs), best - 1 if best > 0 else None,
                           None if len(epochs) == 6 else len(epochs) - 1)  # fmt: skip


def test_an_early_stop_is_reported_and_callbacks_do_not_change_the_forecast():
    y = spiky()
    quiet = NBeats(fine_tune=40, patience=1, random_state=0).fit(y)
    rec = Recorder()
    told = NBeats(fine_tune=40, patience=1, random_state=0).fit(y, callbacks=[rec])
    pd.testing.assert_frame_equal(quiet.predict(6), told.predict(6))
    ends = [c for c in rec.calls if c[0] == "end"]
    assert len(ends) == len(told.nets_)
    for (_, epochs, _, stopped), loss in zip(ends, told.fine_tune_history_["loss"], strict=True):
        assert epochs == len(loss) - 1 < 40  # patience 1 stops well before 40 epochs
        assert stopped == epochs - 1


def test_zero_shot_calls_no_callback_and_bad_callbacks_are_refused():
    rec = Recorder()
    NBeats().fit(spiky(), callbacks=[rec])
    assert rec.calls == []
    with pytest.raises(ForecastTypeError, match=r"'callbacks' parameter of NBeats.fit .* Got int"):
        NBeats(fine_tune=2).fit(spiky(), callbacks=[3])
