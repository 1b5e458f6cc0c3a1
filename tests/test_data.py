"""Tests of the data set and its loader (twosector.data)."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from twosector.data import UNITS, VERIFIED, VINTAGES, data_dir, data_summary, load_data, load_forecasts, series
from twosector.errors import DataError

REPO_DATA = Path(__file__).resolve().parent.parent / "data"

REQUIRED_IDS = [
    # annual
    "gdp_growth", "gdp_nominal", "cpi_dec", "unemployment", "unemployment_end", "real_wage_growth",
    "nominal_wage", "real_disposable_income_growth", "defence_spending", "milex_sipri_usd", "milex_sipri_gdp",
    "budget_balance", "budget_balance_gdp", "federal_spending", "federal_revenue", "oil_gas_revenue",
    "urals_price", "usd_rub", "nwf_liquid", "labour_shortage", "industrial_production", "manufacturing_output",
    "fabricated_metals_output", "real_imports_vs_2021", "controlled_import_markup",
    "substitution_sanctioned_goods", "emigrants", "mobilised", "contract_recruits", "levada_support_army",
    "levada_favour_negotiations", "preferential_loans_usd_low", "preferential_loans_usd_high",
    "sector_wage_growth_fabricated_metals", "sector_wage_growth_fishing", "oil_price_cap",
    # quarterly, monthly, dated
    "gdp_growth_q", "cpi_yoy", "unemployment_m", "real_wage_growth_m", "key_rate",
    # from the supplement
    "usd_rub_q", "usd_rub_m", "usd_rub_y", "urals_price_m", "urals_price_q", "gdp_growth_q_rt", "key_rate_avg",
    "key_rate_eff", "profit_tax_rate", "tax_package_revenue",
    # derived quarterly
    "key_rate_q", "cpi_yoy_q", "unemployment_q", "defence_spending_q", "inflation_expectations_q",
]

HEADER = "series,period,value,unit,source_publisher,source_page,verified,vintage,note"


# --- the shipped data set ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return load_data()


def test_every_row_has_source_flag_and_vintage(data: pd.DataFrame) -> None:
    assert len(data) > 400
    assert data["source_publisher"].str.strip().ne("").all()
    assert data["source_page"].str.strip().ne("").all()
    assert set(data["verified"]) <= set(VERIFIED)
    assert set(data["vintage"]) <= set(VINTAGES)
    assert set(data["unit"]) <= set(UNITS)


def test_memory_rows_say_so_in_their_source(data: pd.DataFrame) -> None:
    memory = data[data["verified"] == "memory"]
    assert len(memory) >= 10  # the fact base has memory figures (usd_rub, gdp_growth latest, ...): they stay flagged
    assert memory["source_page"].str.contains("memory").all()
    usd = data[data["series"] == "usd_rub"].set_index("period")
    assert set(usd.index[usd["verified"] == "memory"]) == {"2019", "2023", "2024"}


def test_replaced_memory_rows_keep_the_number_and_say_so(data: pd.DataFrame) -> None:
    # a memory figure is never upgraded silently: a sourced row replaces it and its note names the old figure
    replaced = data[data["note"].str.contains("replaces the memory row")]
    assert {(r.series, r.period) for r in replaced.itertuples()} == {
        ("usd_rub", "2020"), ("usd_rub", "2021"), ("usd_rub", "2022"), ("urals_price", "2021"),
        ("corporate_loan_growth", "2023"),
    }
    for row in replaced.itertuples():
        old = float(re.search(r"replaces the memory row '~([\d.]+)'", row.note).group(1))
        assert row.value == old and row.verified == "yes" and "memory" not in row.source_page


def test_required_series_present(data: pd.DataFrame) -> None:
    missing = sorted(set(REQUIRED_IDS) - set(data["series"]))
    assert not missing


def test_nothing_after_cutoff_unless_plan(data: pd.DataFrame) -> None:
    ends = pd.Series([pd.Period(p, freq=f).end_time for p, f in zip(data["period"], data["freq"], strict=True)],
                     index=data.index)
    late = data[ends > pd.Period("2024Q4", freq="Q").end_time]
    assert not late.empty  # the 2025 budget plans are kept ...
    assert (late["vintage"] == "plan").all()  # ... as plans only


def test_unique_series_period_vintage(data: pd.DataFrame) -> None:
    assert not data.duplicated(["series", "period", "vintage"]).any()


def test_files_and_lines_point_at_the_rows(data: pd.DataFrame) -> None:
    row = data[(data["series"] == "key_rate") & (data["period"] == "2022-02-28")].iloc[0]
    assert row["file"] == "data/key_rate.csv"
    lines = (REPO_DATA / "key_rate.csv").read_text(encoding="utf-8").splitlines()
    assert lines[int(row["line"]) - 1].startswith("key_rate,2022-02-28,20.0,")


# --- facts and identities in the data (checks on transcription) --------------------------------------


def test_december_yoy_equals_dec_on_dec() -> None:
    monthly, annual = series("cpi_yoy"), series("cpi_dec")
    for year in (2023, 2024):
        assert monthly[pd.Period(f"{year}-12", freq="M")] == pytest.approx(annual[pd.Period(str(year), freq="Y")])


def test_budget_identity_2023() -> None:
    revenue = series("federal_revenue")[pd.Period("2023", freq="Y")]
    spending = series("federal_spending")[pd.Period("2023", freq="Y")]
    balance = series("budget_balance")[pd.Period("2023", freq="Y")]
    assert revenue - spending == pytest.approx(balance, abs=0.01)


def test_defence_share_matches_levels() -> None:
    share = series("defence_share_spending")[pd.Period("2023", freq="Y")]
    level = series("defence_spending")[pd.Period("2023", freq="Y")]
    total = series("federal_spending", vintage="first")[pd.Period("2023", freq="Y")]
    assert 100 * level / total == pytest.approx(share, abs=0.1)


def test_nwf_liquid_share_matches_levels() -> None:
    day = pd.Period("2024-12-31", freq="D")
    share = 100 * series("nwf_liquid")[day] / series("nwf_total")[day]
    assert share == pytest.approx(series("nwf_liquid_share")[day], abs=0.2)


def test_stylised_facts_in_the_data() -> None:
    # (the levels of the fact base's targets are checked against the data in tests/test_facts.py)
    rate, milex = series("key_rate"), series("milex_sipri_gdp")
    assert rate.iloc[-1] == rate.max() and rate.index[-1].year == 2024  # the key rate ends 2024 at its peak
    assert milex.idxmax() == pd.Period("2024", freq="Y")  # military spending rises to its highest share in 2024
    u = series("unemployment")
    assert u[pd.Period("2021", freq="Y")] > u[pd.Period("2023", freq="Y")] > u[pd.Period("2024", freq="Y")]
    gdp_q = series("gdp_growth_q")
    assert gdp_q.idxmin() == pd.Period("2022Q2", freq="Q")


# --- USD/RUB (supplement 1): the averages must agree with each other and with the dated points ---------------


def _outcomes(name: str) -> pd.Series:
    s = series(name)
    return s[[s.attrs["vintages"][str(p)] != "plan" for p in s.index]]


def test_day_weighted_monthly_averages_give_the_quarterly_and_annual_averages() -> None:
    monthly = series("usd_rub_m")
    assert len(monthly) == 72 and monthly.index[0] == pd.Period("2019-01", freq="M")
    days = pd.Series([p.days_in_month for p in monthly.index], index=monthly.index, dtype=float)
    for freq, target in (("Q", series("usd_rub_q")), ("Y", _outcomes("usd_rub_y"))):
        groups = monthly.index.asfreq(freq)
        weighted = (monthly * days).groupby(groups).sum() / days.groupby(groups).sum()
        assert list(weighted.index) == list(target.index)
        assert (weighted - target).abs().max() <= 0.02, freq


def test_quotation_weighted_monthly_means_give_the_quarterly_and_annual_means(data: pd.DataFrame) -> None:
    monthly = series("usd_rub_quotes_m")
    notes = data[data["series"] == "usd_rub_quotes_m"].set_index("period")["note"]
    n = pd.Series([int(re.search(r"mean of (\d+) official quotations", notes[str(p)]).group(1)) for p in monthly.index],
                  index=monthly.index, dtype=float)
    assert n.between(15, 23).all()
    for freq, target in (("Q", series("usd_rub_quotes_q")), ("Y", series("usd_rub_quotes_y"))):
        groups = monthly.index.asfreq(freq)
        weighted = (monthly * n).groupby(groups).sum() / n.groupby(groups).sum()
        assert (weighted - target).abs().max() <= 0.02, freq


def test_end_of_period_rates_and_monthly_ranges_are_consistent() -> None:
    avg, end = series("usd_rub_m"), series("usd_rub_end_m")
    low, high = series("usd_rub_min_m"), series("usd_rub_max_m")
    assert (low <= avg).all() and (avg <= high).all() and (low <= end).all() and (end <= high).all()
    end_q = series("usd_rub_end_q")
    assert np.array_equal(end_q.to_numpy(), end[end.index.month % 3 == 0].to_numpy())


def test_dated_official_rates_match_the_monthly_extremes_and_year_end() -> None:
    day = series("usd_rub_d")
    month = lambda text: pd.Period(text, freq="M")  # noqa: E731
    peak, low = series("usd_rub_max_m"), series("usd_rub_min_m")
    assert day[pd.Period("2022-03-11", freq="D")] == peak[month("2022-03")] == peak.max()
    assert day[pd.Period("2022-06-30", freq="D")] == low[month("2022-06")] == series("usd_rub_end_m")[month("2022-06")]
    assert day[pd.Period("2023-08-15", freq="D")] == peak[month("2023-08")]
    assert day[pd.Period("2023-10-10", freq="D")] == peak[month("2023-10")]
    assert day[pd.Period("2024-11-29", freq="D")] == peak[month("2024-11")]
    assert day[pd.Period("2024-12-31", freq="D")] == series("usd_rub_end_q")[pd.Period("2024Q4", freq="Q")]
    # the press figure for 23-25 Nov is the file's 102.5761 rounded
    assert day[pd.Period("2024-11-23", freq="D")] == pytest.approx(102.5761, abs=0.005)


def test_other_ruble_sources_agree_within_their_rounding() -> None:
    monthly, oecd = series("usd_rub_m"), series("usd_rub_oecd_m")
    gap = (oecd - monthly.reindex(oecd.index)).abs()
    assert gap.drop(pd.Period("2020-03", freq="M")).max() <= 0.02
    assert gap[pd.Period("2020-03", freq="M")] > 0.1  # the one documented disagreement
    annual, legacy = series("usd_rub_y"), series("usd_rub")
    acra = [p for p in legacy.index if legacy.attrs["verified"][str(p)] == "yes"]
    assert [p.year for p in acra] == [2020, 2021, 2022]
    assert (legacy[acra] - annual[acra]).abs().max() <= 0.05 + 1e-9  # ACRA rounds 72.146 etc. to one decimal
    assert series("usd_rub_y", vintage="plan").index.tolist() == [pd.Period("2025", freq="Y")]


# --- Urals (supplement 2) -------------------------------------------------------------------------------


def test_quarterly_urals_equal_the_mean_of_their_months() -> None:
    checked = 0
    for vintage in ("first", "latest"):
        months, quarters = series("urals_price_m", vintage), series("urals_price_q", vintage)
        for q, value in quarters.items():
            inside = months[months.index.asfreq("Q") == q]
            if len(inside) == 3:
                assert value == pytest.approx(inside.mean(), abs=0.006), (vintage, str(q))
                checked += 1
    assert checked >= 11  # 2021Q2, 2022Q3-Q4, 2023Q1, Q3 (both Septembers), Q4, in both vintages
    first, latest = series("urals_price_q", "first"), series("urals_price_q")
    q3 = pd.Period("2023Q3", freq="Q")
    assert latest[q3] - first[q3] == pytest.approx((83.30 - 83.08) / 3, abs=0.006)


def test_urals_period_averages_chain_with_the_monthly_values() -> None:
    months, ytd = series("urals_price_m"), series("urals_price_ytd")
    pairs = 0
    for p, value in ytd.items():
        prev = p - 1
        if prev in ytd.index and p in months.index and p.month > 1:
            implied = (ytd[prev] * prev.month + months[p]) / p.month
            assert value == pytest.approx(implied, abs=0.15), str(p)  # cumulative averages are day-weighted
            pairs += 1
    assert pairs >= 8
    annual = series("urals_price")
    for year in (2021, 2022, 2023):
        implied = (11 * ytd[pd.Period(f"{year}-11", freq="M")] + months[pd.Period(f"{year}-12", freq="M")]) / 12
        assert annual[pd.Period(str(year), freq="Y")] == pytest.approx(implied, abs=0.1), year
    quarters = series("urals_price_q")
    h1 = (quarters[pd.Period("2023Q1", freq="Q")] + quarters[pd.Period("2023Q2", freq="Q")]) / 2
    assert h1 == pytest.approx(ytd[pd.Period("2023-06", freq="M")], abs=0.01)
    h2 = series("urals_price_6m")[pd.Period("2021-12", freq="M")]
    jan_jun = 5 * ytd[pd.Period("2021-05", freq="M")] + months[pd.Period("2021-06", freq="M")]
    assert (jan_jun + 6 * h2) / 12 == pytest.approx(annual[pd.Period("2021", freq="Y")], abs=0.01)


def test_low_reliability_urals_series_stays_apart(data: pd.DataFrame) -> None:
    investing = data[data["series"] == "urals_investing_m"]
    assert len(investing) == 12 and investing["note"].str.startswith("LOW RELIABILITY").all()
    urals = data[data["series"].str.startswith("urals_price")]
    assert not urals["source_publisher"].str.contains("Investing").any()


# --- quarterly GDP as published (supplement 4) ---------------------------------------------------------


def test_real_time_quarterly_gdp_matches_the_annual_estimates_of_its_vintage() -> None:
    q, annual_first, annual = series("gdp_growth_q_rt"), series("gdp_growth", "first"), series("gdp_growth")
    assert set(q.attrs["vintages"].values()) <= {"first", "revised"}
    mean = q.groupby(q.index.year).mean()
    # 2021 and 2023 quarters belong to the first annual estimate, not to the later revisions
    for year in (2021, 2023):
        y = pd.Period(str(year), freq="Y")
        assert mean[year] == pytest.approx(annual_first[y], abs=0.1)
        assert annual[y] - mean[year] > 0.5
    assert q.idxmin() == pd.Period("2020Q2", freq="Q") and q.idxmax() == pd.Period("2021Q2", freq="Q")
    current = series("gdp_growth_q")  # the series the current model reads: unchanged by these rows
    assert current.index.min() == pd.Period("2022Q1", freq="Q")
    for vintage in ("first", "revised"):
        q1 = pd.Period("2023Q1", freq="Q")
        assert series("gdp_growth_q_rt", vintage)[q1] == series("gdp_growth_q", vintage)[q1]


# --- plans (supplement 5) -------------------------------------------------------------------------------


def test_every_row_after_the_cutoff_and_every_tax_change_is_a_plan(data: pd.DataFrame) -> None:
    taxes = data[data["file"] == "data/taxes.csv"]
    after = taxes["period"].astype(int) > 2024
    assert (taxes.loc[after, "vintage"] == "plan").all() and (taxes.loc[~after, "vintage"] == "latest").all()
    for name in ("gdp_nominal", "gdp_growth", "urals_price", "usd_rub_y", "oil_gas_revenue", "federal_revenue"):
        s = series(name)
        assert s.attrs["vintages"]["2025"] == "plan", name


def test_budget_law_2025_adds_up() -> None:
    y = pd.Period("2025", freq="Y")
    revenue, spending = series("federal_revenue", "plan")[y], series("federal_spending", "plan")[y]
    assert revenue - spending == pytest.approx(series("budget_balance", "plan")[y], abs=1e-6)
    gdp = series("gdp_nominal", "plan")[y]
    oil = series("oil_gas_revenue", "plan")[y]
    for name, level in (("federal_revenue_gdp", revenue), ("federal_spending_gdp", spending),
                        ("budget_balance_gdp", revenue - spending), ("oil_gas_revenue_gdp", oil)):
        assert series(name, "plan")[y] == pytest.approx(100 * level / gdp, abs=0.06), name
    extra = series("tax_package_revenue")[y]
    assert series("tax_package_revenue_gdp", "plan")[y] == pytest.approx(100 * extra / gdp, abs=0.005)
    assert series("profit_tax_rate_federal")[y] + series("profit_tax_rate_regional")[y] == series("profit_tax_rate")[y]
    rates = [series(f"pit_rate_{i}")[y] for i in range(1, 6)]
    tops = [series(f"pit_bracket_top_{i}")[y] for i in range(1, 5)]
    assert rates == sorted(rates) and tops == sorted(tops) and rates[0] == 13


# --- key rate: effective dates and annual averages (supplement 3c, 6) ------------------------------------


def test_key_rate_averages_follow_from_the_daily_path() -> None:
    from twosector.derive import step_average

    avg = series("key_rate_avg")
    by_effective = step_average(series("key_rate_eff"), "Y", end="2024")
    by_decision = step_average(series("key_rate"), "Y", end="2024")
    for year in (2023, 2024):
        y = pd.Period(str(year), freq="Y")
        assert by_effective[y] == pytest.approx(avg[y], abs=0.005)
    assert (by_decision - avg).abs().max() < 0.05  # decisions apply a day or three before the effective date
    eff, dec = series("key_rate_eff"), series("key_rate")
    changes = dec[(dec.index >= pd.Period("2023-01-01", freq="D")) & (dec.diff() != 0)]
    assert eff.iloc[1:].tolist() == changes.tolist()
    lags = [(e - d).n for e, d in zip(eff.index[1:], changes.index, strict=True)]
    assert all(0 <= lag <= 3 for lag in lags)


# --- series() -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "freq"),
    [("gdp_growth", "Y"), ("gdp_growth_q", "Q"), ("cpi_yoy", "M"), ("key_rate", "D"), ("key_rate_q", "Q")],
)
def test_series_period_index_freq(name: str, freq: str) -> None:
    s = series(name)
    assert isinstance(s.index, pd.PeriodIndex)
    assert s.index.freqstr == pd.Period("2020", freq=freq).freqstr
    assert s.dtype == "float64"
    assert s.name == name
    assert s.index.is_monotonic_increasing
    assert s.attrs["unit"] in UNITS
    assert set(s.attrs["verified"]) == {str(p) for p in s.index}


def test_series_vintage_choice_on_real_data() -> None:
    y2022 = pd.Period("2022", freq="Y")
    latest, first, revised = (series("gdp_growth", vintage=v) for v in ("latest", "first", "revised"))
    assert latest.attrs["vintages"]["2022"] == "revised" and latest[y2022] == revised[y2022]  # a revision wins ...
    assert first[y2022] != latest[y2022]  # ... over the first print, which stays available
    defence = series("defence_spending")
    assert defence.attrs["vintages"]["2024"] == "latest"  # an outcome beats the plan ...
    assert defence.attrs["verified"]["2024"] == "memory"  # ... and keeps its flag
    assert defence.attrs["vintages"]["2025"] == "plan"  # a plan is used only where no outcome exists
    plan = series("defence_spending", vintage="plan")
    assert plan[pd.Period("2024", freq="Y")] != defence[pd.Period("2024", freq="Y")]
    assert plan[pd.Period("2025", freq="Y")] == defence[pd.Period("2025", freq="Y")]


def _write(folder: Path, name: str, rows: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_series_vintage_rules_on_synthetic_file(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    _write(folder, "x.csv", [
        "x,2022,1,%,P,page,yes,first,",
        "x,2022,2,%,P,page,yes,revised,",
        "x,2022,3,%,P,page,memory,latest,",
        "x,2022,9,%,P,page,yes,plan,",
        "x,2023,4,%,P,page,yes,first,",
        "x,2023,8,%,P,page,yes,plan,",
        "x,2024,7,%,P,page,yes,plan,",
    ])
    latest = series("x", path=folder)
    assert latest.tolist() == [3.0, 4.0, 7.0]
    assert latest.attrs["vintages"] == {"2022": "latest", "2023": "first", "2024": "plan"}
    assert series("x", "first", path=folder).tolist() == [1.0, 4.0]
    assert series("x", "revised", path=folder).tolist() == [2.0]
    assert series("x", "plan", path=folder).tolist() == [9.0, 8.0, 7.0]
    with pytest.raises(DataError, match="vintage 'final'"):
        series("x", "final", path=folder)


def test_series_without_rows_of_vintage(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    _write(folder, "x.csv", ["x,2022,1,%,P,page,yes,latest,"])
    with pytest.raises(DataError, match="no rows for vintage 'revised'; its vintages: latest"):
        series("x", "revised", path=folder)


def test_unknown_series_did_you_mean() -> None:
    with pytest.raises(DataError, match=r"unknown series 'key_rat'\. Did you mean 'key_rate'"):
        series("key_rat")


# --- validation of broken copies ------------------------------------------------------------------------


@pytest.fixture()
def broken(tmp_path: Path):
    """Copy data/prices.csv into tmp_path/data and return a function that edits it and loads it."""
    folder = tmp_path / "data"
    folder.mkdir()
    target = folder / "prices.csv"
    shutil.copy(REPO_DATA / "prices.csv", target)

    def edit(change) -> str:
        with target.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        change(rows)
        with target.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
        with pytest.raises(DataError) as info:
            load_data(folder)
        return str(info.value)

    return edit


def _set(line: int, column: str, value: str):
    def change(rows: list[list[str]]) -> None:
        rows[line - 1][rows[0].index(column)] = value
    return change


def test_missing_column(broken) -> None:
    def drop_unit(rows: list[list[str]]) -> None:
        i = rows[0].index("unit")
        for row in rows:
            del row[i]
    msg = broken(drop_unit)
    assert msg.startswith("data/prices.csv, line 1, column 'unit': missing")
    assert "required columns: series, period, value" in msg


def test_bad_number(broken) -> None:
    msg = broken(_set(14, "value", "abc"))
    assert msg == "data/prices.csv, line 14, column 'value': 'abc' is not a number"


def test_bad_period(broken) -> None:
    msg = broken(_set(9, "period", "2022-13"))
    assert msg.startswith("data/prices.csv, line 9, column 'period': '2022-13' is not a period")
    assert "2023Q2 (Q)" in msg


def test_duplicate_row(broken) -> None:
    msg = broken(lambda rows: rows.insert(5, list(rows[2])))  # a copy of line 3 becomes line 6
    assert msg.startswith(
        "data/prices.csv, line 6, column 'period': duplicate observation (cpi_dec, 2020, vintage latest)")
    assert "already at data/prices.csv, line 3" in msg


def test_empty_source(broken) -> None:
    msg = broken(_set(20, "source_page", ""))
    assert msg.startswith("data/prices.csv, line 20, column 'source_page': is empty")


def test_empty_publisher(broken) -> None:
    msg = broken(_set(4, "source_publisher", "  "))
    assert msg.startswith("data/prices.csv, line 4, column 'source_publisher': is empty")


def test_unknown_unit(broken) -> None:
    msg = broken(_set(7, "unit", "% y/yy"))
    assert msg.startswith("data/prices.csv, line 7, column 'unit': unknown unit '% y/yy'. Did you mean '% y/y'")


def test_bad_verified_flag(broken) -> None:
    msg = broken(_set(8, "verified", "maybe"))
    assert msg == "data/prices.csv, line 8, column 'verified': 'maybe' is not allowed; allowed: yes, memory, derived"


def test_period_after_cutoff(broken) -> None:
    msg = broken(_set(10, "period", "2025-01"))
    assert msg.startswith("data/prices.csv, line 10, column 'period': '2025-01' is after 2024Q4")
    assert "vintage 'plan'" in msg


def test_mixed_frequency_in_one_series(broken) -> None:
    msg = broken(_set(10, "period", "2022Q3"))
    assert msg.startswith("data/prices.csv, line 10, column 'period': series 'cpi_yoy' has freq 'Q'")


def test_wrong_field_count(broken) -> None:
    msg = broken(lambda rows: rows[11].append("extra"))
    assert msg.startswith("data/prices.csv, line 12: 10 fields but the header has 9")


def test_plan_after_cutoff_is_allowed(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    _write(folder, "plan.csv", ["d,2025,13.5,trn RUB,Finance Ministry,page,yes,plan,budget law"])
    assert load_data(folder)["period"].tolist() == ["2025"]


def test_subfolder_file_is_named_with_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    _write(folder / "derived", "q.csv", ["d,2024Q1,abc,%,P,page,derived,latest,"])
    with pytest.raises(DataError, match=r"^data/derived/q\.csv, line 2, column 'value'"):
        load_data(folder)


def test_missing_folder_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        load_data(tmp_path / "nope")
    with pytest.raises(DataError, match="no CSV files"):
        load_data(tmp_path)


# --- location, cache, summary --------------------------------------------------------------------------


def test_env_var_selects_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "mydata"
    _write(folder, "x.csv", ["only_here,2022,1,%,P,page,yes,latest,"])
    monkeypatch.setenv("TWOSECTOR_DATA", str(folder))
    assert data_dir() == folder.resolve()
    assert load_data()["series"].tolist() == ["only_here"]
    monkeypatch.delenv("TWOSECTOR_DATA")
    assert data_dir() == REPO_DATA.resolve()


def test_cache_returns_copies_and_sees_edits(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    path = _write(folder, "x.csv", ["x,2022,1,%,P,page,yes,latest,"])
    first = load_data(folder)
    first.loc[0, "value"] = 99.0
    assert load_data(folder)["value"].tolist() == [1.0]  # callers cannot corrupt the cache
    path.write_text(f"{HEADER}\nx,2022,2.5,%,P,page,yes,latest,\n", encoding="utf-8")
    assert load_data(folder)["value"].tolist() == [2.5]  # a changed file is re-read


def test_data_summary_counts(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    _write(folder, "x.csv", [
        "x,2023,1,%,P,page1,yes,first,",
        "x,2022,2,%,P,page2,memory,latest,",
        "x,2023,3,%,Q,page1,derived,revised,",
        "y,2022-05,4,% y/y,P,page1,yes,latest,",
    ])
    table = data_summary(folder)
    assert list(table.index) == ["x", "y"]
    x = table.loc["x"]
    assert (x["freq"], x["first"], x["last"], x["n_obs"], x["unit"]) == ("Y", "2022", "2023", 3, "%")
    assert (x["n_sources"], x["yes"], x["memory"], x["derived"]) == (2, 1, 1, 1)
    assert x["vintages"] == "first,revised,latest"
    assert table.loc["y", "freq"] == "M"


def test_data_summary_covers_required_ids() -> None:
    table = data_summary()
    assert set(REQUIRED_IDS) <= set(table.index)
    assert (table["n_sources"] >= 1).all()
    key = table.loc["key_rate_q"]  # a derived series: every row is flagged derived
    assert key["derived"] == key["n_obs"] > 0 and key["yes"] == key["memory"] == 0


def test_series_cache_returns_independent_copies() -> None:
    first = series("defence_spending")
    value, unit = float(first.iloc[0]), first.attrs["unit"]
    first.iloc[0] = -1.0
    first.attrs["unit"] = "changed"
    again = series("defence_spending")
    assert again.iloc[0] == value and again.attrs["unit"] == unit


def test_impossible_date_and_byte_order_mark(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    path = _write(folder, "k.csv", ["k,2022-02-28,20,%,Bank of Russia,page,yes,latest,"])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # saved by a spreadsheet: BOM before the header
    assert load_data(folder)["series"].tolist() == ["k"]
    _write(folder, "k.csv", ["k,2022-02-30,20,%,Bank of Russia,page,yes,latest,"])
    with pytest.raises(DataError, match=r"^data/k\.csv, line 2, column 'period': '2022-02-30' is not a period"):
        load_data(folder)


def test_header_only_and_non_utf8_files(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    _write(folder, "empty.csv", [])
    with pytest.raises(DataError, match="no observations"):
        load_data(folder)
    body = HEADER.encode() + b"\n" + b"x,2022,1,%,P,page,yes,latest,\n" * 400 + b"x,2023,1,%,P,Stra\xdfe,yes,latest,\n"
    (folder / "empty.csv").write_bytes(body)  # past the text reader's first buffer: its offset is not the file's
    position = body.index(b"\xdf")
    with pytest.raises(DataError) as exc:
        load_data(folder)
    assert str(exc.value) == (f"data/empty.csv: not UTF-8 text (byte 0xdf at position {position}, line 402); save "
                              "the file as UTF-8 CSV")


# --- forecast vintages (data/forecasts/, load_forecasts) ----------------------------------------------------

FORECAST_HEADER = "forecaster,release,published,variable,target_year,value,low,high,unit,source_page,verified,note"


def test_shipped_forecasts_follow_the_cutoff_rule_and_name_resolvable_outcomes() -> None:
    f = load_forecasts()
    assert len(f) >= 40 and set(f["target_year"]) == {2023, 2024}
    deadline = pd.to_datetime([f"{y - 1}-12-31" for y in f["target_year"]])
    assert (f["published_by"].to_numpy() <= deadline.to_numpy()).all()
    assert set(f["unit"]) <= set(UNITS)
    ranges = f[f["is_range"]]
    assert not ranges.empty and np.allclose(ranges["value"], (ranges["low"] + ranges["high"]) / 2)
    points = f[~f["is_range"]]
    assert (points["low"] == points["value"]).all() and (points["high"] == points["value"]).all()
    missing = set()
    for row in f[f["outcome_series"] != ""].itertuples():
        s = series(row.outcome_series)
        assert s.attrs["unit"] == row.unit, row.variable
        if s.attrs["vintages"].get(row.outcome_period, "plan") == "plan":  # a plan is not an outcome
            missing.add((row.outcome_series, row.outcome_period))
    # the data set has no 2023 nominal GDP (a known gap; the 2023 budget law's assumption is a plan row)
    assert missing == {("gdp_nominal", "2023")}


def test_forecast_outcomes_match_the_supplement() -> None:
    y = lambda year: pd.Period(str(year), freq="Y")  # noqa: E731
    assert series("key_rate_avg")[y(2023)] == 9.95 and series("key_rate_avg")[y(2024)] == 17.50
    assert series("gdp_growth", "first")[y(2023)] == 3.6 and series("gdp_growth", "revised")[y(2022)] == -1.2
    assert round(series("cpi_dec")[y(2023)], 1) == 7.4 and round(series("cpi_dec")[y(2022)], 1) == 11.9
    f = load_forecasts()
    imf = f[(f["forecaster"] == "IMF") & (f["target_year"] == 2024)].iloc[0]
    assert (imf["variable"], imf["value"], imf["published"]) == ("gdp_growth", 1.1, "2023-10-10")
    cbr = f[(f["release"] == "medium-term forecast 27 Oct 2023") & (f["variable"] == "key_rate_avg")].iloc[0]
    assert (cbr["low"], cbr["high"], cbr["value"]) == (12.5, 14.5, 13.5)
    assert series(cbr["outcome_series"])[y(cbr["target_year"])] > cbr["high"]  # the rate ended far above the range


def test_load_data_does_not_read_the_forecasts_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    _write(folder, "x.csv", ["x,2022,1,%,P,page,yes,latest,"])
    (folder / "forecasts").mkdir()
    (folder / "forecasts" / "f.csv").write_text("not,a,data,file\n", encoding="utf-8")
    assert load_data(folder)["series"].tolist() == ["x"]
    assert "forecaster" not in load_data().columns


def _forecasts(tmp_path: Path, *rows: str) -> str:
    folder = tmp_path / "data"
    (folder / "forecasts").mkdir(parents=True, exist_ok=True)
    (folder / "forecasts" / "f.csv").write_text("\n".join([FORECAST_HEADER, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_forecasts(folder)
    return str(info.value)


GOOD = "IMF,WEO Oct 2023,2023-10-10,gdp_growth,2024,1.1,,,% y/y,page,yes,"


@pytest.mark.parametrize(("row", "expected"), [
    ("IMF,WEO,2023-13-01,gdp_growth,2024,1.1,,,% y/y,page,yes,",
     "line 2, column 'published': '2023-13-01' is not a date; "
     "allowed: 2023-10-27, 2023-10 (month known) or 2023 (year known)"),
    ("IMF,WEO,2023-10,gdp_grwth,2024,1.1,,,% y/y,page,yes,",
     "line 2, column 'variable': unknown variable 'gdp_grwth'. Did you mean 'gdp_growth'"),
    ("IMF,WEO,2024-01-15,gdp_growth,2024,1.1,,,% y/y,page,yes,",
     "line 2, column 'published': '2024-01-15' is not before the target year 2024; "
     "a forecast must be published by 2023-12-31"),
    ("IMF,WEO,2023,gdp_growth,24,1.1,,,% y/y,page,yes,", "line 2, column 'target_year': '24' is not a year"),
    ("IMF,WEO,2023,gdp_growth,2024,1.1,0.5,,% y/y,page,yes,",
     "line 2, column 'low': give either a point forecast in 'value' or a range in 'low' and 'high', not both"),
    ("IMF,WEO,2023,gdp_growth,2024,,0.5,,% y/y,page,yes,", "line 2, column 'high': is empty but 'low' is given"),
    ("IMF,WEO,2023,gdp_growth,2024,,,,% y/y,page,yes,", "line 2, column 'value': is empty and so are 'low' and 'high'"),
    ("IMF,WEO,2023,gdp_growth,2024,,1.5,0.5,% y/y,page,yes,", "line 2, column 'low': '1.5' is above 'high' '0.5'"),
    ("IMF,WEO,2023,gdp_growth,2024,one,,,% y/y,page,yes,", "line 2, column 'value': 'one' is not a number"),
    ("IMF,WEO,2023,gdp_growth,2024,1.1,,,%,page,yes,",
     "line 2, column 'unit': '%' is not the unit of variable 'gdp_growth'; allowed: '% y/y'"),
    ("IMF,WEO,2023,gdp_growth,2024,1.1,,,% y/y,page,maybe,", "line 2, column 'verified': 'maybe' is not allowed"),
    ("IMF,WEO,2023,gdp_growth,2024,1.1,,,% y/y,,yes,", "line 2, column 'source_page': is empty"),
    (",WEO,2023,gdp_growth,2024,1.1,,,% y/y,page,yes,", "line 2, column 'forecaster': is empty"),
])
def test_forecast_loader_rejects_a_bad_row(tmp_path: Path, row: str, expected: str) -> None:
    msg = _forecasts(tmp_path, GOOD.replace("WEO Oct 2023", "other"), row)
    assert msg.startswith("data/forecasts/f.csv, " + expected.replace("line 2", "line 3"))


def test_forecast_loader_rejects_duplicates_and_missing_columns(tmp_path: Path) -> None:
    msg = _forecasts(tmp_path, GOOD, GOOD)
    assert msg.startswith(
        "data/forecasts/f.csv, line 3, column 'variable': duplicate forecast (IMF, WEO Oct 2023, gdp_growth, 2024)")
    assert "already at data/forecasts/f.csv, line 2" in msg
    folder = tmp_path / "data" / "forecasts"
    (folder / "f.csv").write_text(FORECAST_HEADER.replace(",unit", "") + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"^data/forecasts/f\.csv, line 1, column 'unit': missing from the header"):
        load_forecasts(tmp_path / "data")
    (folder / "f.csv").unlink()
    folder.rmdir()
    with pytest.raises(DataError, match="forecasts folder .* does not exist"):
        load_forecasts(tmp_path / "data")


def test_forecast_loader_reads_a_good_file(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "forecasts"
    folder.mkdir(parents=True)
    ranged = "CBR,MTF,2023-10,key_rate_avg,2024,,12.5,14.5,%,page,yes,range"
    (folder / "f.csv").write_text("\n".join([FORECAST_HEADER, GOOD, ranged]) + "\n", encoding="utf-8")
    f = load_forecasts(tmp_path / "data")
    assert f["value"].tolist() == [1.1, 13.5] and f["is_range"].tolist() == [False, True]
    assert f["published_by"].dt.strftime("%Y-%m-%d").tolist() == ["2023-10-10", "2023-10-31"]
    assert f[["outcome_series", "outcome_period"]].values.tolist() == [["gdp_growth", "2024"], ["key_rate_avg", "2024"]]
    assert f["line"].tolist() == [2, 3]


def test_a_folder_named_csv_in_a_data_folder_is_called_a_folder(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(REPO_DATA, folder)
    (folder / "sub.csv").mkdir()
    with pytest.raises(DataError) as exc:
        load_data(folder)
    assert str(exc.value) == (f"sub.csv: a folder named *.csv in the data folder {str(folder)!r}; allowed: regular "
                              "CSV files only")


@pytest.mark.parametrize("where", ["pipe.csv", "forecasts/pipe.csv"])
def test_a_pipe_named_csv_in_a_data_folder_is_one_error_not_a_hang(tmp_path, where):
    import os

    folder = tmp_path / "data"
    shutil.copytree(REPO_DATA, folder)
    os.mkfifo(folder / where)  # reading it would block forever
    with pytest.raises(DataError, match=r"pipe\.csv: not a regular file .* allowed: regular CSV files only"):
        load_forecasts(folder) if where.startswith("forecasts") else load_data(folder)
