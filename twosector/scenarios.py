"""Scenario levers, their timing profiles, and scenarios as data (mappings, TOML or YAML files).

A *lever* is one policy instrument of the brief (section 4) with an ``intensity`` (documented unit and
range), a ``start`` quarter, a ``ramp`` (quarters of linear build-up; 0 = sudden) and an optional
``end`` (last quarter at full strength; afterwards the lever winds down linearly over ``ramp``
quarters). The ``ceasefire`` lever has options (``demobilisation``, ``defence_cut``,
``sanction_relief``). A :class:`Scenario` is a named set of levers that may start from another scenario
(``base = "baseline"``). The file format is documented in ``docs/scenarios.md``.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from twosector import calendar
from twosector.calendar import DEFAULT_LEVER_START, FIRST_LEVER_QUARTER, LAST_QUARTER
from twosector.errors import ScenarioError, ordinal, unknown_name
from twosector.files import atomic_write, check_output_file, is_config_file, not_a_regular_file, read_config
from twosector.resources import scenario_folder

__all__ = [
    "LEVERS",
    "Lever",
    "LeverSpec",
    "Scenario",
    "list_scenarios",
    "load_scenario",
    "save_scenario",
    "check_name",
    "profile",
    "lever_paths",
    "parse_quarter",
    "FIRST_LEVER_QUARTER",
    "make_lever",
]

BUILTIN_DIR = scenario_folder()
MAX_RAMP = 40


@dataclass(frozen=True)
class LeverSpec:
    """Definition of a lever: unit and valid range of its intensity, its options and its default intensity.

    ``default`` is the intensity of the built-in single-lever scenario (the size of "one such package"), and
    ``basis`` the source or the stated reason for it (``docs/model.md`` section 2).
    """

    name: str
    unit: str
    low: float
    high: float
    description: str
    options: dict[str, tuple[float, float, float, str]] = field(default_factory=dict)
    """option name -> (default, low, high, description)"""
    default: float = 0.0
    basis: str = ""


LEVERS: dict[str, LeverSpec] = {
    s.name: s
    for s in [
        LeverSpec(
            "input_sanctions", "share (0-1)", 0.0, 1.0,
            "targeted sanctions on key imported industrial inputs: at intensity 1, input_cut_max of the "
            "remaining critical imports is stopped and their price rises by sanction_markup_max points",
            default=0.5, basis="stated reason: half of the largest package the ranges allow; the 2014 measures "
            "reached 32-37% of their sanctions potential (Chowdhry et al. 2024, fact base)",
        ),
        LeverSpec(
            "tech_controls", "share (0-1)", 0.0, 1.0,
            "restricted access to critical technologies: civilian TFP drag whose target is "
            "intensity x tech_drag_max, reached by partial adjustment (tech_adjust per quarter); the drag also "
            "lowers military productivity and slows capacity growth in both sectors (capital_renewal)",
            default=0.6, basis="stated reason: a partial decoupling, 0.6 x tech_drag_max = 3% of TFP in the long "
            "run, against more than 4% of real income for full decoupling (Flach et al. 2023)",
        ),
        LeverSpec(
            "skilled_emigration", "mn persons per year", 0.0, 0.5,
            "incentives for skilled-labour migration: extra outflow of skilled workers (stock decays "
            "with emigrant_return_rate; each weighs skilled_productivity average workers)",
            default=0.1, basis="the 2022 IT emigration (35k in spring + 70-80k in September, The Bell, fact "
            "base 1.6), repeated every year",
        ),
        LeverSpec(
            "oil_price_cap", "USD/bbl", 0.0, 40.0,
            "tighter oil sanctions: extra Urals discount on the realised export price (oil revenue, the ruble, "
            "the budget and the NWF revaluation at the ruble it moves)",
            default=10.0, basis="about a third of the ~32 USD/bbl discount of March 2023 over January 2022 "
            "(fact base 3.10): the discount, not the cap, is what bites",
        ),
        LeverSpec(
            "secondary_sanctions", "share (0-1)", 0.0, 1.0,
            "enforcement on third-country banks and suppliers: at intensity 1, import costs rise by "
            "secondary_markup_max points, secondary_cut_max of critical imports is delayed, and all imports "
            "and export proceeds pay a settlement cost of secondary_settlement_max % of their value",
            default=0.5, basis="stated reason: half of the largest enforcement the ranges allow (markup up to the "
            "Turkey route's +25-55% over other buyers' +9%, Korhonen & Simola, BOFIT)",
        ),
        LeverSpec(
            "defence_spending", "fractional change of the defence path", -0.9, 1.0,
            "change of the defence spending path (e.g. -0.2 = a 20% cut)",
            default=0.1, basis="+10% of the path: the multiplier experiment of model-v2 check P4",
        ),
        LeverSpec(
            "ceasefire", "share (0-1)", 0.0, 1.0,
            "a ceasefire: recruitment and preferential credit stop, defence spending is cut, soldiers are "
            "demobilised into the labour force and sanctions may be relaxed (scaled by intensity)",
            options={
                "demobilisation": (0.5, 0.0, 1.0, "share of the war-time army stock released into the labour force"),
                "defence_cut": (0.3, 0.0, 0.9, "fractional cut of the defence spending path"),
                "sanction_relief": (0.0, 0.0, 1.0, "share of historical and scenario sanctions lifted"),
            },
            default=1.0, basis="a full ceasefire; its size is in the options",
        ),
    ]
}
TIMING_FIELDS = ("intensity", "start", "ramp", "end")


def parse_quarter(value: object, where: str = "quarter") -> pd.Period:
    """Parse ``"2025Q2"`` (or ``"2025-Q2"``) into a quarterly Period.

    Parameters
    ----------
    value : str or pd.Period
        The quarter.
    where : str, default "quarter"
        The field named in the error message (e.g. ``"input_sanctions.start"``).

    Returns
    -------
    pd.Period
        A quarterly period.

    Raises
    ------
    ScenarioError
        If the text is not a quarter like ``"2025Q2"`` (quarter 1-4) or lies outside
        ``FIRST_LEVER_QUARTER..LAST_QUARTER`` (:mod:`twosector.calendar`).
    """
    q = calendar.parse_quarter(value, where, ScenarioError)
    if not (FIRST_LEVER_QUARTER <= q <= LAST_QUARTER):
        raise ScenarioError(
            f"{where}: {value!r} is outside the allowed range {FIRST_LEVER_QUARTER}-{LAST_QUARTER} "
            f"(levers act on the war economy from {FIRST_LEVER_QUARTER})"
        )
    return q


@dataclass(frozen=True)
class Lever:
    """One lever setting.

    Attributes
    ----------
    name : str
        One of :data:`LEVERS`.
    intensity : float
        In the lever's unit and range (see ``LEVERS[name]``).
    start : pd.Period
        First quarter in which the lever acts.
    ramp : int
        Quarters of linear build-up (0 = full strength at ``start``); also the wind-down after ``end``.
    end : pd.Period or None
        Last quarter at full strength, or None (persistent).
    options : dict
        Options of the lever (only ``ceasefire`` has them), filled with their defaults.
    """

    name: str
    intensity: float
    start: pd.Period
    ramp: int = 0
    end: pd.Period | None = None
    options: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # built directly in Python, a lever gets the checks of a scenario file (a NaN intensity would fill
        # every result with NaN): validated and normalised through make_lever, once
        if getattr(self, "_checked", False):
            return
        fields: dict[str, Any] = {"intensity": self.intensity, "start": self.start, "ramp": self.ramp,
                                  "end": self.end, **dict(self.options or {})}
        checked = make_lever(self.name, fields, "Lever: ") if isinstance(self.name, str) else None
        if checked is None:
            raise ScenarioError(f"Lever: name {self.name!r} is not a string; allowed: one of {', '.join(LEVERS)}")
        for attr in ("intensity", "start", "ramp", "end", "options"):
            object.__setattr__(self, attr, getattr(checked, attr))

    def to_dict(self) -> dict[str, Any]:
        """Return the lever as a plain mapping (the TOML table of docs/scenarios.md).

        Returns
        -------
        dict
            ``intensity``, ``start``, ``ramp``, ``end`` (when set) and the lever's options.

        Raises
        ------
        Nothing of its own.
        """
        out: dict[str, Any] = {"intensity": self.intensity, "start": str(self.start), "ramp": self.ramp}
        if self.end is not None:
            out["end"] = str(self.end)
        out.update(self.options)
        return out


def _number(value: object, where: str, low: float, high: float, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ScenarioError(f"{where}: {value!r} is {_text_number(value)}; allowed: a number in [{low}, {high}] "
                            f"({unit})")
    x = float(value)
    if not (low <= x <= high):
        raise ScenarioError(f"{where}: {x!r} is outside the allowed range [{low}, {high}] ({unit})")
    return x


def _text_number(value: object) -> str:
    """What a value that should be a number is: YAML reads ``1e400`` or ``1e3`` (no dot) as text, not a number."""
    try:
        x = float(value) if isinstance(value, str) else None
    except ValueError:
        x = None
    if x is None or math.isnan(x):
        return "not a number"
    if math.isinf(x):
        return "text, and as a number out of range (beyond the largest floating-point number)"
    return f"text, not a number (write {x!r} without quotes; YAML reads an exponent such as 1e3 as text)"


def make_lever(name: str, fields: Mapping[str, Any], where: str = "") -> Lever:
    """Validate one lever table and return a :class:`Lever`.

    Parameters
    ----------
    name : str
        Lever name.
    fields : mapping
        ``intensity`` (required), ``start`` (default :data:`~twosector.calendar.DEFAULT_LEVER_START`), ``ramp``
        (default 0), ``end`` (optional) and the lever's options.
    where : str
        Prefix naming the file for messages.

    Returns
    -------
    Lever

    Raises
    ------
    ScenarioError
        For an unknown lever or field (with a did-you-mean), a missing intensity, a wrong type, a value outside
        the lever's range, a bad quarter or ``end`` before ``start``; the message starts with ``where``.
    """
    if name not in LEVERS:
        raise ScenarioError(f"{where}{unknown_name('lever', name, LEVERS)}")
    spec = LEVERS[name]
    if not isinstance(fields, Mapping):
        raise ScenarioError(
            f"{where}lever {name!r}: {fields!r} is not a table; allowed: a table with fields "
            f"{', '.join(TIMING_FIELDS + tuple(spec.options))}"
        )
    allowed = TIMING_FIELDS + tuple(spec.options)
    for key in fields:
        if key not in allowed:
            raise ScenarioError(f"{where}lever {name!r}: {unknown_name('field', str(key), allowed)}")
    if "intensity" not in fields:
        raise ScenarioError(f"{where}lever {name!r}: field 'intensity' is missing; "
                            f"allowed: a number in [{spec.low}, {spec.high}] ({spec.unit})")
    loc = f"{where}{name}"
    intensity = _number(fields["intensity"], f"{loc}.intensity", spec.low, spec.high, spec.unit)
    start = parse_quarter(fields.get("start", DEFAULT_LEVER_START), f"{loc}.start")
    ramp_raw = fields.get("ramp", 0)
    if isinstance(ramp_raw, bool) or not isinstance(ramp_raw, numbers.Integral):
        if isinstance(ramp_raw, float) and ramp_raw.is_integer():
            ramp_raw = int(ramp_raw)
        else:
            raise ScenarioError(f"{loc}.ramp: {ramp_raw!r} is not a whole number of quarters; "
                                f"allowed: an integer in [0, {MAX_RAMP}]")
    ramp = int(ramp_raw)
    if not 0 <= ramp <= MAX_RAMP:
        raise ScenarioError(f"{loc}.ramp: {ramp!r} is outside the allowed range [0, {MAX_RAMP}] (quarters)")
    end = None
    if fields.get("end") is not None:
        end = parse_quarter(fields["end"], f"{loc}.end")
        if end < start:
            raise ScenarioError(f"{loc}.end: {str(end)!r} is before start {str(start)!r}; allowed: a quarter >= start")
    options = {}
    for opt, (default, low, high, _desc) in spec.options.items():
        options[opt] = _number(fields.get(opt, default), f"{loc}.{opt}", low, high, "share")
    lever = object.__new__(Lever)
    for attr, value in (("name", name), ("intensity", intensity), ("start", start), ("ramp", ramp), ("end", end),
                        ("options", options), ("_checked", True)):
        object.__setattr__(lever, attr, value)
    return lever


def profile(lever: Lever, index: pd.PeriodIndex) -> np.ndarray:
    """Return the timing profile (0-1) of a lever on a quarterly index.

    The profile is 0 before ``start``; from ``start`` it rises linearly, reaching 1 after ``ramp``
    quarters: ``min(1, (j + 1) / ramp)`` in the ``j``-th quarter from ``start`` (``ramp = 0``: 1 at
    once). After ``end`` it falls linearly by ``1 / ramp`` per quarter from its level at ``end``
    (``ramp = 0``: to 0 at once).

    Parameters
    ----------
    lever : Lever
    index : pd.PeriodIndex
        Quarterly index.

    Returns
    -------
    np.ndarray
        Shape ``(len(index),)``; multiply by the intensity for the lever path.

    Raises
    ------
    Nothing of its own.
    """
    ords = np.asarray([p.ordinal for p in index], dtype=float) if len(index) else np.zeros(0)
    j = ords - lever.start.ordinal
    if lever.ramp == 0:
        up = (j >= 0).astype(float)
    else:
        up = np.clip((j + 1) / lever.ramp, 0.0, 1.0)
    if lever.end is None:
        return up
    k = ords - lever.end.ordinal
    level_at_end = 1.0 if lever.ramp == 0 else min(1.0, (lever.end.ordinal - lever.start.ordinal + 1) / lever.ramp)
    if lever.ramp == 0:
        return np.where(k > 0, 0.0, up)
    after = np.clip(level_at_end - k / lever.ramp, 0.0, None)
    return np.where(k > 0, np.minimum(up, after), up)


@dataclass(frozen=True)
class Scenario:
    """A named set of levers.

    Attributes
    ----------
    name : str
    description : str
        One line.
    levers : dict of str -> Lever
        The active levers (levers not listed are off).
    base : str or None
        The scenario it was built on (informational; the levers are already merged).
    source : str
        Where it came from (built-in, file path or mapping).
    """

    name: str
    description: str = ""
    levers: dict[str, Lever] = field(default_factory=dict)
    base: str | None = None
    source: str = "mapping"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ScenarioError(f"Scenario: name {self.name!r} is not allowed; allowed: a non-empty string")
        if not isinstance(self.levers, Mapping):
            raise ScenarioError(f"Scenario {self.name!r}: levers {self.levers!r} is not a mapping; allowed: "
                                "a dict of lever name -> Lever (or use twosector.load_scenario with tables)")
        for key, lever in self.levers.items():
            if not isinstance(lever, Lever) or lever.name != key:
                raise ScenarioError(f"Scenario {self.name!r}: levers[{key!r}] = {lever!r} is not a Lever named "
                                    f"{key!r}; allowed: Lever({key!r}, intensity, start, ...)")

    def with_lever(self, name: str, **fields: Any) -> Scenario:
        """Return a copy with one lever set or changed (unchanged fields keep their value).

        Parameters
        ----------
        name : str
            A lever of :data:`LEVERS`.
        **fields
            The lever's fields to set (``intensity``, ``start``, ``ramp``, ``end``, lever options).

        Returns
        -------
        Scenario
            A new scenario; this one is unchanged.

        Raises
        ------
        ScenarioError
            For an unknown lever or field, or a value out of range (see :func:`make_lever`).

        Examples
        --------
        >>> s = load_scenario("baseline").with_lever("input_sanctions", intensity=0.5, start="2025Q3")
        """
        current = self.levers[name].to_dict() if name in self.levers else {}
        current.update(fields)
        lever = make_lever(name, current, f"scenario {self.name!r}: ")
        return replace(self, levers={**self.levers, name: lever})

    def to_dict(self) -> dict[str, Any]:
        """Return the scenario as a mapping in the TOML layout (without ``base``: levers are merged).

        Returns
        -------
        dict
            ``name``, ``description`` and ``levers`` (each as :meth:`Lever.to_dict`).

        Raises
        ------
        Nothing of its own.
        """
        return {
            "name": self.name,
            "description": self.description,
            "levers": {k: v.to_dict() for k, v in self.levers.items()},
        }


def lever_paths(scenario: Scenario, index: pd.PeriodIndex) -> dict[str, Any]:
    """Turn a scenario into the engine's lever inputs: a ``(T,)`` path per lever plus ceasefire options.

    Parameters
    ----------
    scenario : Scenario
        The scenario (see :func:`load_scenario`).
    index : pd.PeriodIndex
        The model quarters.

    Returns
    -------
    dict
        Keys: every lever name (intensity x profile, zeros when off) and ``ceasefire_<option>``
        (floats; defaults when the ceasefire is off).

    Raises
    ------
    Nothing of its own.
    """
    out: dict[str, Any] = {}
    for name, spec in LEVERS.items():
        lever = scenario.levers.get(name)
        out[name] = np.zeros(len(index)) if lever is None else lever.intensity * profile(lever, index)
        for opt, (default, *_rest) in spec.options.items():
            out[f"{name}_{opt}"] = float(lever.options[opt]) if lever is not None else default
    return out


# ---------------------------------------------------------------------------------------------------
# loading

TOP_FIELDS = ("name", "description", "base", "levers")


def check_name(name: object, where: str = "name") -> str:
    """Check a scenario's name: a non-empty text on one line.

    Parameters
    ----------
    name : object
        The name given (a scenario file's ``name``, ``twosector simulate --name``, a notebook's ``name``).
    where : str, default "name"
        The field named in the error message.

    Returns
    -------
    str
        The name.

    Raises
    ------
    ScenarioError
        If ``name`` is not a text, is empty or blank, or spans several lines.
    """
    if not isinstance(name, str) or not name.strip() or "\n" in name or "\r" in name:
        raise ScenarioError(f"{where}: {name!r} is not a non-empty text on one line; allowed: a text such as "
                            "'my_package'")
    return name


def _builtin_names() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.toml"))


#: longest chain of ``base`` references (a scenario built on one built on one ...): deep enough for any real
#: package, far below Python's recursion limit (each level is a few frames)
MAX_BASE_DEPTH = 50


def _from_mapping(data: Mapping[str, Any], where: str, source: str, seen: tuple[str, ...] = ()) -> Scenario:
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{where}a scenario must be a mapping/table, got {type(data).__name__}")
    for key in data:
        if key not in TOP_FIELDS:
            hint = " (lever tables go under [levers.<name>])" if key in LEVERS else ""
            raise ScenarioError(f"{where}{unknown_name('field', str(key), TOP_FIELDS)}{hint}")
    name = check_name(data.get("name", Path(source).stem if is_config_file(source) else "custom"), f"{where}name")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ScenarioError(f"{where}description: {description!r} is not a text; allowed: one line of text")
    tables: dict[str, dict[str, Any]] = {}  # lever name -> its fields, the base's merged with this file's
    base = data.get("base")
    if base is not None:
        if not isinstance(base, str):
            raise ScenarioError(
                f"{where}base: {base!r} is not a text; allowed: a built-in scenario name or a .toml or .yaml path")
        if is_config_file(base) and not Path(base).is_absolute() and is_config_file(source):
            base = str(Path(source).parent / base)  # a relative base file is relative to this file
        parent = _load(base, seen, where)
        tables = {k: v.to_dict() for k, v in parent.levers.items()}
    raw_levers = data.get("levers", {})
    if not isinstance(raw_levers, Mapping):
        raise ScenarioError(f"{where}levers: {raw_levers!r} is not a table; allowed: tables [levers.<name>]")
    for lname, fields in raw_levers.items():
        if lname not in LEVERS:
            raise ScenarioError(f"{where}{unknown_name('lever', str(lname), LEVERS)}")
        if not isinstance(fields, Mapping):
            if isinstance(fields, numbers.Real) and not isinstance(fields, bool):
                fields = {"intensity": fields}
            else:
                raise ScenarioError(
                    f"{where}levers.{lname}: {fields!r} is not a table or a number; allowed: "
                    "a table with intensity, start, ramp, end"
                )
        tables[lname] = {**tables.get(lname, {}), **fields}
    built = {k: make_lever(k, v, where) for k, v in tables.items()}
    return Scenario(name=name, description=description, levers=built, base=base, source=source)


def _load(spec: str, seen: tuple[str, ...], where: str = "") -> Scenario:
    path = Path(spec)
    # a file, also a pipe such as the /dev/fd/63 of <(...) (refused by name); a folder named like a scenario is not
    if is_config_file(spec) or path.is_file() or (path.exists() and not path.is_dir()):
        why = not_a_regular_file(path)
        if why:
            raise ScenarioError(f"{where}scenario file {spec!r} {why}")
        key, prefix, source = str(path.resolve()), f"{path}: ", str(path)
    else:
        names = _builtin_names()
        if spec not in names:
            raise ScenarioError(
                f"{where}{unknown_name('scenario', spec, names)} (or give a path to a .toml or .yaml file)")
        path = BUILTIN_DIR / f"{spec}.toml"
        key, prefix, source = f"built-in:{spec}", f"built-in scenario {spec!r}: ", f"built-in:{spec}"
    if key in seen:
        raise ScenarioError(f"{where}base: {spec!r} makes a cycle of 'base' references ({len(seen)} deep)")
    if len(seen) >= MAX_BASE_DEPTH:
        raise ScenarioError(f"{where}base: {spec!r} is the {ordinal(len(seen) + 1)} scenario in a chain of 'base' "
                            f"references; allowed: at most {MAX_BASE_DEPTH} (merge some of the files)")
    data = read_config(path, "scenario file", error=ScenarioError, doc="docs/scenarios.md")
    return _from_mapping(data, prefix, source, seen + (key,))


def load_scenario(scenario: str | os.PathLike[str] | Mapping[str, Any] | Scenario) -> Scenario:
    """Load a scenario from a built-in name, a TOML or YAML file or a mapping.

    Parameters
    ----------
    scenario : str, path-like, mapping or Scenario
        A built-in name (see :func:`list_scenarios`), a path to a ``.toml`` or ``.yaml``/``.yml`` file (the
        same fields in either format, ``docs/scenarios.md``), a mapping in the same
        layout (``name``, ``description``, ``base``, ``levers = {lever: {intensity, start, ramp, end}}``),
        or a :class:`Scenario` (returned as is).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Unknown scenario/lever/field (with a did-you-mean), wrong type, value out of range, bad
        quarter, ``end`` before ``start``, malformed TOML or YAML; the message names the file and the field.

    Examples
    --------
    >>> s = load_scenario({"base": "baseline", "levers": {"input_sanctions": {"intensity": 0.5}}})
    >>> s.levers["input_sanctions"].start
    Period('2025Q1', 'Q-DEC')
    """
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, os.PathLike):
        scenario = os.fspath(scenario)
    if isinstance(scenario, str):
        return _load(scenario, ())
    if isinstance(scenario, Mapping):
        return _from_mapping(scenario, "scenario mapping: ", "mapping")
    raise ScenarioError(
        f"scenario: {type(scenario).__name__} is not supported; allowed: a built-in name, a .toml or .yaml path, "
        "a mapping or a Scenario"
    )


def save_scenario(scenario: Scenario, path: str | os.PathLike[str], force: bool = False) -> Path:
    """Write a scenario as a scenario file (TOML, ``docs/scenarios.md``) that :func:`load_scenario` reads back.

    The file holds ``name``, ``description`` and every lever with all its fields (:meth:`Scenario.to_dict`);
    levers inherited from a ``base`` are written out, so the file stands alone. Written atomically.

    Parameters
    ----------
    scenario : Scenario
        The scenario, e.g. from :meth:`Scenario.with_lever`.
    path : path-like
        A ``.toml`` file.
    force : bool, default False
        Replace an existing file.

    Returns
    -------
    Path
        The file written; ``load_scenario(path)`` has the same name, description and levers.

    Raises
    ------
    ScenarioError
        If ``path`` does not end in ``.toml``.
    TwosectorError
        If ``path`` exists (and not ``force``), is a folder, or cannot be written
        (:func:`twosector.files.check_output_file`).

    Examples
    --------
    >>> s = load_scenario("baseline").with_lever("oil_price_cap", intensity=10.0)
    >>> load_scenario(save_scenario(s, "oil.toml")).levers == s.levers
    True
    """
    import tomli_w

    if Path(path).suffix.lower() != ".toml":
        raise ScenarioError(f"save_scenario: {str(path)!r} is not a .toml file; allowed: a path ending in .toml")
    target = check_output_file(path, "save_scenario: path", force, force_option="force=True")
    return atomic_write(target, tomli_w.dumps(scenario.to_dict()))


def list_scenarios() -> pd.DataFrame:
    """List the built-in scenarios.

    Returns
    -------
    pd.DataFrame
        Indexed by scenario ``name`` (like the other catalogues: :func:`~twosector.params.param_table`,
        :func:`~twosector.variables.variable_table`), columns ``description`` (one line) and ``levers``
        (comma-separated active levers, ``-`` for none).

    Raises
    ------
    ScenarioError
        If a shipped scenario file is broken (a packaging error; see :func:`load_scenario`).

    Examples
    --------
    >>> table = list_scenarios()
    >>> table.at["baseline", "levers"]
    '-'
    """
    rows = []
    for name in _builtin_names():
        s = load_scenario(name)
        rows.append({"name": name, "description": s.description, "levers": ", ".join(s.levers) or "-"})
    return pd.DataFrame(rows, columns=["name", "description", "levers"]).set_index("name")
