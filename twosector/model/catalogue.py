"""The engine's input, lever and output names, derived from the catalogues that document them.

- :data:`EXOG`: the exogenous inputs, from :data:`twosector.exog.COLUMNS` (unit and meaning there);
- :data:`LEVER_KEYS`: every lever of :data:`twosector.scenarios.LEVERS` plus ``<lever>_<option>`` for its
  options (only the ceasefire has them);
- :data:`OUTPUTS`: the engine's outputs, the variables of :data:`twosector.variables.VARIABLES` in catalogue
  order (units there).
"""

from __future__ import annotations

from twosector.exog import COLUMNS
from twosector.scenarios import LEVERS
from twosector.variables import VARIABLES

__all__ = ["EXOG", "LEVER_KEYS", "OUTPUTS"]

EXOG: tuple[str, ...] = tuple(COLUMNS)
LEVER_KEYS: tuple[str, ...] = tuple(LEVERS) + tuple(
    f"{name}_{option}" for name, spec in LEVERS.items() for option in spec.options
)
OUTPUTS: tuple[str, ...] = tuple(VARIABLES)
