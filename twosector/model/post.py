"""Post-processing of the engine's paths: indices (2021 = 100), real GDP and its growth, the strain index.

Runs once on whole ``(n, T)`` arrays after the time loop. Equation tags [I1], [G1]-[G2], [S1]-[S3] of
``docs/model.md``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np

from twosector.model.catalogue import OUTPUTS

__all__ = ["INDICES", "STRAIN", "stored_outputs", "finish", "rescale", "gdp_growth", "strain"]

#: outputs rescaled so that their 2021 average is 100 [I1]
INDICES = ("output_military", "output_civilian", "wage_military", "wage_civilian", "real_wage",
           "civilian_real_income", "household_income", "real_disposable_income", "price_level", "price_military")
#: outputs rescaled with the factor of civilian output (same units)
WITH_CIVILIAN = ("potential_civilian", "civilian_capacity", "civilian_demand")
#: strain indicator -> the suffix of its scale and weight parameters (strain_sd_*, strain_weight_*) [S2]
STRAIN = {
    "strain_output": "output", "strain_income": "income", "strain_inflation": "inflation", "strain_rate": "rate",
    "strain_shortage": "shortage", "strain_wage_gap": "wage_gap", "strain_nwf": "nwf",
}
#: outputs computed here, not in the time loop
COMPUTED = frozenset({"gdp_growth", "inflation_gap", "strain_index", *STRAIN})
#: loop outputs the post-processing reads: always stored
NEEDED = frozenset({
    "output_military", "output_civilian", "potential_civilian", "civilian_real_income", "cpi_inflation",
    "lending_rate_civilian", "labour_shortage", "wage_premium", "nwf_liquid", "nominal_gdp",
})


def stored_outputs(keep: Collection[str] | None) -> list[str]:
    """The outputs the time loop must store for ``keep`` (None: all), in catalogue order.

    Raises
    ------
    KeyError
        For a name in ``keep`` that is not an output.
    """
    if keep is None:
        wanted = set(OUTPUTS)
    else:
        unknown = set(keep) - set(OUTPUTS)
        if unknown:
            raise KeyError(f"run(keep=...): unknown outputs {sorted(unknown)}")
        wanted = set(keep) | NEEDED
    return [name for name in OUTPUTS if name in wanted and name not in COMPUTED]


def rescale(out: dict[str, np.ndarray], i2021: np.ndarray) -> None:
    """[I1] divide the index variables by their 2021 average / 100, in place (potential with civilian output)."""
    names = [name for name in INDICES if name in out]
    levels = np.stack([out[name] for name in names])  # (variable, n, T)
    factors = 100 / levels[:, :, i2021].mean(axis=2, keepdims=True)
    for name, factor in zip(names, factors, strict=True):
        out[name] *= factor
        if name == "output_civilian":
            for other in WITH_CIVILIAN:
                if other in out:
                    out[other] *= factor


def gdp_growth(gdp: np.ndarray, potential_growth: np.ndarray) -> np.ndarray:
    """[G2] y/y growth (%) of a real GDP index ``(n, T)``; before the first quarter GDP grew at potential."""
    back = gdp[:, :4] * np.exp(-potential_growth[:, None] / 100)
    lag4 = np.concatenate([back, gdp[:, :-4]], axis=1)[:, :gdp.shape[1]]
    return 100 * (gdp / lag4 - 1)


def strain(indicators: Mapping[str, np.ndarray], f: Mapping[str, np.ndarray], i_prewar: np.ndarray
           ) -> dict[str, np.ndarray]:
    """[S2]-[S3] standardise each indicator on its pre-war mean and ``strain_sd_*``; weight them into the index.

    Parameters
    ----------
    indicators : mapping of str -> array (n, T)
        The [S1] indicators, keys of :data:`STRAIN`.
    f : mapping of str -> array (n,)
        Parameters (``strain_sd_*``, ``strain_weight_*``).
    i_prewar : array of int
        Positions of the pre-war quarters.

    Returns
    -------
    dict of str -> array (n, T)
        The standardised indicators (z-scores) and ``strain_index``, their weighted mean.
    """
    names = list(indicators)
    values = np.stack([indicators[name] for name in names])  # (indicator, n, T)
    sd = np.stack([f[f"strain_sd_{STRAIN[name]}"] for name in names])[:, :, None]
    w = np.stack([f[f"strain_weight_{STRAIN[name]}"] for name in names])[:, :, None]
    z = (values - values[:, :, i_prewar].mean(axis=2, keepdims=True)) / sd
    total = w.sum(axis=0)
    out = dict(zip(names, z, strict=True))
    out["strain_index"] = (w * z).sum(axis=0) / np.where(total > 0, total, 1.0)
    return out


def finish(out: dict[str, np.ndarray], f: Mapping[str, np.ndarray], paths: Mapping[str, np.ndarray],
           i2021: np.ndarray, i_prewar: np.ndarray, keep: Collection[str] | None) -> dict[str, np.ndarray]:
    """Turn the loop's stored paths ``(n, T)`` into the outputs: indices, GDP, GDP growth and strain."""
    trend, w_trend, l_bar, transfers = paths["trend"], paths["w_trend"], paths["l_bar"], paths["transfers"]
    rel_output = out["output_civilian"] / (100 * trend)  # before rescaling: relative to the pre-war trend
    rel_income = out["civilian_real_income"] / (w_trend * l_bar + transfers)  # relative to the no-war path
    rescale(out, i2021)
    w_mil = f["military_va_share"][:, None] / 100
    out["gdp"] = (1 - w_mil) * out["output_civilian"] + w_mil * out["output_military"]  # [G1]
    out["gdp_growth"] = gdp_growth(out["gdp"], f["potential_growth"])
    out["inflation_gap"] = out["cpi_inflation"] - f["inflation_target"][:, None]
    out.update(strain({  # [S1] indicators: higher = more strain
        "strain_output": -100 * np.log(rel_output),
        "strain_income": -100 * np.log(rel_income),
        "strain_inflation": out["cpi_inflation"] - f["inflation_target"][:, None],
        "strain_rate": out["lending_rate_civilian"],
        "strain_shortage": out["labour_shortage"],
        "strain_wage_gap": out["wage_premium"],
        "strain_nwf": -100 * out["nwf_liquid"] / (4 * out["nominal_gdp"]),
    }, f, i_prewar))
    names = OUTPUTS if keep is None else [name for name in OUTPUTS if name in set(keep)]
    return {name: out[name] for name in names}
