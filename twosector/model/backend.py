"""Array backends of the engine: numpy for many draws, Python floats for one.

The blocks are written once, with arithmetic operators and the few functions of a :class:`Backend`
(``minimum``, ``maximum``, ``exp``, ``log``, ``clip``, ``positive``). With :data:`VECTOR` every value is an array
of shape ``(n,)`` (one entry per parameter draw); with :data:`SCALAR` every value is a Python float, which is an
order of magnitude faster per quarter than numpy on one-element arrays (numpy's fixed cost per call dominates there).
Both give the same numbers: ``tests/model/test_engine.py`` checks it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Backend", "VECTOR", "SCALAR", "backend_for"]


def _log(x: float) -> float:
    """math.log with numpy's conventions: -inf at 0, NaN below (no exception inside the loop)."""
    if x > 0:
        return math.log(x)
    return -math.inf if x == 0 else math.nan


def _exp(x: float) -> float:
    """math.exp with numpy's convention: inf on overflow (no exception inside the loop; the guard reports it)."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _clip(x: float, low: float, high: float) -> float:
    """``min(max(x, low), high)`` (so ``high`` wins when below ``low``, as in np.clip) without the two calls."""
    x = low if low > x else x
    return high if high < x else x


def _clip_arrays(x: Any, low: Any, high: Any) -> Any:
    """``np.clip`` as two ufunc calls: np.clip's Python-level dispatch costs more than the arithmetic here."""
    return np.minimum(np.maximum(x, low), high)


def _positive_arrays(x: Any) -> Any:
    """1.0 where ``x > 0``, else 0.0: a float mask (arithmetic with a boolean array casts it on every use)."""
    return (x > 0).astype(float)


def _store_floats(slab: np.ndarray, t: int, values: Sequence[float]) -> None:
    slab[t, :, 0] = values


def _store_arrays(slab: np.ndarray, t: int, values: Sequence[Any]) -> None:
    for row, value in zip(slab[t], values, strict=True):  # a value may be a float shared by all draws
        row[...] = value


@dataclass(frozen=True)
class Backend:
    """The elementwise functions the blocks use, for one kind of value.

    Attributes
    ----------
    name : str
        ``"vector"`` (numpy arrays of shape ``(n,)``) or ``"scalar"`` (Python floats).
    minimum, maximum : callable
        Elementwise minimum and maximum of two values.
    exp, log : callable
        Elementwise exponential and natural logarithm (log of 0 is -inf, of a negative number NaN).
    clip : callable
        ``clip(x, low, high)``.
    positive : callable
        ``positive(x)``: 1 where ``x > 0``, else 0 (a bool on the scalar path, a float array on the vectorised).
    store : callable
        ``store(slab, t, values)`` writes quarter ``t``'s values (a sequence, one per output) into ``slab`` of
        shape ``(T, outputs, n)``.
    """

    name: str
    minimum: Callable[[Any, Any], Any]
    maximum: Callable[[Any, Any], Any]
    exp: Callable[[Any], Any]
    log: Callable[[Any], Any]
    clip: Callable[[Any, Any, Any], Any]
    positive: Callable[[Any], Any]
    store: Callable[[np.ndarray, int, Sequence[Any]], None]


VECTOR = Backend("vector", np.minimum, np.maximum, np.exp, np.log, _clip_arrays, _positive_arrays, _store_arrays)
SCALAR = Backend("scalar", min, max, _exp, _log, _clip, lambda x: x > 0, _store_floats)


def backend_for(n: int) -> Backend:
    """Return :data:`SCALAR` for a single draw and :data:`VECTOR` otherwise.

    Parameters
    ----------
    n : int
        Number of parameter draws.
    """
    return SCALAR if n == 1 else VECTOR
