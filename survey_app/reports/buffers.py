"""Growable column buffers behind a mirror's frame: one new response costs its own row, not a copy of the campaign.

Joining a campaign's frame with the responses that arrived since (:func:`.mirror.appended`) copies every column
of the frame: at a million responses that is ~60 columns of 1 M values, half a gigabyte of fresh memory and
~1.4 s of CPU for each new answer (measured, most of it page faults). A :class:`Buffers` keeps each column in an
array with room to spare, writes the new rows after the last ones, and hands out frames whose columns are
read-only views of the first ``length`` rows. A frame handed out earlier still sees exactly its own rows: rows are
only ever written past the end of every frame already given out, and an array that runs out of room is copied
into a larger one, leaving the older frames on the old array.

Each column keeps the array type a whole read gives it (``tidy`` in :mod:`analysis.data`): plain NumPy arrays,
pandas' nullable (masked) arrays, labels as ``category`` (codes in the buffer, the categories fixed) and Arrow
text (a list of chunks, made one chunk again past :data:`MAX_CHUNKS`). Anything else — a column of another
type, a label never seen before (a whole read would sort it among the others), a different set of columns, or a
head that is not this buffer's last frame (two threads growing the same frame) — is refused with ``None``, and
the caller joins the frames the slow way, which is always correct.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

#: Arrow-backed text columns are joined by adding a chunk; past this many chunks they are made one again, so
#: that a worker appending thousands of responses does not slow every later operation on its text columns.
MAX_CHUNKS = 32
#: Smallest room kept after the last row, and its share of the rows (room for an eighth more rows at a time,
#: so a column is copied ~log(n) times while it grows to n rows, not once per response).
MIN_ROOM, ROOM_SHARE = 1024, 8


def _view(array: np.ndarray, length: int) -> np.ndarray:
    view = array[:length]
    view.flags.writeable = False
    return view


@dataclass
class _Column:
    """One column: its buffers (``parts``: the array for NumPy, the codes for labels, values and mask for
    masked arrays) or its Arrow chunks, and how to make a pandas array of the first ``length`` rows."""

    kind: str
    dtype: Any
    parts: list[np.ndarray] = field(default_factory=list)
    chunks: list[Any] = field(default_factory=list)
    masked: type | None = None

    def array(self, length: int) -> Any:
        if self.kind == "numpy":
            return _view(self.parts[0], length)
        if self.kind == "masked":
            assert self.masked is not None
            return self.masked(_view(self.parts[0], length), _view(self.parts[1], length), copy=False)
        if self.kind == "label":
            return pd.Categorical.from_codes(_view(self.parts[0], length), dtype=self.dtype, validate=False)
        return pd.array(pa.chunked_array(self.chunks, type=self.chunks[0].type), dtype=self.dtype)

    def tail_parts(self, tail: Any) -> list[Any] | None:
        """The tail column as this column's parts (Arrow: its chunks), or ``None`` if it cannot go here."""
        if self.kind == "numpy":
            return [tail] if isinstance(tail, np.ndarray) and tail.dtype == self.dtype else None
        if self.kind == "masked":
            return list(_masked_parts(tail)) if type(tail) is self.masked and _dtype(tail) == self.dtype else None
        if self.kind == "label":
            if not isinstance(tail, pd.Categorical) or tail.ordered:
                return None
            position = self.dtype.categories.get_indexer(tail.categories)
            if (position < 0).any():
                return None  # a new label: a whole read would sort it among the others
            codes = np.where(tail.codes < 0, -1, position[np.maximum(tail.codes, 0)] if len(position) else -1)
            return [codes.astype(self.parts[0].dtype)]
        chunked = getattr(tail, "_pa_array", None)
        return list(chunked.chunks) if isinstance(chunked, pa.ChunkedArray) and tail.dtype == self.dtype else None

    def write(self, length: int, new: list[Any]) -> None:
        """Add the tail's parts after row ``length``."""
        if self.kind == "arrow":
            self.chunks = [*self.chunks, *new]
            if len(self.chunks) > MAX_CHUNKS:
                self.chunks = [pa.chunked_array(self.chunks, type=self.chunks[0].type).combine_chunks()]
            return
        self.parts = [_written(buffer, length, values) for buffer, values in zip(self.parts, new, strict=True)]


def _dtype(array: Any) -> Any:
    return array.dtype


def _masked_parts(array: Any) -> tuple[np.ndarray, np.ndarray]:
    """A nullable array's values and mask, as pandas holds them (``BaseMaskedArray._data`` and ``_mask``): read
    without copying, since a public accessor (``to_numpy``, ``isna``) would copy a million values."""
    return array._data, array._mask


def _plain(series: pd.Series) -> Any:
    """The column's array: NumPy for NumPy dtypes, else the extension array."""
    # Plain dtypes (numbers, naive datetimes) as their NumPy array; the frame wraps a datetime view again.
    return series.to_numpy() if isinstance(series.dtype, np.dtype) else series.array


