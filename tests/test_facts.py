"""Tests of twosector.facts: the targets table, the statistics that map model output onto facts, and the
fact table of the shipped baseline (every fact the model claims must pass)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twosector.errors import DataError, TwosectorError
from twosector.facts import STATISTICS, fact_table, model_value, statistic, targets


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return fact_table()


def test_targets_table_is_sourced_and_consistent():
    t = targets()
    assert t["id"].is_unique
    assert set(t["kind"]) == {"target", "fact"}
    assert set(t["statistic"]) <= set(STATISTICS)
    assert (t["tolerance"] > 0).all()
    assert t["source_publisher"].notna().all() and t["source_page"].notna().all()
    assert set(t["verified"]) <= {"yes", "memory", "derived"}
    # the suggested calibration targets of the fact base, section 3
    got = t.set_index("id")["value"]
    assert got["milex_gdp_2024"] == 7.1 and got["gdp_growth_2024"] == 4.3 and got["cpi_dec_2024"] == 9.5
    assert got["unemployment_2024"] == 2.5 and got["key_rate_2024"] == 21 and got["deficit_2024"] == -1.7
    # the one memory figure of the targets (real wages 2024) stays flagged
    assert t.set_index("id").at["real_wage_2024", "verified"] == "memory"


def test_targets_kind_filter_and_bad_kind():
    assert set(targets("fact")["kind"]) == {"fact"}
    with pytest.raises(TwosectorError, match="'facts'"):
        targets("facts")


def test_statistics_on_a_known_path():
    idx = pd.period_range("2021Q1", "2024Q4", freq="Q")
    v = np.arange(len(idx), dtype=float)[None, :] + 1  # 1..16
    assert statistic(v, idx, "annual_mean", "2022")[0] == pytest.approx(np.mean([5, 6, 7, 8]))
    assert statistic(v, idx, "annual_sum", "2021")[0] == pytest.approx(10)
    assert statistic(v, idx, "q4", "2023")[0] == pytest.approx(12)
    assert statistic(v, idx, "quarter", "2022Q2")[0] == pytest.approx(6)
    assert statistic(v, idx, "growth", "2022Q4:2024Q2")[0] == pytest.approx(100 * (14 / 8 - 1))
    assert statistic(v, idx, "annual_growth", "2022")[0] == pytest.approx(100 * (6.5 / 2.5 - 1))
    two = np.vstack([v[0], 2 * v[0]])
    assert statistic(two, idx, "q4", "2023").tolist() == [12, 24]
    with pytest.raises(DataError, match="2020"):
        statistic(v, idx, "annual_growth", "2021")


def test_real_wage_is_employment_weighted():
    idx = pd.period_range("2022Q1", "2023Q4", freq="Q")
    res = pd.DataFrame({
        "wage_military": 200.0, "wage_civilian": 100.0, "employment_military": 1.0, "employment_civilian": 3.0,
    }, index=idx)
    res.loc[res.index.year == 2023, "wage_civilian"] = 110.0
    row = pd.Series({"statistic": "annual_growth", "variable": "real_wage", "period": "2023"})
    # (200 + 3 x 110) / 4 = 132.5 vs (200 + 3 x 100) / 4 = 125
    assert model_value(res, pd.Series(dtype=float), row) == pytest.approx(100 * (132.5 / 125 - 1))


def test_fact_table_is_indexed_by_the_fact_names(table):
    assert table.index.name == "name" and list(table.index) == list(targets()["id"])
    assert list(fact_table(kind="fact").index) == list(targets("fact")["id"])


def test_fact_table_columns_and_pass_rule(table):
    for col in ("target", "value", "tolerance", "model", "pass", "claimed"):
        assert col in table.columns
    finite = table[np.isfinite(table["model"])]
    assert len(finite) == len(table)
    expect = (finite["model"] - finite["value"]).abs() <= finite["tolerance"] + 1e-9
    assert (finite["pass"] == expect).all()


def test_claimed_facts_pass(table):
    claimed = table[table["claimed"]]
    assert len(claimed) >= 5
    failing = claimed.loc[~claimed["pass"], ["value", "tolerance", "model"]]
    assert failing.empty, f"claimed facts the baseline misses:\n{failing}"


def test_parameter_facts_read_the_parameters(table):
    from twosector.params import default_params

    row = table.loc["import_markup"]
    assert row["model"] == pytest.approx(default_params()["sanction_markup_max"])


def test_defence_multiplier_is_positive_and_below_the_open_economy_bound(table):
    m = table.at["defence_multiplier", "model"]
    # crowding out by the key rate and capacity limits: below the 1.5 regional multiplier (Nakamura-Steinsson)
    assert 0 < m < 1.5
