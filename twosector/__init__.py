"""twosector: a calibrated two-sector model of Russia's war economy.

The public namespace is curated and loaded lazily, so ``import twosector`` stays fast (statsmodels and
plotly are imported only when a function that needs them is first used).

Data
    load_data, series, data_summary, load_forecasts
Model
    default_params, param_table, variable_table, list_scenarios, load_scenario, Scenario,
    simulate, compare, compare_packages, plausibility, implausible_draws
Uncertainty
    montecarlo (priors: :mod:`twosector.priors`, exogenous risks: :mod:`twosector.risks`), sensitivity
    (Morris, Sobol: :mod:`twosector.gsa`), sweep (:mod:`twosector.sweeps`); engines: :mod:`twosector.parallel`
Packages
    pressure, scale_to_pressure, effects_per_pressure, gradual_vs_sudden
Calibration
    estimate, calibrate, fact_table, backtest, forecast_scoreboard
Charts and notebooks
    charts (module), setup_notebook, validate_notebook_params
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import Any

__version__ = "0.2.0"

# public name -> module that defines it
_API: dict[str, str] = {
    # data
    "load_data": "twosector.data",
    "load_forecasts": "twosector.data",
    "series": "twosector.data",
    "data_summary": "twosector.data",
    # model
    "default_params": "twosector.params",
    "param_table": "twosector.params",
    "variable_table": "twosector.variables",
    "list_scenarios": "twosector.scenarios",
    "load_scenario": "twosector.scenarios",
    "Scenario": "twosector.scenarios",
    "simulate": "twosector.simulation",
    "compare": "twosector.simulation",
    "compare_packages": "twosector.tables",
    "plausibility": "twosector.plausible",
    "implausible_draws": "twosector.plausible",
    "montecarlo": "twosector.uncertainty",
    "sensitivity": "twosector.gsa",
    "sweep": "twosector.sweeps",
    # packages of comparable pressure
    "pressure": "twosector.packages",
    "scale_to_pressure": "twosector.packages",
    "effects_per_pressure": "twosector.packages",
    "gradual_vs_sudden": "twosector.packages",
    # calibration
    "estimate": "twosector.estimation",
    "calibrate": "twosector.calibration",
    "fact_table": "twosector.facts",
    "backtest": "twosector.backtesting",
    "forecast_scoreboard": "twosector.scoreboard",
    # notebooks
    "setup_notebook": "twosector.notebook",
    "validate_notebook_params": "twosector.notebook",
}

__all__ = sorted(_API) + ["__version__", "errors", "TwosectorError"]

from twosector.errors import TwosectorError  # noqa: E402  (light, always wanted)


@functools.cache
def _submodules() -> frozenset[str]:
    """The package's public modules and sub-packages (``__main__`` excluded), from the files themselves."""
    return frozenset(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def __getattr__(name: str) -> Any:
    if name in _API:
        value = getattr(importlib.import_module(_API[name]), name)
        globals()[name] = value
        return value
    if name in _submodules():
        return importlib.import_module(f"twosector.{name}")
    raise AttributeError(f"module 'twosector' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names and the submodules (no helpers, no imported modules)."""
    return sorted(set(__all__) | _submodules())
