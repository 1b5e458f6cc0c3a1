"""The variable catalogue: every column of :func:`twosector.simulation` with its unit and meaning."""

from __future__ import annotations

import pandas as pd

__all__ = ["VARIABLES", "variable_table", "units", "KEY_VARIABLES"]

# name -> (unit, block, description)
VARIABLES: dict[str, tuple[str, str, str]] = {
    "output_military": ("index 2021 = 100", "production", "real military output (defence procurement delivered)"),
    "output_civilian": ("index 2021 = 100", "production", "real civilian output"),
    "gdp": ("index 2021 = 100", "production", "real GDP: 2021 value-added-weighted sum of the two sectors"),
    "gdp_growth": ("% y/y", "production", "real GDP growth on the same quarter a year earlier"),
    "potential_civilian": ("index 2021 = 100", "production", "civilian potential output (labour at the natural rate, capital, critical inputs, TFP)"),
    "output_gap_civilian": ("% of potential", "production", "civilian output relative to potential (100 x log)"),
    "demand_gap": ("% of potential", "demand", "civilian demand relative to potential: the pressure gap (100 x log)"),
    "procurement_real": ("index 2021 = 100", "production", "real defence procurement ordered (defence spending / last quarter's price level)"),
    "military_capacity": ("index 2021 = 100", "production", "military capacity after critical-input limits"),
    "critical_inputs": ("share of pre-war", "production", "effective critical-input availability incl. substitution"),
    "tech_drag": ("share of TFP", "production", "civilian TFP loss from technology controls"),
    "capital_civilian": ("ratio to pre-war trend", "production", "civilian capital relative to its pre-war trend"),
    "labour_force": ("mn persons", "labour", "labour force: trend minus army, army losses and emigrants"),
    "labour_force_trend": ("mn persons", "labour", "no-war trend labour force (demographics)"),
    "army_personnel": ("mn persons", "labour", "war-time army stock drawn from the labour force (mobilised + contract, net of attrition and demobilisation)"),
    "army_losses": ("mn persons", "labour", "cumulative army leavers who do not return to the labour force"),
    "emigrants_lf": ("mn persons", "labour", "emigrants who were in the labour force (historical + lever)"),
    "skilled_emigrants": ("mn persons", "labour", "skilled emigrants in the labour force (historical + lever)"),
    "employment_military": ("mn persons", "labour", "military-sector (defence-industry) employment"),
    "employment_civilian": ("mn persons", "labour", "civilian employment"),
    "unemployed": ("mn persons", "labour", "unemployed persons: labour force minus employment"),
    "unemployment_rate": ("% of labour force", "labour", "unemployment rate"),
    "labour_shortage": ("mn", "labour", "unfilled vacancies: frictional level plus unmet labour demand of both sectors"),
    "unmet_military_demand": ("mn persons", "labour", "military labour demand not yet hired"),
    "unmet_civilian_demand": ("mn persons", "labour", "civilian labour demand that cannot be met"),
    "wage_military": ("index 2021 = 100", "wages", "real wage in the military sector"),
    "wage_civilian": ("index 2021 = 100", "wages", "real wage in the civilian sector"),
    "wage_premium": ("share", "wages", "military wage premium over civilian wages"),
    "household_income": ("index 2021 = 100", "wages", "real household income: wages of both sectors, army pay and transfers"),
    "civilian_real_income": ("index 2021 = 100", "wages", "real income of civilian households: civilian wage bill plus transfers, deflated by CPI"),
    "cpi_inflation": ("% y/y", "prices", "CPI inflation, on the same quarter a year earlier"),
    "inflation_q": ("% annualised q/q", "prices", "quarterly CPI inflation, annualised"),
    "inflation_expectations": ("% per year", "prices", "inflation expectations (partly anchored to the target)"),
    "price_level": ("index 2021 = 100", "prices", "CPI level"),
    "import_cost": ("index 2021 = 1", "prices", "cost of critical imports: exchange rate x (1 + sanction markup)"),
    "key_rate": ("% per year", "money", "Bank of Russia key rate"),
    "lending_rate_civilian": ("% per year", "money", "market lending rate for the civilian sector"),
    "lending_rate_military": ("% per year", "money", "effective lending rate of the military sector (preferential and market)"),
    "real_rate_civilian": ("% per year", "money", "civilian lending rate minus inflation expectations"),
    "usd_rub": ("RUB per USD", "prices", "exchange rate incl. the oil-sanction depreciation"),
    "nominal_gdp": ("trn RUB per quarter", "budget", "nominal GDP"),
    "defence_spending": ("trn RUB per quarter", "budget", "national-defence spending incl. scenario changes"),
    "defence_spending_gdp": ("% of GDP", "budget", "defence spending in % of GDP"),
    "preferential_credit": ("trn RUB per quarter", "budget", "state-directed preferential loans to defence contractors (quasi-fiscal)"),
    "oil_gas_revenue": ("trn RUB per quarter", "budget", "oil and gas revenue of the federal budget"),
    "non_oil_revenue": ("trn RUB per quarter", "budget", "non-oil federal revenue"),
    "revenue": ("trn RUB per quarter", "budget", "federal revenue"),
    "other_spending": ("trn RUB per quarter", "budget", "non-defence, non-interest federal spending"),
    "interest": ("trn RUB per quarter", "budget", "interest on federal debt"),
    "spending": ("trn RUB per quarter", "budget", "federal spending"),
    "budget_balance": ("trn RUB per quarter", "budget", "federal budget balance: revenue minus spending"),
    "budget_balance_gdp": ("% of GDP", "budget", "federal budget balance in % of GDP"),
    "nwf_draw": ("trn RUB per quarter", "budget", "NWF liquid assets used to finance the deficit"),
    "nwf_save": ("trn RUB per quarter", "budget", "surplus saved in the liquid NWF"),
    "nwf_revaluation": ("trn RUB per quarter", "budget", "revaluation of the liquid NWF with the exchange rate"),
    "nwf_other_flows": ("trn RUB per quarter", "budget", "NWF liquid flows outside the model (transfers, freezes, conversions): steer the stock to the observed values in history; 0 in projection"),
    "nwf_liquid": ("trn RUB, end of quarter", "budget", "liquid assets of the National Wealth Fund"),
    "borrowing": ("trn RUB per quarter", "budget", "net new federal borrowing"),
    "new_debt": ("trn RUB, end of quarter", "budget", "federal debt issued since 2019 (cumulative borrowing)"),
    "strain_output": ("pre-war s.d.", "strain", "civilian output below its pre-war trend (standardised)"),
    "strain_income": ("pre-war s.d.", "strain", "civilian real income below its pre-war trend (standardised)"),
    "strain_inflation": ("pre-war s.d.", "strain", "CPI inflation above target (standardised)"),
    "strain_rate": ("pre-war s.d.", "strain", "civilian lending rate (standardised)"),
    "strain_shortage": ("pre-war s.d.", "strain", "labour shortage (standardised)"),
    "strain_wage_gap": ("pre-war s.d.", "strain", "military wage premium (standardised)"),
    "strain_nwf": ("pre-war s.d.", "strain", "NWF depletion: minus liquid NWF in % of annual GDP (standardised)"),
    "strain_index": ("pre-war s.d.", "strain", "composite strain index: weighted mean of the strain_* indicators; 0 = pre-war normal, 1 = one pre-war standard deviation of stress (a stylised construct)"),
}

KEY_VARIABLES = (
    "output_military", "output_civilian", "gdp_growth", "employment_military", "employment_civilian",
    "labour_force", "unemployment_rate", "labour_shortage", "wage_military", "wage_civilian",
    "cpi_inflation", "key_rate", "defence_spending_gdp", "oil_gas_revenue", "budget_balance_gdp",
    "nwf_liquid", "civilian_real_income", "strain_index",
)
"""The output columns required by the product brief (section 5)."""


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
