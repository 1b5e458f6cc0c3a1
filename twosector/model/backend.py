"""Array backends of the engine: numpy for many draws, Python floats for one.

The blocks are written once, with arithmetic operators and the few functions of a :class:`Backend`
(``minimum``, ``maximum``, ``abs``, ``exp``, ``log``, ``clip``, ``where``). With :data:`VECTOR` every value is an array
of shape ``(n,)`` (one entry per parameter draw); with :data:`SCALAR` every value is a Python float, which is an
order of magnitude faster per quarter than numpy on one-element arrays (numpy's fixed cost per call dominates there).
Both give the same numbers: ``tests/model/test_engine.py`` checks it.
"""

from __future__ import annotations

import math
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Backend", "VECTOR", "SCALAR", "backend_for", "reusable", "release"]


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


def _where_floats(condition: bool, a: float, b: float) -> float:
    return a if condition else b


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
    abs : callable
        Elementwise absolute value.
    exp, log : callable
        Elementwise exponential and natural logarithm (log of 0 is -inf, of a negative number NaN).
    clip : callable
        ``clip(x, low, high)``.
    where : callable
        ``where(condition, a, b)``: ``a`` where ``condition`` holds, else ``b`` (a selection, not arithmetic with a
        mask: one pass instead of four on the vectorised path).
    store : callable
        ``store(slab, t, values)`` writes quarter ``t``'s values (a sequence, one per output) into ``slab`` of
        shape ``(T, outputs, n)``.
    """

    name: str
    minimum: Callable[[Any, Any], Any]
    maximum: Callable[[Any, Any], Any]
    abs: Callable[[Any], Any]
    exp: Callable[[Any], Any]
    log: Callable[[Any], Any]
    clip: Callable[[Any, Any, Any], Any]
    where: Callable[[Any, Any, Any], Any]
    store: Callable[[np.ndarray, int, Sequence[Any]], None]


VECTOR = Backend("vector", np.minimum, np.maximum, np.abs, np.exp, np.log, _clip_arrays, np.where, _store_arrays)
SCALAR = Backend("scalar", min, max, abs, _exp, _log, _clip, _where_floats, _store_floats)


def backend_for(n: int) -> Backend:
    """Return :data:`SCALAR` for a single draw and :data:`VECTOR` otherwise.

    Parameters
    ----------
    n : int
        Number of parameter draws.
    """
    return SCALAR if n == 1 else VECTOR


_POOL = threading.local()  # each thread's arrays of :func:`reusable`
POOL_BYTES = 2**26  # the most memory a thread's reusable arrays keep (64 MiB)


def _references(arrays: list[np.ndarray], i: int) -> int:
    """The reference count of ``arrays[i]`` as this function sees it."""
    return sys.getrefcount(arrays[i])


#: the count :func:`_references` gives for an array that only its list refers to (measured, not assumed: how many
#: references the call itself adds depends on the Python version); any other reference adds to it
_FREE = _references([np.empty(0)], 0)


def reusable(shape: tuple[int, ...]) -> np.ndarray:
    """An uninitialised float array of ``shape``, reused from one run to the next when nothing else holds it.

    The engine's large arrays (the slab of stored outputs, the reference paths) are written once a run.
    Allocated afresh for each run of a Monte Carlo, they cost a page fault per 4 KiB touched (the C library
    returns freed memory to the system), more than writing them. An array is handed out again only when no
    other object refers to it, not even a view of it (a view holds a reference to its base array): a result
    the caller still holds is never overwritten. Each thread keeps its own arrays, at most :data:`POOL_BYTES`
    (those of the shape first kept dropped first; a larger array is not kept).

    Parameters
    ----------
    shape : tuple of int
        The shape.

    Returns
    -------
    np.ndarray
        Of dtype float64, contents undefined.
    """
    pool: dict[tuple[int, ...], list[np.ndarray]] = _POOL.__dict__.setdefault("arrays", {})
    arrays = pool.get(shape, [])
    for i in range(len(arrays)):
        if _references(arrays, i) == _FREE:
            return arrays[i]
    a = np.empty(shape)
    if a.nbytes <= POOL_BYTES:
        pool.setdefault(shape, []).append(a)
        while sum(b.nbytes for arrays in pool.values() for b in arrays) > POOL_BYTES:
            oldest = next(iter(pool))  # the shape first kept
            del pool[oldest][0]
            if not pool[oldest]:
                del pool[oldest]
    return a


def release() -> None:
    """Drop this thread's reusable arrays (:func:`reusable`): their memory is freed once nothing else refers to them.

    For a memory measurement that should count them, or a long-lived thread done with large runs.
    """
    _POOL.__dict__.pop("arrays", None)
