"""Keep every workspace column at the type geoaid/schema.py declares.

pyogrio derives a GeoPackage column's type from the pandas dtype of the
frame. A column that is empty or all null has no numeric dtype, so a table
written from such a frame (an import that kept no row, a concat with an
empty frame) stored budgets and scores as TEXT, and every page summing them
failed afterwards. Writes therefore cast to the declared types
(:func:`for_write`); reads give numbers back as numbers even where an older
file stored them as text (:func:`repaired_on_read`).
"""

from __future__ import annotations

import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from geoaid.store import schema

_TRUE = {"1", "true", "yes", "1.0"}
_FALSE = {"0", "false", "no", "0.0"}


class ColumnTypeError(ValueError):
    """A frame holds a value that its declared column type cannot take."""


def for_write(layer: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each declared column cast to its declared type (other columns as they are)."""
    types = schema.COLUMN_TYPES.get(layer, {})
    present = [column for column in types if column in frame.columns]
    if not present:
        return frame
    frame = frame.copy()
    for column in present:
        frame[column] = cast(frame[column], types[column], layer, column)
    return frame


def repaired_on_read(layer: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers and flags that an older file stored as TEXT, read back as numbers and flags."""
    types = schema.COLUMN_TYPES.get(layer, {})
    wrong = [column for column, kind in types.items()
             if kind != "text" and column in frame.columns and not is_numeric_dtype(frame[column])
             and not is_bool_dtype(frame[column])]
    for column in wrong:
        frame[column] = cast(frame[column], types[column], layer, column)
    return frame


def cast(values: pd.Series, kind: str, layer: str, column: str) -> pd.Series:
    if kind == "text":
        return _text(values)
    blank = values.astype(object).map(lambda v: isinstance(v, str) and not v.strip()).astype(bool)
    values = values.mask(blank)                       # "" in a number column: no value
    if kind == "boolean":
        return _boolean(values, layer, column)
    try:
        numbers = pd.to_numeric(values, errors="raise") if len(values) else values.astype("float64")
    except (TypeError, ValueError):
        invalid = pd.to_numeric(values, errors="coerce").isna() & values.notna()
        raise _error(values, "a number", layer, column, invalid) from None
    if kind == "real":
        return numbers.astype("float64")
    whole = numbers.isna() | (numbers == numbers.round())
    if not whole.all():
        raise _error(values, "a whole number", layer, column, ~whole)
    return numbers.astype("Int64")


def _text(values: pd.Series) -> pd.Series:
    # Missing stays missing (pandas' "str" dtype keeps NaN); anything else becomes its text.
    return values.astype("str")


def _boolean(values: pd.Series, layer: str, column: str) -> pd.Series:
    def flag(value):
        if pd.isna(value):
            return pd.NA
        if isinstance(value, (bool, int, float)) or hasattr(value, "dtype"):
            return bool(value)
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        return None                                   # marks a value that is not a flag

    flags = values.astype(object).map(flag)
    invalid = flags.map(lambda v: v is None)
    if invalid.any():
        raise _error(values, "a flag (true/false)", layer, column, invalid)
    return flags.astype("boolean")


def _error(values, kind, layer, column, invalid: pd.Series) -> ColumnTypeError:
    bad = values[invalid.astype(bool)]
    example = bad.iloc[0] if len(bad) else None
    return ColumnTypeError(f"layer {layer!r}, column {column!r}: {example!r} is not {kind} "
                           f"({len(bad)} such value(s))")