def _supported(array: Any) -> bool:
    """Whether ``array`` is of a type these buffers hold (checked on every column before any is copied)."""
    if isinstance(array, np.ndarray):
        return array.dtype != object
    if isinstance(array, pd.Categorical):
        return not array.ordered and array.categories.is_monotonic_increasing
    if isinstance(array, pd.arrays.IntegerArray | pd.arrays.FloatingArray | pd.arrays.BooleanArray):
        return True
    chunked = getattr(array, "_pa_array", None)
    return isinstance(chunked, pa.ChunkedArray) and chunked.num_chunks > 0


def _column(array: Any) -> _Column:
    """A column holding ``array`` (of a :func:`_supported` type) with room to grow."""
    length = len(array)
    room = length + max(MIN_ROOM, length // ROOM_SHARE)
    if isinstance(array, np.ndarray) and array.dtype != object:
        buffer = np.empty(room, dtype=array.dtype)
        buffer[:length] = array
        return _Column("numpy", array.dtype, [buffer])
    if isinstance(array, pd.Categorical):
        codes = np.empty(room, dtype=array.codes.dtype)
        codes[:length] = array.codes
        return _Column("label", array.dtype, [codes])
    if isinstance(array, pd.arrays.IntegerArray | pd.arrays.FloatingArray | pd.arrays.BooleanArray):
        data, present = _masked_parts(array)
        values, mask = np.empty(room, dtype=data.dtype), np.empty(room, dtype=bool)
        values[:length], mask[:length] = data, present
        return _Column("masked", array.dtype, [values, mask], masked=type(array))
    return _Column("arrow", array.dtype, chunks=[array._pa_array.combine_chunks()])


class Buffers:
    """A campaign frame's columns with room to grow (see the module's docstring)."""

    def __init__(self, names: list[str], columns: dict[str, _Column], length: int) -> None:
        self.names, self._columns, self.length = names, columns, length
        self._lock = threading.Lock()

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Buffers | None:
        """Buffers holding ``frame``'s columns, or ``None`` if one of them is of a type kept whole."""
        arrays = {name: _plain(frame[name]) for name in frame.columns} if frame.columns.is_unique else {}
        if len(arrays) != len(frame.columns) or not all(_supported(array) for array in arrays.values()):
            return None
        return cls(list(arrays), {name: _column(array) for name, array in arrays.items()}, len(frame))

    def frame(self) -> pd.DataFrame:
        """The first :attr:`length` rows as a frame of read-only views (no copy)."""
        arrays = {name: self._columns[name].array(self.length) for name in self.names}
        return pd.DataFrame(arrays, index=pd.RangeIndex(self.length), copy=False)

    def extend(self, head_length: int, tail: pd.DataFrame) -> pd.DataFrame | None:
        """The frame of the first ``head_length`` rows followed by ``tail``'s, or ``None`` when these buffers
        cannot give it (see the module's docstring); the buffers are unchanged then."""
        with self._lock:
            if head_length != self.length or list(tail.columns) != self.names:
                return None
            parts = {}
            for name in self.names:
                found = self._columns[name].tail_parts(_plain(tail[name]))
                if found is None:
                    return None
                parts[name] = found
            for name, new in parts.items():
                self._columns[name].write(self.length, new)
            self.length += len(tail)
            return self.frame()


def _written(buffer: np.ndarray, length: int, values: np.ndarray) -> np.ndarray:
    """``buffer`` with ``values`` written from row ``length`` on (a larger copy when it has no room left).
    The rows before ``length`` are never written: frames handed out earlier see only those."""
    end = length + len(values)
    if end > len(buffer):
        larger = np.empty(end + max(MIN_ROOM, end // ROOM_SHARE), dtype=buffer.dtype)
        larger[:length] = buffer[:length]
        buffer = larger
    buffer[length:end] = values
    return buffer


class Growing:
    """One NumPy array with room to grow, under the same rules as :class:`Buffers`: views of the first
    :attr:`length` values are read-only and never change; :meth:`extend` writes after the last value only when
    asked to extend the latest view (else ``None``). For per-row arrays derived from a mirror's frame (each
    response's unit code, stratum), so that a new response costs its own value, not a copy of a million."""

    def __init__(self, values: np.ndarray) -> None:
        self._column = _column(np.asarray(values))
        self.length = len(values)
        self._lock = threading.Lock()

    def view(self) -> np.ndarray:
        with self._lock:
            return self._column.array(self.length)  # type: ignore[no-any-return]

    def extend(self, length: int, values: np.ndarray) -> np.ndarray | None:
        """The first ``length`` values followed by ``values``, or ``None`` if ``length`` is not the latest."""
        with self._lock:
            new = self._column.tail_parts(np.asarray(values))
            if length != self.length or new is None:
                return None
            self._column.write(self.length, new)
            self.length += len(values)
            return self._column.array(self.length)  # type: ignore[no-any-return]
