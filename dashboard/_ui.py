"""Streamlit building blocks shared by the pages: data inputs, figures with downloads, errors.

Nothing here computes a model: it reads user input, shows results and offers downloads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import kernel
from dashboard._labels import column_config, label
from dashboard._words import in_user_words, upload_words
from montecarlo import load_monthly_units, read_frame
from nn import Callback
from plots import to_html

__all__ = [
    "USER_ERRORS",
    "StreamlitProgress",
    "csv_download",
    "guarded",
    "period_unit",
    "read_table",
    "series_input",
    "series_words",
    "show_error",
    "show_figure",
    "show_table",
    "upload_label",
]

#: Exceptions that mean "the input is wrong", shown as a message, never as a traceback.
#: Every package error subclasses ValueError or TypeError; parsers raise the same
#: (pandas' ParserError and EmptyDataError are ValueErrors), decoding raises
#: UnicodeDecodeError (a ValueError), a missing optional reader an ImportError.
USER_ERRORS: tuple[type[BaseException], ...] = (ValueError, TypeError, ImportError, KeyError)

SAMPLE = "Bundled sample (monthly units 2000-2015)"
UPLOAD = "Upload a CSV or Excel file"


def show_error(what: str, exc: BaseException, words: Mapping[str, str] | None = None) -> None:
    """A clear in-page message for bad input (no traceback), in the page's words:
    ``words`` maps the library's parameter names to the widgets that fed them
    (:func:`dashboard._words.in_user_words`)."""
    st.error(f"{what}: {in_user_words(str(exc), words)}", icon="🚫")


def show_table(
    data: Any,
    key: str,
    *,
    hide_index: bool = False,
    order: Sequence[str] | None = None,
    **override: Any,
) -> None:
    """``st.dataframe`` with readable headers and wide sentence columns (the shared label
    map, :func:`dashboard._labels.column_config`); ``data`` is a DataFrame or its Styler,
    ``order`` the columns' order on screen, ``override`` configures single columns."""
    frame = data if isinstance(data, pd.DataFrame) else data.data  # a Styler's frame
    config = column_config(frame.columns, **override)
    if not hide_index and frame.index.name is not None:
        config.setdefault("_index", st.column_config.Column(label(frame.index.name)))
    st.dataframe(data, key=key, hide_index=hide_index, column_config=config, column_order=order)


def show_figure(fig: go.Figure, name: str) -> None:
    """Render a plotly figure with a button that downloads it as a self-contained HTML page."""
    st.plotly_chart(fig, key=f"fig-{name}", width="stretch")
    st.download_button(
        "Download figure (HTML)",
        data=lambda: to_html(fig),
        file_name=f"{name}.html",
        mime="text/html",
        key=f"dl-fig-{name}",
        on_click="ignore",
    )


