"""Post-processing of the engine's paths: indices (2021 = 100), real GDP and its growth, the strain index.

Runs once on whole ``(n, T)`` arrays after the time loop. Equation tags [I1], [G1]-[G2], [S1]-[S3] of
``docs/model.md``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np

from twosector.model.backend import reusable
from twosector.model.catalogue import OUTPUTS

__all__ = ["INDICES", "STRAIN", "stored_outputs", "finish", "rescale", "gdp_growth", "strain_components", "strain"]

#: outputs rescaled so that their 2021 average is 100 [I1]
INDICES = ("output_military", "output_civilian", "wage_military", "wage_civilian", "real_wage",
           "civilian_real_income", "household_income", "real_disposable_income", "price_level", "price_military")
#: outputs rescaled with the factor of civilian output (same units)
WITH_CIVILIAN = ("potential_civilian", "civilian_capacity", "civilian_demand")
#: strain components [S1], in index order: ``strain_<c>`` (natural units), ``strain_<c>_contribution`` (index
#: points) and the parameters ``strain_sd_<c>`` (scale) and ``strain_weight_<c>`` (weight) of each
STRAIN = ("income", "output", "inflation", "credit", "labour", "wage_gap", "fiscal")
#: outputs computed here, not in the time loop
COMPUTED = frozenset({
    "gdp_growth", "inflation_gap", "strain_index", *(f"strain_{c}" for c in STRAIN),
    *(f"strain_{c}_contribution" for c in STRAIN),
})
#: loop outputs the post-processing reads: always stored
NEEDED = frozenset({
    "output_military", "output_civilian", "real_disposable_income", "cpi_inflation",
    "real_rate_civilian", "labour_shortage", "unmet_military_demand", "labour_force", "wage_premium", "nwf_liquid",
    "new_debt", "nominal_gdp",
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
    for name in INDICES:
        if name not in out:
            continue
        factor = 100 / out[name][:, i2021].mean(axis=1, keepdims=True)
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


def strain_components(out: Mapping[str, np.ndarray], f: Mapping[str, np.ndarray], rel_output: np.ndarray,
                      rel_income: np.ndarray) -> dict[str, np.ndarray]:
    """[S1] the strain components in natural units, higher = more strain.

    Parameters
    ----------
    out : mapping of str -> array (n, T)
        The loop's outputs (:data:`NEEDED`).
    f : mapping of str -> array (n,)
        Parameters (``inflation_target``, ``strain_fiscal_need``).
    rel_output, rel_income : array (n, T)
        Civilian output relative to its pre-war trend and real disposable income relative to its no-war path
        (ratios).

    Returns
    -------
    dict of str -> array (n, T)
        One array per name of :data:`STRAIN`: ``income`` and ``output`` in % below their reference paths,
        ``inflation`` in pp above target (0 at or below it), ``credit`` (the real civilian lending rate) in % per
        year, ``labour`` (civilian vacancies) in % of the labour force, ``wage_gap`` in pp, ``fiscal`` in % of
        annual GDP.
    """
    need = f["strain_fiscal_need"][:, None]
    # in place and in reusable arrays (the same operations in the same order): for large ensembles, allocating
    # (n, T) temporaries (fresh pages from the system each time) costs more than the arithmetic
    # net fiscal buffer: liquid NWF less the debt issued since 2019, % of annual GDP
    buffer = np.subtract(out["nwf_liquid"], out["new_debt"], out=_like(rel_output))
    buffer *= 100
    buffer /= np.multiply(out["nominal_gdp"], 4, out=_like(rel_output))
    # one-sided: prices rising faster than the target squeeze households; prices rising more slowly are no relief
    # beyond what real disposable income already counts (the income component is real)
    inflation = np.subtract(out["cpi_inflation"], f["inflation_target"][:, None], out=_like(rel_output))
    np.maximum(inflation, 0.0, out=inflation)
    # the shortage civilian firms face: unfilled vacancies less the defence industry's own unmet demand
    labour = np.subtract(out["labour_shortage"], out["unmet_military_demand"], out=_like(rel_output))
    labour *= 100
    labour /= out["labour_force"]
    # the buffer's shortfall against a year's deficit: ~0 while the buffer is ample, `need` when it is empty,
    # rising towards 2 x `need` as debt replaces it (bounded; falls again as the fund refills)
    fiscal = buffer
    fiscal /= need
    np.tanh(fiscal, out=fiscal)
    np.subtract(1, fiscal, out=fiscal)
    fiscal *= need
    credit = _like(rel_output)  # a copy: strain(overwrite=True) writes into the components
    credit[...] = out["real_rate_civilian"]
    return {
        "income": _minus_100_log(rel_income), "output": _minus_100_log(rel_output), "inflation": inflation,
        "credit": credit, "labour": labour, "wage_gap": np.multiply(out["wage_premium"], 100, out=_like(rel_output)),
        "fiscal": fiscal,
    }


def _like(a: np.ndarray) -> np.ndarray:
    """A reusable array (:func:`~.backend.reusable`) of ``a``'s shape ``(n, T)``, stored quarter by quarter.

    The memory order of the loop's stored outputs: results computed from them keep it.
    """
    return reusable(a.shape[::-1]).T


def _minus_100_log(ratio: np.ndarray) -> np.ndarray:
    """``-100 × log(ratio)`` in a reusable array."""
    out = np.log(ratio, out=_like(ratio))
    out *= -100
    return out


def strain(components: Mapping[str, np.ndarray], f: Mapping[str, np.ndarray], i_prewar: np.ndarray,
           overwrite: bool = False) -> dict[str, np.ndarray]:
    """[S2]-[S3] standardise the components on their pre-war mean and scale; weight them into the index.

    Parameters
    ----------
    components : mapping of str -> array (n, T)
        The [S1] components in natural units, keys of :data:`STRAIN` (any subset, in any order).
    f : mapping of str -> array (n,)
        Parameters (``strain_sd_<c>``, ``strain_weight_<c>``).
    i_prewar : array of int
        Positions of the pre-war quarters.
    overwrite : bool, default False
        Only the index is wanted: the contributions are computed in the components' memory (the components are
        then lost), and only ``strain_index`` is returned.

    Returns
    -------
    dict of str -> array (n, T)
        ``strain_<c>`` (the component, natural units), ``strain_<c>_contribution`` (index points:
        ``weight × z / Σ weights``) and ``strain_index``, the sum of the contributions (0 when all weights are 0).
    """
    total = np.stack([f[f"strain_weight_{name}"] for name in components]).sum(axis=0)[:, None]
    scale = np.where(total > 0, total, 1.0)
    out: dict[str, np.ndarray] = {}
    index = _like(next(iter(components.values())))
    index.fill(0.0)
    # component by component and in place: for large ensembles, allocating (n, T) temporaries (fresh pages from
    # the system each time) costs more than the arithmetic
    for name, value in components.items():
        mean = value[:, i_prewar].mean(axis=1, keepdims=True)
        c = np.subtract(value, mean, out=value if overwrite else _like(value))
        # weight / (sd × scale) per draw: one pass over (n, T) instead of three
        c *= f[f"strain_weight_{name}"][:, None] / (f[f"strain_sd_{name}"][:, None] * scale)
        index += c
        if not overwrite:
            out[f"strain_{name}"], out[f"strain_{name}_contribution"] = value, c
    out["strain_index"] = index
    return out


def finish(out: dict[str, np.ndarray], f: Mapping[str, np.ndarray], paths: Mapping[str, np.ndarray],
           i2021: np.ndarray, i_prewar: np.ndarray, keep: Collection[str] | None) -> dict[str, np.ndarray]:
    """Turn the loop's stored paths ``(n, T)`` into the outputs: indices, GDP, GDP growth and strain.

    ``paths`` holds the no-war reference paths ``trend`` and ``income_trend`` of shape ``(T, n)``.
    Of the outputs computed here (:data:`COMPUTED`), only those in ``keep`` (None: all) are computed.
    """
    names = OUTPUTS if keep is None else [name for name in OUTPUTS if name in set(keep)]
    wanted = set(names)
    with_strain = any(name.startswith("strain_") for name in wanted)
    if with_strain:
        # before rescaling: civilian output relative to its pre-war trend, household income to its no-war path
        rel_output = np.multiply(paths["trend"].T, 100, out=_like(paths["trend"].T))
        np.divide(out["output_civilian"], rel_output, out=rel_output)
        rel_income = np.divide(out["real_disposable_income"], paths["income_trend"].T, out=_like(rel_output))
    with_gdp = bool(wanted & {"gdp", "gdp_growth"})
    # the indices returned or read below; the others are not returned (civilian output also scales its kin)
    rescale({name: a for name, a in out.items()
             if name in wanted or name == "output_civilian" or with_gdp and name == "output_military"}, i2021)
    if with_gdp:
        w_mil = f["military_va_share"][:, None] / 100
        out["gdp"] = (1 - w_mil) * out["output_civilian"] + w_mil * out["output_military"]  # [G1]
        out["gdp_growth"] = gdp_growth(out["gdp"], f["potential_growth"])
    if "inflation_gap" in wanted:
        out["inflation_gap"] = out["cpi_inflation"] - f["inflation_target"][:, None]
    if with_strain:
        only_index = wanted.isdisjoint(f"strain_{c}{suffix}" for c in STRAIN for suffix in ("", "_contribution"))
        out.update(strain(strain_components(out, f, rel_output, rel_income), f, i_prewar, overwrite=only_index))
    return {name: out[name] for name in names}
