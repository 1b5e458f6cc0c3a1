"""The model engine: blocks of equations composed into a quarterly recursion over arrays of draws.

Layout (equation tags of ``docs/model.md`` in brackets):

- :mod:`~twosector.model.supply`: labour supply [N], critical inputs [M], the military sector [Y],
  civilian production [C];
- :mod:`~twosector.model.demand`: civilian demand [D], employment and the labour shortage [E];
- :mod:`~twosector.model.prices`: the ruble, prices and expectations [P], the key rate and lending rates [R];
- :mod:`~twosector.model.income`: wages and incomes [W], GDP [G];
- :mod:`~twosector.model.fiscal`: the budget, the NWF and borrowing [B];
- :mod:`~twosector.model.engine`: :func:`run`, the blocks composed over time (state, laws of motion), and
  :func:`run_many`, several lever sets on the same draws with their common history run once;
- :mod:`~twosector.model.post`: indices (2021 = 100), GDP growth and the strain index [I] [S];
- :mod:`~twosector.model.backend`: numpy arrays for many draws, Python floats for one;
- :mod:`~twosector.model.catalogue`: input, lever and output names, derived from their catalogues.

Most users call :func:`twosector.simulate`, which prepares the inputs and returns pandas.
"""

from twosector.model.catalogue import EXOG, LEVER_KEYS, OUTPUTS
from twosector.model.engine import run, run_many

__all__ = ["run", "run_many", "EXOG", "LEVER_KEYS", "OUTPUTS"]