def csv_download(frame: pd.DataFrame, name: str, label: str = "Download CSV") -> None:
    """A download button with ``frame`` as CSV (the index kept when it is meaningful)."""
    keep = not isinstance(frame.index, pd.RangeIndex)
    st.download_button(
        label,
        data=frame.to_csv(index=keep).encode("utf-8"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"dl-csv-{name}",
        on_click="ignore",
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _parse_table(name: str, content: bytes) -> pd.DataFrame:
    return kernel.read_table(content, name=name)


def read_table(uploaded: Any) -> pd.DataFrame:
    """Read an uploaded CSV, Excel or Parquet file into a DataFrame with
    :func:`kernel.read_table` (its errors, which name the file, the line and the text,
    propagate)."""
    df = _parse_table(uploaded.name, uploaded.getvalue())
    if df.shape[1] < 2 or len(df) == 0:
        raise ValueError(
            f"The file {uploaded.name!r} must hold at least two columns and one row. "
            f"Got {df.shape[0]} row(s) and {df.shape[1]} column(s): {list(df.columns)}."
        )
    return df


def series_input(key: str, *, any_frequency: bool = False) -> tuple[pd.Series, str] | None:
    """Sidebar widgets choosing a series: the bundled sample or an uploaded file.

    Monthly by default (the Target page's calendar-year question). With
    ``any_frequency=True`` (the Forecast page) quarterly, weekly and daily uploads are read
    too (:func:`forecast.series_from_frame`), and a "Fill gaps" box interpolates missing
    periods and empty cells. Returns the series and a label, or None (after showing why)
    when there is none yet.
    """
    source = st.sidebar.radio("Data", (SAMPLE, UPLOAD), key=f"{key}-source")
    if source == SAMPLE:
        return load_monthly_units(), SAMPLE_LABEL
    uploaded = st.sidebar.file_uploader(
        upload_label(any_frequency), type=["csv", "xlsx", "xls"], key=f"{key}-file"
    )
    if uploaded is None:
        st.info("Upload a CSV or Excel file with a date column and a value column.")
        return None
    try:
        df = read_table(uploaded)
    except USER_ERRORS as exc:
        show_error(f"Could not read {uploaded.name!r}", exc)
        return None
    cols = [str(c) for c in df.columns]
    df.columns = cols
    date = st.sidebar.selectbox("Date column", cols, index=0, key=f"{key}-date")
    numeric = [c for c in cols if c != date and pd.api.types.is_numeric_dtype(df[c])]
    others = [c for c in cols if c != date]
    options = numeric + [c for c in others if c not in numeric]
    value = st.sidebar.selectbox("Value column", options, index=0, key=f"{key}-value")
    fill = any_frequency and st.sidebar.checkbox(
        "Fill gaps (linear interpolation)", value=False, key=f"{key}-fill"
    )
    try:
        if any_frequency:
            from forecast import series_from_frame

            series = series_from_frame(
                df, date=date, value=value, source=uploaded.name, fill_gaps=fill,
                fill_hint="the 'Fill gaps' box", name=uploaded.name, func="the Forecast page",
            )  # fmt: skip
        else:
            series = read_frame(df, date=date, value=value, source=uploaded.name)
    except USER_ERRORS as exc:
        show_error(f"Could not use {uploaded.name!r}", exc)
        return None
    if fill:
        st.sidebar.caption(f"{series.attrs.get('filled', 0)} of {len(series)} values interpolated")
    return series, uploaded.name


SAMPLE_LABEL = "monthly units (bundled sample)"


def upload_label(any_frequency: bool = False) -> str:
    """The label of :func:`series_input`'s upload box."""
    kind = "Series: monthly, quarterly, weekly or daily" if any_frequency else "Monthly series"
    return f"{kind} (CSV or Excel)"


def series_words(label: str, *, any_frequency: bool = False) -> str:
    """How a page names the series :func:`series_input` gave (for :func:`show_error`):
    "series uploaded as 'Monthly series (CSV or Excel)' (sales.csv)", or the sample."""
    if label == SAMPLE_LABEL:
        return f"bundled sample series (sidebar 'Data': {SAMPLE!r})"
    return upload_words(upload_label(any_frequency), label, "series")


def period_unit(series: pd.Series) -> str:
    """The unit of a PeriodIndex series' steps: months, quarters, weeks, days or periods."""
    code = series.index.freqstr.split("-")[0].upper()
    return {"M": "months", "Q": "quarters", "W": "weeks", "D": "days"}.get(code, "periods")


class StreamlitProgress(Callback):
    """An :mod:`nn` callback that drives ``st.progress`` and a live, titled loss chart.

    The chart lives in the placeholder ``chart`` only while training runs: the last run's
    end empties it (the page then shows the finished runs' own chart), so no leftover of
    the last network is left above the real one.

    Parameters
    ----------
    bar : streamlit progress element
    chart : streamlit placeholder for the loss chart (``st.empty()``)
    every : int
        Redraw the chart every ``every`` epochs (the bar moves every epoch).
    runs : int
        Number of training runs it will watch one after the other (e.g. the networks of
        an ensemble); the bar covers all of them and the chart shows the current one.
    names : sequence of str, optional
        What each run trains (shown in the chart's title), e.g. "forecast network 1 of 3";
        default "network k/runs".
    """

    def __init__(
        self,
        bar: Any,
        chart: Any,
        *,
        every: int = 5,
        runs: int = 1,
        names: Sequence[str] | None = None,
    ) -> None:
        self.bar = bar
        self.chart = chart
        self.every = every
        self.runs = runs
        self.names = (
            list(names)
            if names is not None
            else [f"network {k + 1}/{runs}" if runs > 1 else "network" for k in range(runs)]
        )
        if len(self.names) != runs:
            raise ValueError(f"StreamlitProgress needs {runs} run names. Got {len(self.names)}.")
        self._run = -1

    def on_train_begin(self, context: Any) -> None:
        self._run += 1

    def on_epoch_end(self, context: Any, epoch: int) -> None:
        h = context.history
        run = min(max(self._run, 0), self.runs - 1)
        tag = f"network {run + 1}/{self.runs}, " if self.runs > 1 else ""
        self.bar.progress(
            min((run + (epoch + 1) / context.epochs) / self.runs, 1.0),
            text=f"{tag}epoch {epoch + 1}/{context.epochs}, loss {h.loss[-1]:.4g}",
        )
        if (epoch + 1) % self.every == 0 or epoch + 1 == context.epochs:
            data = {"training loss": h.loss}
            if h.val_loss:
                data["validation loss"] = h.val_loss
            frame = pd.DataFrame(data, index=pd.Index(np.arange(1, len(h.loss) + 1), name="epoch"))
            with self.chart.container():
                st.markdown(
                    f"**Training now: {self.names[run]}, epoch {epoch + 1} of at most "
                    f"{context.epochs}**"
                )
                st.line_chart(frame, x_label="epoch", y_label="loss")

    def on_train_end(self, context: Any) -> None:
        if self._run + 1 >= self.runs:
            self.bar.progress(1.0, text=f"done: {self._run + 1} training run(s)")
            self.chart.empty()  # the live chart goes; the finished runs get their own


def guarded(
    what: str,
    func: Callable[..., Any],
    *args: Any,
    words: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> Any:
    """Call ``func``; on a user error show a message (in the page's ``words``, see
    :func:`show_error`) and return None."""
    try:
        return func(*args, **kwargs)
    except USER_ERRORS as exc:
        show_error(what, exc, words)
        return None
