"""Tests of the data set and its loader (twosector.data)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from twosector import cli
from twosector.data import UNITS, VERIFIED, VINTAGES, data_dir, data_summary, load_data, series
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
    # derived quarterly
    "key_rate_q", "cpi_yoy_q", "unemployment_q", "defence_spending_q",
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
    assert len(memory) >= 10  # the fact base has memory figures (usd_rub, urals 2021, ...): they must stay flagged
    assert memory["source_page"].str.contains("memory").all()
    usd = data[data["series"] == "usd_rub"]
    assert (usd["verified"] == "memory").all()


def test_required_series_present(data: pd.DataFrame) -> None:
    missing = sorted(set(REQUIRED_IDS) - set(data["series"]))
    assert not missing


def test_nothing_after_cutoff_unless_plan(data: pd.DataFrame) -> None:
    ends = pd.Series([pd.Period(p, freq=f).end_time for p, f in zip(data["period"], data["freq"])], index=data.index)
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
    assert series("key_rate").iloc[-1] == 21.0
    assert series("key_rate").max() == 21.0
    assert series("milex_sipri_gdp")[pd.Period("2024", freq="Y")] == pytest.approx(7.1)
    u = series("unemployment")
    assert u[pd.Period("2021", freq="Y")] > u[pd.Period("2023", freq="Y")] > u[pd.Period("2024", freq="Y")]
    gdp_q = series("gdp_growth_q")
    assert gdp_q.idxmin() == pd.Period("2022Q2", freq="Q")


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
    assert series("gdp_growth")[y2022] == pytest.approx(-1.2)
    assert series("gdp_growth", vintage="first")[y2022] == pytest.approx(-2.1)
    assert series("gdp_growth", vintage="revised")[y2022] == pytest.approx(-1.2)
    defence = series("defence_spending")
    assert defence.attrs["vintages"]["2024"] == "latest"  # an outcome beats the plan ...
    assert defence.attrs["verified"]["2024"] == "memory"  # ... and keeps its flag
    assert defence.attrs["vintages"]["2025"] == "plan"  # a plan is used only where no outcome exists
    assert series("defence_spending", vintage="plan")[pd.Period("2024", freq="Y")] == pytest.approx(10.78)


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
    assert msg.startswith("data/prices.csv, line 6, column 'period': duplicate observation (cpi_dec, 2020, vintage latest)")
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


# --- location, cache, summary, CLI ---------------------------------------------------------------------


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
    assert (table.loc["key_rate_q", ["derived", "yes", "memory"]].tolist()) == [12, 0, 0]


def test_cli_data_lists_series(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["data"]) == 0
    out = capsys.readouterr().out
    for name in REQUIRED_IDS:
        assert f"\n{name} " in out, name


def test_series_cache_returns_independent_copies() -> None:
    first = series("defence_spending")
    first.iloc[0] = -1.0
    first.attrs["unit"] = "changed"
    again = series("defence_spending")
    assert again.iloc[0] == pytest.approx(3.57)
    assert again.attrs["unit"] == "trn RUB"


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
    (folder / "empty.csv").write_bytes(HEADER.encode() + b"\nx,2022,1,%,P,Stra\xdfe,yes,latest,\n")
    with pytest.raises(DataError, match=r"^data/empty\.csv: not UTF-8 text"):
        load_data(folder)
