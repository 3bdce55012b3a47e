"""The columnar CSV writer writes byte for byte what pandas' to_csv wrote (issue 16): the old
writer is the oracle here, on a frame with every awkward value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from appraisal.columns import Column, ColumnRegistry
from appraisal.money import cents_to_text
from appraisal.report.writer import CSV_ENCODING, write_csv


def _old_write_csv(frame: pd.DataFrame, path, columns: ColumnRegistry, decimals=None) -> None:
    """The writer before issue 16 (pandas to_csv after formatting by kind)."""
    out = frame.copy()
    for key in out.columns:
        kind = columns.kind(str(key))
        values = out[key]
        if kind == "money_cents":
            missing = values.isna().to_numpy()
            cents = values.astype("Int64").fillna(0).to_numpy(dtype="int64")
            out[key] = pd.Series(cents_to_text(cents), index=values.index,
                                 dtype=object).where(~missing, "")
        elif kind == "date" or pd.api.types.is_datetime64_any_dtype(values):
            out[key] = pd.to_datetime(values).dt.strftime("%Y-%m-%d").fillna("")
        elif (decimals is not None and pd.api.types.is_float_dtype(values)
              and not pd.api.types.is_bool_dtype(values)):
            out[key] = values.map(lambda v: "" if pd.isna(v) else f"{v:.{decimals}f}")
    out.to_csv(path, index=False, encoding=CSV_ENCODING, lineterminator="\n")


def _registry(frame: pd.DataFrame, money: tuple[str, ...] = ()) -> ColumnRegistry:
    kinds = {key: ("money_cents" if key in money else "text") for key in frame.columns}
    return ColumnRegistry({key: Column(key, kind, None, key, key)  # type: ignore[arg-type]
                           for key, kind in kinds.items()})


def _awkward() -> pd.DataFrame:
    return pd.DataFrame({
        "text": ["x,y", 'q"z', "l\nm", "r\rs", " sp", "", None, "中文,逗号"],
        "float": [0.1, 1e16, np.nan, -0.0, 1e-5, 3.0, 2.5e-300, 123456789.125],
        "int": np.arange(8, dtype=np.int64) - 3,
        "flag": [True, False] * 4,
        "count": pd.array([1, None, 3, 4, 5, 6, 7, 8], dtype="Int64"),
        "maybe": pd.array([True, None, False, True, True, True, True, True], dtype="boolean"),
        "cents": pd.array([123456, -5, 0, None, 10**15, -(10**12), 7, 99], dtype="Int64"),
        "day": pd.to_datetime(["2024-02-29", None, "2026-10-31", "2000-01-01"] * 2),
        "category": pd.Categorical(["a", "b", None, "a", "c,d", "a", "b", "a"]),
        "mixed": pd.array([1, "two", 3.5, None, True, "x", "", "y"], dtype=object),
    })


@pytest.mark.parametrize("decimals", [None, 0, 4])
def test_columnar_writer_matches_the_pandas_writer_byte_for_byte(tmp_path, decimals) -> None:
    frame = _awkward()
    columns = _registry(frame, money=("cents",))
    write_csv(frame, tmp_path / "new.csv", columns, decimals=decimals)
    _old_write_csv(frame, tmp_path / "old.csv", columns, decimals=decimals)
    assert (tmp_path / "new.csv").read_bytes() == (tmp_path / "old.csv").read_bytes()


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"only": ["", "x", "", "a,b"]}),  # one column: an empty field is ""
    pd.DataFrame({"a,b": [1], 'q"': [2.5]}),  # headers needing quotes
    pd.DataFrame({"a": pd.Series([], dtype="float64"), "b": pd.Series([], dtype="str")}),
])
def test_columnar_writer_edge_frames(tmp_path, frame: pd.DataFrame) -> None:
    columns = _registry(frame)
    write_csv(frame, tmp_path / "new.csv", columns)
    _old_write_csv(frame, tmp_path / "old.csv", columns)
    assert (tmp_path / "new.csv").read_bytes() == (tmp_path / "old.csv").read_bytes()


_AWKWARD_CSV = (
    'account_id,name,amount,note\r\n'
    'A1,"Li, Wei",1234.50,"line one\nline two"\r\n'
    'A2, 王 ,-0.005,"say ""hi"""\r\n'
    'A3,,1e3,\r\n'
    'A4,张三,"1,234",plain\r\n'
    '\r\n'
    'A5,,,\r\n'
    '\r\n'
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_columnar_csv_reader_gives_the_pandas_readers_frame(tmp_path, encoding) -> None:
    from appraisal.io.readers import _columnar_csv

    path = tmp_path / "t.csv"
    path.write_bytes(_AWKWARD_CSV.encode(encoding))
    fast = _columnar_csv(path, encoding, ",", 0)
    slow = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False,
                       encoding=encoding, skip_blank_lines=False)
    assert fast is not None
    pd.testing.assert_frame_equal(fast, slow)


@pytest.mark.parametrize("text", [
    "a,b\n1,2,3\n",  # ragged: the pandas reader's message
    "a,a\n1,2\n",  # repeated header
    '"a",b\n1,2\n',  # quoted header
])
def test_columnar_csv_reader_leaves_unplain_files_to_the_pandas_reader(tmp_path, text) -> None:
    from appraisal.io.readers import _columnar_csv

    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    assert _columnar_csv(path, "utf-8", ",", 0) is None
