"""The variable catalogue (twosector/variables.py): units and descriptions of every output column."""

from __future__ import annotations

import twosector
from twosector.variables import units

#: the output columns the product brief (section 5) asks for
BRIEF_COLUMNS = {
    "output_military", "output_civilian", "gdp_growth", "employment_military", "employment_civilian",
    "labour_force", "unemployment_rate", "labour_shortage", "wage_military", "wage_civilian",
    "cpi_inflation", "key_rate", "defence_spending_gdp", "oil_gas_revenue", "budget_balance_gdp",
    "nwf_liquid", "civilian_real_income", "strain_index",
}


def test_every_variable_has_a_unit_block_and_description() -> None:
    table = twosector.variable_table()
    assert table.index.name == "name" and table.index.is_unique
    for column in ("unit", "block", "description"):
        assert table[column].str.strip().str.len().gt(0).all(), column


def test_the_key_variables_are_the_columns_of_the_brief() -> None:
    table = twosector.variable_table()
    assert set(table.index[table["key"]]) == BRIEF_COLUMNS


def test_units_are_the_catalogue_units() -> None:
    assert units() == twosector.variable_table()["unit"].to_dict()
