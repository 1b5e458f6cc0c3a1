"""The variable catalogue: every column of :func:`twosector.simulation` with its unit and meaning."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from twosector.errors import TwosectorError, unknown_name

__all__ = ["VARIABLES", "variable_table", "units", "KEY_VARIABLES", "LABELS", "ABBREVIATIONS", "label", "unit",
           "vs_baseline_unit", "change_unit", "difference"]

# name -> (unit, block, description)
VARIABLES: dict[str, tuple[str, str, str]] = {
    # production
    "output_military": (
        "index 2021 = 100", "production",
        "real military output: defence procurement delivered by the defence industry",
    ),
    "output_civilian": ("index 2021 = 100", "production", "real civilian output"),
    "gdp": ("index 2021 = 100", "production", "real GDP: 2021 value-added-weighted sum of the two sectors"),
    "gdp_growth": ("% y/y", "production", "real GDP growth on the same quarter a year earlier"),
    "potential_civilian": (
        "index 2021 = 100", "production",
        "civilian potential output: the labour force at the natural rate after military employment, capital, critical "
        "inputs, TFP",
    ),
    "civilian_capacity": (
        "index 2021 = 100", "production",
        "most civilian output the employed can produce at maximum hours",
    ),
    "civilian_demand": ("index 2021 = 100", "demand", "demand for civilian output"),
    "output_gap_civilian": ("% of potential", "production", "civilian output relative to potential (100 x log)"),
    "demand_gap": ("% of potential", "demand", "civilian demand relative to potential: the pressure gap (100 x log)"),
    "hours_civilian": (
        "ratio to normal", "production",
        "hours per civilian worker relative to normal (1 = normal; bounded by hours_min and hours_max)",
    ),
    "capital_civilian": ("ratio to pre-war trend", "production", "civilian capital relative to its pre-war trend"),
    "critical_availability": (
        "share of pre-war", "production",
        "imports of critical inputs relative to pre-war, after sanctions and any relief",
    ),
    "import_substitution": (
        "share of pre-war", "production",
        "domestic substitutes for missing critical imports: a stock built by investment that never shrinks",
    ),
    "critical_inputs": (
        "share of pre-war", "production",
        "effective critical inputs: imports plus domestic substitutes (at most 1)",
    ),
    "tech_drag": (
        "share of TFP", "production",
        "productivity loss from technology controls (civilian; military scaled by military_tech_exposure)",
    ),
    # military sector
    "personnel_spending": (
        "trn RUB per quarter", "military",
        "pay of the armed forces: the pre-war army and the war-time army (part of defence spending; household income)",
    ),
    "procurement": ("trn RUB per quarter", "military", "defence procurement: defence spending less personnel pay"),
    "procurement_real": (
        "index 2021 = 100", "military",
        "real defence orders: procurement at last quarter's military prices",
    ),
    "orders_expected": (
        "index 2021 = 100", "military",
        "real defence orders the industry plans its workforce on (adaptive expectation of procurement_real)",
    ),
    "price_military": (
        "index 2021 = 100", "military",
        "military price index: CPI plus a premium on orders above capacity",
    ),
    "military_capacity": (
        "index 2021 = 100", "military",
        "most military output at maximum utilisation, given capital, employment and critical inputs",
    ),
    "military_utilisation": (
        "ratio to pre-war", "military",
        "utilisation of military capacity relative to 2021 (shifts and spare capacity)",
    ),
    "capital_military": ("ratio to 2021", "military", "military capital (production capacity) relative to 2021"),
    "military_labour_demand": (
        "mn persons", "military",
        "workers the defence industry wants for its orders at normal wartime utilisation",
    ),
    "preferential_credit": (
        "trn RUB per quarter", "military",
        "state-directed preferential loans to defence contractors (quasi-fiscal)",
    ),
    # labour
    "labour_force": ("mn persons", "labour", "labour force: trend minus army, army losses and emigrants"),
    "labour_force_trend": ("mn persons", "labour", "no-war trend labour force (demographics)"),
    "army_personnel": (
        "mn persons", "labour",
        "war-time army stock drawn from the labour force (mobilised + contract, net of attrition and demobilisation)",
    ),
    "army_losses": ("mn persons", "labour", "cumulative army leavers who do not return to the labour force"),
    "emigrants_lf": ("mn persons", "labour", "emigrants who were in the labour force (historical + lever)"),
    "skilled_emigrants": ("mn persons", "labour", "skilled emigrants in the labour force (historical + lever)"),
    "employment_military": ("mn persons", "labour", "military-sector (defence-industry) employment"),
    "employment_civilian": ("mn persons", "labour", "civilian employment"),
    "unemployed": ("mn persons", "labour", "unemployed persons: labour force minus employment"),
    "unemployment_rate": ("% of labour force", "labour", "unemployment rate"),
    "labour_shortage": (
        "mn", "labour",
        "unfilled vacancies: frictional level plus unmet labour demand of both sectors",
    ),
    "unmet_military_demand": ("mn persons", "labour", "military labour demand not yet hired"),
    "unmet_civilian_demand": ("mn persons", "labour", "civilian labour demand at normal hours beyond employment"),
    # wages and incomes
    "wage_military": ("index 2021 = 100", "wages", "real wage in the defence industry"),
    "wage_civilian": ("index 2021 = 100", "wages", "real wage in the civilian sector"),
    "real_wage": (
        "index 2021 = 100", "wages",
        "economy-wide average real wage: employment-weighted wages of both sectors",
    ),
    "unit_labour_cost_gap": (
        "% of no-war path", "wages",
        "real unit labour cost: civilian real wage over potential labour productivity, relative to the no-war path "
        "(100 x log)",
    ),
    "wage_premium": ("share", "wages", "defence-industry wage premium over civilian wages"),
    "civilian_real_income": (
        "index 2021 = 100", "wages",
        "real income of civilian households: civilian wage bill plus transfers",
    ),
    "soldier_income": (
        "mn wage-earner equivalents", "wages",
        "soldiers' pay in units of the 2021 average wage x millions",
    ),
    "household_income": (
        "index 2021 = 100", "wages",
        "real household income: wages of both sectors, soldiers' pay and transfers",
    ),
    "real_disposable_income": (
        "index 2021 = 100", "wages",
        "real disposable household income (household_income; the 2025 income-tax changes are not modelled)",
    ),
    # prices
    "cpi_inflation": ("% y/y", "prices", "CPI inflation, on the same quarter a year earlier"),
    "inflation_gap": ("pp", "prices", "CPI inflation (y/y) minus the inflation target"),
    "inflation_q": ("% annualised q/q", "prices", "quarterly CPI inflation, annualised"),
    "core_inflation": (
        "% annualised q/q", "prices",
        "CPI inflation without the direct effect of import costs: the persistent part",
    ),
    "inflation_expectations": (
        "% per year", "prices",
        "inflation expectations: the household survey where observed, else the target weighted by credibility and an "
        "adaptive forecast",
    ),
    "credibility": (
        "share", "prices",
        "weight of the inflation target in expectations (falls with the central bank's record)",
    ),
    "price_level": ("index 2021 = 100", "prices", "CPI level"),
    "import_markup": ("% over 2021", "prices", "sanction markup on controlled imports (data and levers)"),
    "import_cost": ("RUB per USD", "prices",
                    "ruble cost of imports: exchange rate x (1 + share x markup + settlement cost / 100)"),
    "settlement_cost": (
        "% of trade value", "prices",
        "payment and settlement cost on all imports and exports from secondary sanctions",
    ),
    "sanctions_cost": (
        "% per year", "prices",
        "growth of import costs from the sanction markup and settlement cost as prices carry them (a rise at "
        "once, a fall gradually [P3a]), annualised (a cost shock)",
    ),
    "imported_inflation": (
        "% per year", "prices",
        "import-cost inflation above last quarter's CPI inflation, annualised (a real depreciation)",
    ),
    "usd_rub": (
        "RUB per USD", "prices",
        "exchange rate: quarterly data in history, a documented rule in projection, incl. oil-sanction effects",
    ),
    "realised_urals": ("USD/bbl", "prices", "realised Urals price after any oil-sanction discount"),
    # money
    "key_rate": (
        "% per year", "money",
        "Bank of Russia key rate (the data in history from 2022, the Taylor rule otherwise)",
    ),
    "rule_inflation": (
        "% y/y", "money",
        "the inflation the key-rate rule answers: CPI inflation less the part of the sanctions' first-round price "
        "effect it looks through, in proportion to the target's credibility [R1]",
    ),
    "lending_rate_civilian": ("% per year", "money", "market lending rate for the civilian sector"),
    "lending_rate_military": (
        "% per year", "money",
        "effective lending rate of defence contractors (preferential and market)",
    ),
    "real_rate_civilian": ("% per year", "money", "civilian lending rate minus inflation expectations"),
    # budget
    "nominal_gdp": ("trn RUB per quarter", "budget", "nominal GDP"),
    "nominal_gdp_expected": (
        "trn RUB per quarter", "budget",
        "nominal GDP the budget plans on: last quarter's, grown at its pace of the past three quarters [B0]",
    ),
    "defence_spending": ("trn RUB per quarter", "budget",
                         "defence spending (military expenditure, SIPRI's measure) incl. scenario changes"),
    "defence_spending_gdp": ("% of GDP", "budget", "defence spending in % of GDP"),
    "fiscal_stance": (
        "% of GDP", "budget",
        "non-oil primary deficit incl. quasi-fiscal credit: (defence + other primary spending + weighted preferential "
        "credit) / GDP - non-oil tax rate",
    ),
    "fiscal_impulse": ("% of GDP", "budget", "change of the fiscal stance on the previous quarter"),
    "oil_gas_revenue": ("trn RUB per quarter", "budget", "oil and gas revenue of the federal budget"),
    "non_oil_revenue": ("trn RUB per quarter", "budget", "non-oil federal revenue"),
    "revenue": ("trn RUB per quarter", "budget", "federal revenue"),
    "other_spending": ("trn RUB per quarter", "budget", "non-defence primary federal spending (after any cuts)"),
    "spending_cut": (
        "trn RUB per quarter", "budget",
        "cut of non-defence spending when the liquid NWF can no longer cover its share of the deficit",
    ),
    "interest": ("trn RUB per quarter", "budget", "interest on federal debt"),
    "spending": ("trn RUB per quarter", "budget", "federal spending"),
    "budget_balance": ("trn RUB per quarter", "budget", "federal budget balance: revenue minus spending"),
    "budget_balance_gdp": ("% of GDP", "budget", "federal budget balance in % of GDP"),
    "nwf_draw": ("trn RUB per quarter", "budget", "NWF liquid assets used to finance the deficit"),
    "nwf_save": ("trn RUB per quarter", "budget", "surplus saved in the liquid NWF"),
    "nwf_revaluation": (
        "trn RUB per quarter", "budget",
        "revaluation of the liquid NWF with the model's exchange rate",
    ),
    "nwf_other_flows": (
        "trn RUB per quarter", "budget",
        "NWF liquid flows outside the model (transfers, freezes, conversions): steer the stock to the observed values "
        "in history; 0 in projection",
    ),
    "nwf_liquid": ("trn RUB, end of quarter", "budget", "liquid assets of the National Wealth Fund"),
    "borrowing": ("trn RUB per quarter", "budget", "net new federal borrowing"),
    "new_debt": ("trn RUB, end of quarter", "budget", "federal debt issued since 2019 (cumulative borrowing)"),
    "sovereign_spread": ("pp", "budget", "extra yield on federal debt when new debt exceeds debt_threshold % of GDP"),
    "ofz_rate": ("% per year", "budget", "yield on new federal borrowing: key rate + ofz_spread + sovereign spread"),
    # strain [S1]-[S3]: components in natural units (higher = more strain), their contributions to the index
    "strain_income": (
        "% of no-war path", "strain",
        "real disposable income below its no-war path (100 x log; the household side of the civilian squeeze)",
    ),
    "strain_output": ("% of pre-war trend", "strain", "civilian output below its pre-war trend (100 x log)"),
    "strain_inflation": ("pp", "strain", "CPI inflation (y/y) above the inflation target"),
    "strain_credit": (
        "% per year", "strain",
        "real cost of civilian credit: the civilian lending rate minus inflation expectations",
    ),
    "strain_labour": (
        "% of labour force", "strain",
        "labour shortage civilian firms face: unfilled vacancies less the defence industry's unmet demand",
    ),
    "strain_wage_gap": ("pp", "strain", "military-civilian wage gap: the defence-industry wage premium"),
    "strain_fiscal": (
        "% of GDP", "strain",
        "fiscal-buffer shortfall: ~0 while the liquid NWF net of new debt covers a year's deficit, rising as it "
        "runs out and debt replaces it (bounded by 2 x strain_fiscal_need)",
    ),
    "strain_income_contribution": (
        "index points", "strain", "contribution of strain_income to strain_index: weight x z-score / sum of weights",
    ),
    "strain_output_contribution": ("index points", "strain", "contribution of strain_output to strain_index"),
    "strain_inflation_contribution": ("index points", "strain", "contribution of strain_inflation to strain_index"),
    "strain_credit_contribution": ("index points", "strain", "contribution of strain_credit to strain_index"),
    "strain_labour_contribution": ("index points", "strain", "contribution of strain_labour to strain_index"),
    "strain_wage_gap_contribution": ("index points", "strain", "contribution of strain_wage_gap to strain_index"),
    "strain_fiscal_contribution": ("index points", "strain", "contribution of strain_fiscal to strain_index"),
    "strain_index": (
        "index points", "strain",
        "composite strain index: the sum of the strain_*_contribution columns, each component standardised on its "
        "2019Q1-2021Q4 mean and a data-based scale, weighted; 0 = pre-war normal, 1 = one scale unit of strain on "
        "average (a stylised construct)",
    ),
}

KEY_VARIABLES = (
    "output_military", "output_civilian", "gdp_growth", "employment_military", "employment_civilian",
    "labour_force", "unemployment_rate", "labour_shortage", "wage_military", "wage_civilian",
    "cpi_inflation", "key_rate", "defence_spending_gdp", "oil_gas_revenue", "budget_balance_gdp",
    "nwf_liquid", "civilian_real_income", "strain_index",
)
"""The output columns required by the product brief (section 5)."""


#: Short labels in words for the variables that reports name in sentences (others: :func:`label`'s fallback).
LABELS: dict[str, str] = {
    "output_military": "military output",
    "output_civilian": "civilian output",
    "gdp": "real GDP",
    "civilian_real_income": "civilian households' real income",
    "real_disposable_income": "household real disposable income",
    "household_income": "household real income",
    "wage_civilian": "the civilian real wage",
    "wage_military": "the defence-industry real wage",
    "cpi_inflation": "CPI inflation",
    "key_rate": "the key rate",
    "unemployment_rate": "the unemployment rate",
    "budget_balance_gdp": "the federal budget balance",
    "defence_spending_gdp": "defence spending",
    "nwf_liquid": "the NWF's liquid assets",
    "strain_index": "the strain index",
    "usd_rub": "USD/RUB",
    "oil_gas_revenue": "oil and gas revenue",
    "non_oil_revenue": "non-oil revenue",
    "realised_urals": "the realised Urals price",
    "inflation_q": "CPI inflation q/q",
    "emigrants_lf": "emigrants from the labour force",
}
#: words of variable names written as abbreviations (:func:`label`'s fallback)
ABBREVIATIONS = {"gdp": "GDP", "nwf": "NWF", "cpi": "CPI", "ofz": "OFZ"}


def label(name: str) -> str:
    """A variable's name in words for sentences, e.g. ``"civilian output"`` for ``output_civilian``.

    Parameters
    ----------
    name : str
        A variable (any text: names outside :data:`LABELS` get their underscores replaced by spaces and the
        words of :data:`ABBREVIATIONS` written as such).

    Returns
    -------
    str
        The label of :data:`LABELS`, else the name in words (``"labour force"``, ``"nominal GDP"``).

    Raises
    ------
    Nothing of its own.

    Examples
    --------
    >>> label("output_civilian"), label("labour_force"), label("nominal_gdp")
    ('civilian output', 'labour force', 'nominal GDP')
    """
    if name in LABELS:
        return LABELS[name]
    return " ".join(ABBREVIATIONS.get(word, word) for word in name.split("_"))


def variable_table() -> pd.DataFrame:
    """Return the variable catalogue.

    Returns
    -------
    pd.DataFrame
        Indexed by variable name, columns ``unit``, ``block``, ``description`` and ``key`` (True for the
        columns of the product brief, section 5).

    Raises
    ------
    Nothing of its own.
    """
    table = pd.DataFrame.from_dict(VARIABLES, orient="index", columns=["unit", "block", "description"])
    table.index.name = "name"
    table["key"] = table.index.isin(KEY_VARIABLES)
    return table


def units() -> dict[str, str]:
    """Return the unit of every variable of the catalogue (the one source of units for tables and charts).

    Returns
    -------
    dict of str to str
        Variable name -> unit, e.g. ``{"key_rate": "% per year", ...}``.

    Raises
    ------
    Nothing of its own.

    Examples
    --------
    >>> units()["cpi_inflation"]
    '% y/y'
    """
    return {name: unit for name, (unit, _block, _text) in VARIABLES.items()}


def unit(variable: str) -> str:
    """The catalogue unit of a variable.

    Parameters
    ----------
    variable : str
        A model variable.

    Returns
    -------
    str
        E.g. ``"index 2021 = 100"``.

    Raises
    ------
    TwosectorError
        For a variable not in the catalogue (with a did-you-mean).
    """
    known = units()
    if variable not in known:
        raise TwosectorError(unknown_name("variable", variable, list(known)))
    return known[variable]


def vs_baseline_unit(variable: str) -> str:
    """The unit of "scenario vs baseline" for a variable, fixed by its unit in the catalogue.

    Parameters
    ----------
    variable : str
        A model variable (see :func:`twosector.variable_table`).

    Returns
    -------
    str
        ``"pp"`` for rates and shares (units ``% ...``, ``pp`` or ``share ...``; shares are scaled to
        percentage points), ``"points"`` for index points (the strain index), the variable's own unit for
        flows per quarter (they change sign, e.g. the budget balance), and ``"%"`` for levels and indices
        (output, wages, prices, stocks such as the NWF, persons).

    Raises
    ------
    TwosectorError
        For a variable not in the catalogue (with a did-you-mean).
    """
    own = unit(variable)
    if own.startswith(("%", "share")) or own == "pp":
        return "pp"
    if own == "index points":
        return "points"
    if "per quarter" in own:
        return own
    return "%"


def change_unit(variable: str) -> str:
    """The unit of a plain difference of a variable (scenario minus baseline in its own unit).

    Parameters
    ----------
    variable : str
        A model variable.

    Returns
    -------
    str
        ``"pp"`` for rates (units ``% ...``), ``"index points, <unit>"`` for indices (e.g. ``"index points,
        index 2021 = 100"``), the variable's unit otherwise.

    Raises
    ------
    TwosectorError
        For a variable not in the catalogue (with a did-you-mean).
    """
    own = unit(variable)
    if own.startswith("%"):
        return "pp"
    if own.startswith("index") and own != "index points":
        return f"index points, {own}"
    return own


def difference(variable: str, scenario: Any, base: Any) -> Any:
    """Scenario vs baseline values of one variable in the convention of :func:`vs_baseline_unit`.

    Parameters
    ----------
    variable : str
        A model variable.
    scenario, base : Series or np.ndarray
        The scenario's and the baseline's values, the same shape (e.g. Monte Carlo draws x quarters, paired).

    Returns
    -------
    Series or np.ndarray
        As ``scenario``: ``100 * (scenario - base) / |base|`` for ``%`` (NaN where the base is 0), ``100 x``
        the difference for shares (pp), the difference otherwise.

    Raises
    ------
    TwosectorError
        For a variable not in the catalogue.
    """
    convention = vs_baseline_unit(variable)
    s, b = np.asarray(scenario, dtype=float), np.asarray(base, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):  # exploded paths (inf - inf) give NaN, not a warning
        if convention == "%":
            out = (s - b) / np.where(b != 0, np.abs(b), np.nan) * 100.0
        elif convention == "pp" and units()[variable].startswith("share"):
            out = (s - b) * 100.0
        else:
            out = s - b
    return pd.Series(out, index=scenario.index, name=scenario.name) if isinstance(scenario, pd.Series) else out
