"""kernel.tables: one reader for CSV/Excel/Parquet whose errors name the file, the line or
row and the text as it stands in the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kernel.tables import column_dates, column_numbers, describe_cell, read_table


class PkgValueError(ValueError):
    pass


def _read(tmp_path: Path, name: str, data: bytes) -> pd.DataFrame:
    path = tmp_path / name
    path.write_bytes(data)
    return read_table(path, name=name, error=PkgValueError)


def test_csv_excel_parquet_give_the_same_frame(tmp_path: Path) -> None:
    df = pd.DataFrame({"month": ["2015-01", "2015-02"], "units": [1.5, 2.25]})
    df.to_excel(tmp_path / "t.xlsx", index=False)
    df.to_parquet(tmp_path / "t.parquet", index=False)
    (tmp_path / "t.csv").write_text(df.to_csv(index=False))
    for name in ("t.csv", "t.xlsx", "t.parquet"):
        got = read_table(tmp_path / name)
        assert got["month"].astype(str).tolist() == ["2015-01", "2015-02"]
        assert got["units"].tolist() == [1.5, 2.25]
    upload = read_table((tmp_path / "t.xlsx").read_bytes(), name="upload.XLSX")
    assert upload["units"].tolist() == [1.5, 2.25]


def test_only_empty_cells_are_missing(tmp_path: Path) -> None:
    df = _read(tmp_path, "s.csv", b"month,units\n2015-01,n/a\n2015-02,\n2015-03,NA\n2015-04,3\n")
    assert df["units"].iloc[[0, 2, 3]].tolist() == ["n/a", "NA", "3"]
    assert pd.isna(df["units"].iloc[1])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Could not read 's.csv': the file is empty (no header row and no data)."),
        (b"\n \n", "Could not read 's.csv': the file is empty (no header row and no data)."),
        (
            b"month,units\n2015-01,1\n2015-02,1\x952\n",
            "Could not read 's.csv': it is not UTF-8 text (byte 0x95 in line 3: "
            "'2015-02,1\\\\x952'); save it as CSV UTF-8.",
        ),
        (
            b"month,units\n\x00\x01\x02",
            "Could not read 's.csv': it is a binary file, not a CSV text file (a NUL byte in "
            "line 2: '\\\\x00\\x01\\x02').",
        ),
        (
            b"month,units\n2015-01,1\n\n2015-03,7.1,x\n",
            "Could not read 's.csv': line 4 has 3 fields where the header has 2: '2015-03,7.1,x'.",
        ),
        (
            b'month,units\n2015-01,1\n2015-02,"2\n2015-03,3\n',
            "Could not read 's.csv': the quote opened in line 3 is never closed: '2015-02,\"2'.",
        ),
        (b"PK\x03\x04rest", "Could not read 's.csv': it is a zip archive"),
    ],
)
def test_unreadable_csv_files_are_named_with_their_line(
    tmp_path: Path, data: bytes, message: str
) -> None:
    with pytest.raises(PkgValueError) as info:
        _read(tmp_path, "s.csv", data)
    assert str(info.value).startswith(message)


def test_missing_and_unreadable_binary_formats(tmp_path: Path) -> None:
    with pytest.raises(PkgValueError, match=r"^The --data file 'nope.csv' does not exist\.$"):
        read_table(tmp_path / "nope.csv", name="nope.csv", what="--data file", error=PkgValueError)
    with pytest.raises(PkgValueError, match=r"^Could not read 'b.xlsx' as an Excel workbook: "):
        _read(tmp_path, "b.xlsx", b"not a workbook")
    with pytest.raises(PkgValueError, match=r"^Could not read 'b.parquet' as a Parquet file: "):
        _read(tmp_path, "b.parquet", b"not parquet")
    with pytest.raises(PkgValueError, match=r"^Could not read 'b.xlsx': the file is empty"):
        _read(tmp_path, "b.xlsx", b"")


def test_cells_are_reported_as_they_stand_in_the_file(tmp_path: Path) -> None:
    df = _read(tmp_path, "s.csv", b"month,units\n2015-01,1.5\n2015-02,n/a\n2015-03,\n")
    with pytest.raises(PkgValueError, match=r"^The 'units' column of s\.csv must hold numbers\. "
                       r"Got 'n/a' in row 2\.$"):  # fmt: skip
        column_numbers(df, "units", source="s.csv", error=PkgValueError)
    ok = df.iloc[[0, 2]]
    with pytest.raises(PkgValueError, match=r"Got an empty cell in row 2; use X to fill\.$"):
        column_numbers(ok, "units", source="s.csv", missing_hint="use X to fill",
                       error=PkgValueError)  # fmt: skip
    kept = column_numbers(ok, "units", source="s.csv", allow_missing=True)
    assert kept.dtype == np.float64 and kept.iloc[0] == 1.5 and np.isnan(kept.iloc[1])
    bad = _read(tmp_path, "d.csv", b"month,units\n2015-01,1\nlater,2\n")
    with pytest.raises(PkgValueError, match=r"^The 'month' column of d\.csv must hold dates\. "
                       r"Got 'later' in row 2\.$"):  # fmt: skip
        column_dates(bad, "month", source="d.csv", error=PkgValueError)


def test_describe_cell() -> None:
    assert describe_cell(np.float64("nan")) == "an empty cell"
    assert describe_cell("  ") == "an empty cell"
    assert describe_cell(pd.NA) == "an empty cell"
    assert describe_cell(np.int64(4)) == "4"
    assert describe_cell("NA") == "'NA'"
