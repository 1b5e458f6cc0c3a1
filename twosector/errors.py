"""Errors raised on bad input, and the helpers that word them.

Every error a user can cause (a misspelt lever, an out-of-range value, a broken data file) is a
:class:`TwosectorError`: one message that names the item, the bad value and what is allowed, with a
did-you-mean where it fits. The command line prints that message and exits non-zero, with no traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "TwosectorError",
    "DataError",
    "ParameterError",
    "ScenarioError",
    "ImplausibleError",
    "TwosectorWarning",
    "did_you_mean",
    "unknown_name",
    "plural",
    "ordinal",
]


class TwosectorError(ValueError):
    """Base class of every error caused by bad input to twosector."""

    def _render_traceback_(self) -> list[str]:
        """IPython's hook: a notebook cell shows the one-line message, not a traceback through the package.

        The cell still fails (papermill and the batch see the error's name and message); other exceptions, which
        would be bugs, keep their tracebacks.
        """
        return [f"{type(self).__name__}: {self}"]


class DataError(TwosectorError):
    """A data file is missing, malformed or inconsistent."""


class ParameterError(TwosectorError):
    """A model parameter is unknown, of the wrong type or out of its valid range."""


class ScenarioError(TwosectorError):
    """A scenario, lever or timing field is unknown or invalid."""


class ImplausibleError(TwosectorError):
    """A run's result leaves the plausibility bounds (:data:`twosector.plausible.BOUNDS`): not a result to show."""


class TwosectorWarning(UserWarning):
    """Something was not as expected but the work goes on (e.g. a damaged batch record, so runs are redone)."""


def did_you_mean(name: str, options: Iterable[str], n: int = 3) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest options, or ``""`` when none is close.

    Parameters
    ----------
    name : str
        The name the user gave.
    options : iterable of str
        The valid names.
    n : int, default 3
        At most this many suggestions.

    Returns
    -------
    str
        The suggestion with a leading space, or ``""``.

    Raises
    ------
    Nothing of its own.
    """
    close = difflib.get_close_matches(str(name), list(options), n=n, cutoff=0.6)
    if not close:
        return ""
    return " Did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


#: Nouns whose plural is the singular
_INVARIANT = ("series", "species", "data")


def plural(word: str, count: int | None = None) -> str:
    """The plural of an English noun (or of the last word of a phrase); with ``count``, that number and the noun.

    Rules enough for the nouns of messages: ``series`` is invariant, ``-s``, ``-x``, ``-ch``, ``-sh`` take
    ``-es``, a consonant and ``-y`` take ``-ies``, anything else ``-s``.

    Parameters
    ----------
    word : str
        A singular noun, e.g. ``"series"``, ``"observation"``, ``"top-level key"``.
    count : int, optional
        A number: ``"1 observation"``, ``"2 observations"``.

    Returns
    -------
    str

    Raises
    ------
    Nothing.

    Examples
    --------
    >>> plural("series"), plural("top-level key"), plural("quantity"), plural("observation", 1)
    ('series', 'top-level keys', 'quantities', '1 observation')
    """
    if count is not None:
        return f"{count} {word if count == 1 else plural(word)}"
    last = word.rsplit(" ", 1)[-1].lower()
    if last in _INVARIANT:
        return word
    if last.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return word[:-1] + "ies"
    return word + "s"


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``12th``, ``13th``, ``21st``, ``51st``, ``111th``.

    Parameters
    ----------
    n : int
        A whole number >= 0.

    Returns
    -------
    str

    Raises
    ------
    Nothing.
    """
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def unknown_name(kind: str, name: str, options: Iterable[str]) -> str:
    """Word the message for an unknown name: the name, a did-you-mean and the valid options.

    Parameters
    ----------
    kind : str
        What the name is of (``"lever"``, ``"scenario"``, ...); in the plural (:func:`plural`) in the list.
    name : str
        The name the user gave.
    options : iterable of str
        The valid names.

    Returns
    -------
    str
        One sentence for an error message (the caller raises it).

    Raises
    ------
    Nothing of its own.

    Examples
    --------
    >>> unknown_name("lever", "input_sanction", ["input_sanctions", "ceasefire"])
    "unknown lever 'input_sanction'. Did you mean 'input_sanctions'? Valid levers: ceasefire, input_sanctions."
    """
    options = sorted(options)
    return (
        f"unknown {kind} {name!r}.{did_you_mean(name, options)} "
        f"Valid {plural(kind)}: {', '.join(options)}."
    )
