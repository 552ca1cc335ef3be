"""analytics.rows: the rows a user streams into an online model, typed or uploaded."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from analytics import (
    AnalyticsTypeError,
    AnalyticsValueError,
    OnlineLinearRegression,
    load_ex1data1,
    rows_from_table,
    rows_from_text,
)

FEATURES, TARGET = ["population_10k"], "profit_10k"


def test_typed_rows_are_features_then_target_per_line() -> None:
    text = " 5.5 , 3.2\n\n   \n7.0,-4e-1\n1e1, 0\n"  # blank lines skipped, spaces allowed
    X, y = rows_from_text(text, features=["a"], target="t")
    assert X.dtype == np.float64 and y.dtype == np.float64
    np.testing.assert_array_equal(X, [[5.5], [7.0], [10.0]])
    np.testing.assert_array_equal(y, [3.2, -0.4, 0.0])
    X2, y2 = rows_from_text("1, 2, 3\n4, 5, 6", features=["a", "b"], target="t")
    np.testing.assert_array_equal(X2, [[1.0, 2.0], [4.0, 5.0]])
    np.testing.assert_array_equal(y2, [3.0, 6.0])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("5.5, 3.2\n5.5, 3.2, 9", "Line 2 of the 'text' parameter of rows_from_text needs 2 "
                                  "comma-separated numbers (population_10k, profit_10k). "
                                  "Got 3: '5.5, 3.2, 9'."),
        ("5.5", "Line 1 of the 'text' parameter of rows_from_text needs 2 comma-separated"),
        ("5.5, 3.2,", "needs 2 comma-separated numbers"),
        ("5.5, abc", "Line 1 of the 'text' parameter of rows_from_text, value 'profit_10k' "
                     "must be a number. Got 'abc'."),
        ("\n5.5, nan", "Line 2 of the 'text' parameter of rows_from_text, value 'profit_10k' "
                       "must be a finite number. Got 'nan'."),
        ("inf, 1", "value 'population_10k' must be a finite number. Got 'inf'."),
        (", 1", "value 'population_10k' must be a number. Got ''."),
        ("  \n\n", "The 'text' parameter of rows_from_text holds no rows"),
    ],
)  # fmt: skip
def test_bad_typed_rows_name_the_line_and_value(text: str, message: str) -> None:
    with pytest.raises(AnalyticsValueError) as err:
        rows_from_text(text, features=FEATURES, target=TARGET)
    assert message in str(err.value)


def test_table_rows_follow_the_feature_order_and_ignore_other_columns() -> None:
    frame = pd.DataFrame(
        {"y": [1.0, 2.0, 3.0], "note": ["a", "b", "c"], "b": [10, 20, 30], "a": ["0.5", " 1", "2"]}
    )
    X, y = rows_from_table(frame, features=["a", "b"], target="y")
    np.testing.assert_array_equal(X, [[0.5, 10.0], [1.0, 20.0], [2.0, 30.0]])
    np.testing.assert_array_equal(y, [1.0, 2.0, 3.0])


def test_uploaded_csv_rows_continue_the_stream_like_the_sample_rows() -> None:
    # Streaming the last rows of ex1data1 read back from CSV gives the same model as
    # streaming them straight from the sample: batch least squares on all 97 rows.
    df = load_ex1data1()
    csv = df.iloc[60:][[TARGET, *FEATURES]].to_csv(index=False).encode()
    X_new, y_new = rows_from_table(pd.read_csv(io.BytesIO(csv)), features=FEATURES, target=TARGET)
    model = OnlineLinearRegression().fit(df[FEATURES].to_numpy()[:60], df[TARGET].to_numpy()[:60])
    model.partial_fit(X_new, y_new)
    A = np.column_stack([np.ones(len(df)), df[FEATURES[0]].to_numpy()])
    theta = np.linalg.lstsq(A, df[TARGET].to_numpy(), rcond=None)[0]
    assert model.intercept_ == pytest.approx(theta[0], abs=1e-10)
    assert model.coef_[0] == pytest.approx(theta[1], abs=1e-10)
    assert round(model.coef_[0], 4) == 1.1930 and round(model.intercept_, 4) == -3.8958


def test_bad_tables_name_the_column_and_row() -> None:
    frame = pd.DataFrame({"x": [1.0, np.nan, np.inf], "y": [1.0, 2.0, 3.0]}, index=[10, 11, 12])
    with pytest.raises(AnalyticsValueError) as err:
        rows_from_table(frame, features=["x"], target="y")
    assert str(err.value) == (
        "Column 'x' of the 'frame' parameter of rows_from_table must hold finite numbers. "
        "Got nan in row 11 (2 missing or non-finite values)."
    )
    text = pd.DataFrame({"x": ["1", "two"], "y": [1.0, 2.0]})
    with pytest.raises(AnalyticsValueError) as err:
        rows_from_table(text, features=["x"], target="y")
    assert str(err.value) == (
        "Column 'x' of the 'frame' parameter of rows_from_table, row 1 must be a number. Got 'two'."
    )
    nullable = pd.DataFrame({"x": [1.0, 2.0], "y": pd.array([1, None], dtype="Int64")})
    with pytest.raises(AnalyticsValueError, match="Column 'y' .* Got <NA> in row 1"):
        rows_from_table(nullable, features=["x"], target="y")
    with pytest.raises(AnalyticsValueError) as err:
        rows_from_table(pd.DataFrame({"x": [1.0]}), features=["x", "z"], target="y")
    assert str(err.value) == (
        "The 'frame' parameter of rows_from_table lacks the column(s) ['z', 'y']; it has ['x']."
    )
    with pytest.raises(AnalyticsValueError, match="holds no rows"):
        rows_from_table(pd.DataFrame({"x": [], "y": []}), features=["x"], target="y")
    twice = pd.DataFrame([[1.0, 2.0, 3.0]], columns=["x", "x", "y"])
    with pytest.raises(AnalyticsValueError, match="has 2 columns named 'x'"):
        rows_from_table(twice, features=["x"], target="y")


def test_wrong_argument_types_are_type_errors() -> None:
    with pytest.raises(AnalyticsTypeError, match="'frame' parameter of rows_from_table must be"):
        rows_from_table(np.ones((2, 2)), features=["x"], target="y")  # type: ignore[arg-type]
    with pytest.raises(AnalyticsTypeError, match="'text' parameter of rows_from_text must be"):
        rows_from_text(b"1, 2", features=["x"], target="y")  # type: ignore[arg-type]
    with pytest.raises(AnalyticsTypeError, match="'features' parameter of rows_from_text"):
        rows_from_text("1, 2", features="x", target="y")
    with pytest.raises(AnalyticsValueError, match="must name at least one feature"):
        rows_from_text("1", features=[], target="y")
