"""Tests of the derived exogenous inputs: GDP deflator (nominal anchor), fiscal shares, NWF observations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import twosector
from twosector import exog
from twosector.data import series
from twosector.errors import DataError, ScenarioError


def _annual(name: str) -> dict[int, float]:
    """Published outcomes by year (budget-law plans of later years are not outcomes)."""
    s = series(name)
    return {p.year: float(v) for p, v in s.items() if s.attrs["vintages"][str(p)] != "plan"}


def test_deflator_path_reproduces_the_published_nominal_gdp_and_deflator_growth() -> None:
    d = exog.deflator_path()
    d = {p.year: v for p, v in d.items()}
    nominal, growth, defl = _annual("gdp_nominal"), _annual("gdp_growth"), _annual("gdp_deflator_growth")
    assert d[2021] == 1.0
    assert d[2022] == pytest.approx(1 + defl[2022] / 100)
    assert d[2024] / d[2023] == pytest.approx(1 + defl[2024] / 100)
    # nominal = 2021 nominal x real index x deflator, for every published year
    n21 = nominal[2022] / ((1 + growth[2022] / 100) * (1 + defl[2022] / 100))
    real24 = np.prod([1 + growth[y] / 100 for y in (2022, 2023, 2024)])
    assert n21 * real24 * d[2024] == pytest.approx(nominal[2024])
    assert n21 / (1 + growth[2021] / 100) * d[2020] == pytest.approx(nominal[2020])


def test_baseline_nominal_gdp_is_anchored_to_the_data() -> None:
    out = twosector.simulate("baseline")
    annual = out["nominal_gdp"].groupby(out.index.year).sum()
    nominal = _annual("gdp_nominal")
    for year in (2022, 2024):  # the remaining gap is the model's real-GDP error (a few %)
        assert annual[year] == pytest.approx(nominal[year], rel=0.03)
    # after the history the wedge is held: nominal GDP grows with real GDP x CPI. Up to the rescaling of the
    # indices after the run: the engine's nominal GDP weights the sectors' unscaled indices, whose 2021 means
    # differ (the military one by ~6%), so the ratio drifts a little as the military share changes
    p = out["price_level"]
    g = out["gdp"]
    ratio = out["nominal_gdp"] / (g * p)
    assert np.allclose(ratio.loc["2025Q1":], ratio.loc["2025Q1"], rtol=5e-3)
    assert not np.allclose(ratio.loc["2021Q1":"2024Q4"], ratio.loc["2024Q4"], rtol=1e-2)


def test_fiscal_shares_follow_the_budget_data_in_history_and_the_budget_law_after() -> None:
    spending, revenue = _annual("federal_spending"), _annual("federal_revenue")
    balance, balance_gdp = _annual("budget_balance"), _annual("budget_balance_gdp")
    oil, nominal = _annual("oil_gas_revenue"), _annual("gdp_nominal")
    defence = exog.military_expenditure()
    gdp23 = 100 * balance[2023] / balance_gdp[2023]
    shares = exog.fiscal_shares()
    assert shares.loc[2023, "non_oil_revenue_gdp"] == pytest.approx(100 * (revenue[2023] - oil[2023]) / gdp23)
    assert shares.loc[2024, "non_oil_revenue_gdp"] == pytest.approx(
        100 * (spending[2024] + balance[2024] - oil[2024]) / nominal[2024])
    other = 100 * (spending[2024] - defence[2024]) / nominal[2024]
    assert shares.loc[2024, "other_spending_gdp"] == pytest.approx(other)

    p = twosector.default_params()
    # the non-oil tax rate is the mean of the two data years (its catalogue source), up to rounding
    assert p["non_oil_tax_rate"] == pytest.approx(shares.loc[[2023, 2024], "non_oil_revenue_gdp"].mean(), abs=0.01)
    out = twosector.simulate("baseline")
    yearly = out[["non_oil_revenue", "nominal_gdp", "spending", "defence_spending"]].groupby(out.index.year).sum()
    non_oil = 100 * yearly["non_oil_revenue"] / yearly["nominal_gdp"]
    package = series("tax_package_revenue_gdp", vintage="plan")[pd.Period("2025", freq="Y")]
    assert np.allclose(non_oil.loc[:2024], p["non_oil_tax_rate"])  # the rate on nominal GDP, every quarter
    assert np.allclose(non_oil.loc[2025:], p["non_oil_tax_rate"] + package)  # plus the 2024 tax package
    hi = twosector.simulate("baseline", {"non_oil_tax_rate": 14.0})
    assert (hi["non_oil_revenue"] > out["non_oil_revenue"]).all()
    # non-defence spending incl. interest: the data share in history (set on the nominal GDP expected for the
    # quarter, so it matches the data up to the forecast error of nominal growth), the 2025 law in trn RUB,
    # then primary spending held as a share of GDP (interest moves with the debt)
    other = 100 * (yearly["spending"] - yearly["defence_spending"]) / yearly["nominal_gdp"]
    for year in (2023, 2024):
        assert abs(other[year] - shares.loc[year, "other_spending_gdp"]) < 0.3
    total = series("federal_spending", vintage="plan")[pd.Period("2025", freq="Y")]
    spent = yearly["spending"] - yearly["defence_spending"]
    assert spent[2025] == pytest.approx(total - defence[2025], abs=0.3)  # the law's total is kept
    assert other.loc[2027:].max() - other.loc[2027:].min() < 0.2


def test_nwf_history_passes_through_the_observations_and_other_flows_stop_after() -> None:
    obs = exog.nwf_observations()
    stock, change = series("nwf_liquid"), series("nwf_liquid_change")
    assert obs[pd.Period("2024Q4", freq="Q")] == pytest.approx(float(stock.iloc[-1]))
    assert obs[pd.Period("2023Q4", freq="Q")] == pytest.approx(float(stock.iloc[-1]) - float(change.iloc[-1]))
    out = twosector.simulate("baseline")
    for q, value in obs.items():
        assert out.loc[q, "nwf_liquid"] == pytest.approx(value)
    assert (out.loc[:"2021Q4", "nwf_other_flows"] == 0).all()
    assert (out.loc["2025Q1":, "nwf_other_flows"] == 0).all()
    # in projection the draw is the documented share of the deficit while the stock lasts
    p = twosector.param_table()["value"]
    proj = out.loc["2025Q1":"2025Q4"]
    assert np.allclose(proj["nwf_draw"], p["nwf_draw_share"] * np.maximum(-proj["budget_balance"], 0))


@pytest.mark.parametrize("cut", ["2022Q4", "2023Q4", "2024Q2"])
def test_derived_inputs_take_no_data_after_end_history(monkeypatch: pytest.MonkeyPatch, cut: str) -> None:
    q = pd.Period(cut, freq="Q")
    honest = exog.paths(end_history=cut)
    original = exog._series

    def truncated(name: str, vintage: str = "latest", path=None) -> pd.Series:
        s = original(name, vintage, path)
        return s if vintage == "plan" else s[[p.end_time <= q.end_time for p in s.index]]

    monkeypatch.setattr(exog, "_series", truncated)
    exog._paths.cache_clear()
    try:
        blind = exog.paths(end_history=cut)
    finally:
        exog._paths.cache_clear()
    pd.testing.assert_frame_equal(honest, blind)
    # nothing from 2024 is known at 2023Q4: no NWF anchor, the deflator stops at 2022
    assert (honest["nwf_quarters_left"] == 0).all()
    assert (honest.loc["2023Q1":, "nominal_anchor"] == 0).all()


def test_oil_revenue_is_volume_times_the_realised_urals_price_times_the_ruble() -> None:
    out = twosector.simulate("baseline")
    # a lower Urals price in 2023-2024 (history: the ruble is the data) and from 2026 (projection: the ruble rule)
    x = exog.paths()
    low = x.copy()
    low.loc["2023Q1":"2024Q4", "urals_price"] *= 0.9
    low.loc["2026Q1":, "urals_price"] *= 0.9
    cheap = twosector.simulate("baseline", exog=low)
    ratio = cheap["oil_gas_revenue"] / out["oil_gas_revenue"]
    assert np.allclose(ratio.loc[:"2022Q4"], 1.0)
    assert np.allclose(ratio.loc["2023Q1":"2024Q4"], 0.9)  # in proportion
    # in projection the ruble weakens with the oil price (fx_oil_elasticity) and cushions the revenue in rubles
    assert ((ratio.loc["2026Q1":] > 0.9 + 1e-3) & (ratio.loc["2026Q1":] < 1.0)).all()
    assert (cheap.loc["2026Q1":, "usd_rub"] > out.loc["2026Q1":, "usd_rub"]).all()
    # the price cap (a wider discount) lowers the realised price, in history too
    capped = twosector.simulate({"levers": {"oil_price_cap": {"intensity": 20, "start": "2023Q1"}}})
    assert (capped.loc["2023Q1":"2024Q4", "oil_gas_revenue"] < out.loc["2023Q1":"2024Q4", "oil_gas_revenue"]).all()


def _passed_4q(out: pd.DataFrame, p: pd.Series) -> pd.Series:
    """[P3]-[P4] the sanctions cost passed into prices over the last four quarters (% per year, summed)."""
    return (p["markup_pass_through"] * out["sanctions_cost"]).rolling(4, min_periods=1).sum()


def _rule_inflation(out: pd.DataFrame, p: pd.Series, share: pd.Series | float | None = None) -> pd.Series:
    """[R1] y/y CPI less the share of the sanctions' first-round effect looked through (default: credibility's)."""
    if share is None:
        share = out["credibility"] / p["credibility_max"]
    return 100 * ((1 + out["cpi_inflation"] / 100) * np.exp(-share * _passed_4q(out, p) / 400) - 1)


def _taylor(out: pd.DataFrame, p: pd.Series, t: pd.Period) -> float:
    """[R1]-[R2] without conditioning: the smoothed rule from last quarter's key rate."""
    pi4, gap = _rule_inflation(out, p)[t], out.loc[t, "demand_gap"]
    i_star = (p["neutral_real_rate"] + pi4 + p["taylor_inflation"] * (pi4 - p["inflation_target"])
              + p["taylor_gap"] * gap)
    rule = p["taylor_smoothing"] * out.loc[t - 1, "key_rate"] + (1 - p["taylor_smoothing"]) * i_star
    return max(p["key_rate_floor"], rule)


def test_the_rule_with_its_look_through_reproduces_the_2022_cuts() -> None:
    # [R1] the Bank of Russia cut from 20% to 7.5% (Apr-Sep 2022) while CPI y/y stayed at 14-17%: the rule, run one
    # quarter at a time from the observed rate, follows it only if it looks through the sanctions markup's
    # first-round effect (the estimation sample 2023Q1-2024Q4 has a constant markup and cannot tell)
    from twosector.params import default_params

    p = default_params()
    out = twosector.simulate("baseline")
    window = pd.period_range("2022Q2", "2023Q1", freq="Q")

    def miss(share: pd.Series | float | None) -> float:
        pi = _rule_inflation(out, p, share)
        i_star = (p["neutral_real_rate"] + pi + p["taylor_inflation"] * (pi - p["inflation_target"])
                  + p["taylor_gap"] * out["demand_gap"])
        rule = p["taylor_smoothing"] * out["key_rate"].shift(1) + (1 - p["taylor_smoothing"]) * i_star
        return float(np.sqrt(((rule - out["key_rate"])[window] ** 2).mean()))

    looked = miss(None)
    assert looked < 2.5  # pp, root mean square over the four quarters
    assert miss(0.0) > 2.5 * looked  # answering headline inflation would have kept the rate near 15-20%


def test_key_rate_follows_the_data_in_history_and_the_taylor_rule_before_and_after() -> None:
    from twosector.params import default_params

    p = default_params()
    data = series("key_rate_q")
    out = twosector.simulate("baseline")
    # history with data (2022Q1-2024Q4): the observed quarterly averages, incl. the 2022 emergency hike
    assert np.allclose(out.loc[data.index, "key_rate"].to_numpy(), data.to_numpy())
    assert out.loc["2022Q2", "key_rate"] > out.loc["2021Q4", "key_rate"] + 4
    # before the data and after end_history: the rule, starting in 2025Q1 from the last observed rate
    for t in [*pd.period_range("2019Q2", "2021Q4", freq="Q"), *pd.period_range("2025Q1", "2026Q4", freq="Q")]:
        assert out.loc[t, "key_rate"] == pytest.approx(_taylor(out, p, t)), str(t)
    assert out.loc["2025Q1", "key_rate"] != pytest.approx(data.iloc[-1])


@pytest.mark.parametrize("cut", ["2023Q4", "2024Q2"])
def test_paths_know_no_key_rate_after_the_cutoff(cut: str) -> None:
    q = pd.Period(cut, freq="Q")
    honest = exog.paths(end_history=cut)
    assert (honest.loc[honest.index > q, "rate_anchor"] == 0).all()
    assert (honest.loc["2022Q1":cut, "rate_anchor"] == 1).all()


def test_paths_need_a_known_budget() -> None:
    # at end-2021 the 2021 outturn is known but not yet the nominal GDP to take its share of, and no budget law
    # in the data set: a clear error, not a guess
    with pytest.raises(twosector.errors.DataError, match=r"end_history '2021Q4'.*allowed: 2022Q4 or later"):
        exog.paths(end_history="2021Q4")


@pytest.mark.parametrize("cut", ["2022Q4", "2023Q1", "2023Q2", "2023Q3"])
def test_from_end_2022_the_2023_budget_law_applies_and_plans_are_not_observations(cut: str) -> None:
    # a cut-off within 2023 knows the law adopted in December 2022 and not yet the 2023 outturn (the mid-year
    # cut-offs of the backtest held defence at its 2022 share of GDP instead)
    x = exog.paths(end_history=cut, end="2024Q4")
    law = {n: series(n, vintage="plan")[pd.Period("2023", freq="Y")]
           for n in ("federal_spending", "gdp_nominal")}
    # the 2023 law's defence chapter scaled to military expenditure by the 2022 ratio (SIPRI / chapter)
    y22 = pd.Period("2022", freq="Y")
    ratio = series("milex_sipri_usd")[y22] * series("usd_rub_y")[y22] / 1000 / series("defence_spending")[y22]
    law["defence_spending"] = series("defence_spending", vintage="plan")[pd.Period("2023", freq="Y")] * ratio
    assert exog.military_expenditure(cut)[2023] == pytest.approx(law["defence_spending"])
    y23 = x.loc["2023"]
    assert y23["defence_spending"].sum() == pytest.approx(law["defence_spending"])
    assert np.allclose(y23["other_spending_law"], (law["federal_spending"] - law["defence_spending"]) / 4)
    assert np.allclose(y23["other_spending_gdp"],
                       100 * (law["federal_spending"] - law["defence_spending"]) / law["gdp_nominal"])
    assert (y23[["defence_plan", "spending_plan"]] == 1).all().all()
    assert (x.loc["2024", ["defence_plan", "spending_plan"]] == 0).all().all()  # no 2024 law known yet
    # the law's 2023 nominal GDP is a plan: the deflator known at end-2023 is not derived from it
    assert series("gdp_nominal").attrs["vintages"]["2023"] == "plan"
    assert exog.deflator_path("2023Q4").index.max() == pd.Period("2022", freq="Y")


@pytest.mark.parametrize("cut", ["2022Q4", "2023Q2"])
def test_key_rate_is_conditioned_only_up_to_the_cutoff(cut: str) -> None:
    from twosector.params import default_params

    q = pd.Period(cut, freq="Q")
    p = default_params()
    x = exog.paths(end="2030Q4")
    # the backtest's switch on the full-data paths: the rule after the cut-off, data up to it
    cond = exog.condition_rate(x, cut)
    out = twosector.simulate("baseline", exog=cond, end="2024Q4")
    data = series("key_rate_q")
    known = data[data.index <= q]
    assert np.allclose(out.loc[known.index, "key_rate"].to_numpy(), known.to_numpy())
    for t in pd.period_range(q + 1, q + 4, freq="Q"):
        assert out.loc[t, "key_rate"] == pytest.approx(_taylor(out, p, t)), str(t)
    # later key-rate data cannot leak into the conditioned forecast
    shocked = x.copy()
    shocked.loc[shocked.index > q, "key_rate_data"] += 10.0
    again = twosector.simulate("baseline", exog=exog.condition_rate(shocked, cut), end="2024Q4")
    pd.testing.assert_frame_equal(out, again)
    # ... while it does move the unconditioned run (the control)
    moved = twosector.simulate("baseline", exog=shocked, end="2024Q4")
    assert not np.allclose(moved["key_rate"].to_numpy(), out["key_rate"].to_numpy())
    with pytest.raises(twosector.errors.ScenarioError, match="end_history"):
        exog.condition_rate(x, "soon")


def test_paths_follow_the_data_folder_in_use(doubled_data, monkeypatch: pytest.MonkeyPatch) -> None:
    # the cache of paths() is keyed on the data folder and its files: another folder gives its own paths
    before = exog.paths(end="2025Q4")
    folder = doubled_data("ruble.csv", "usd_rub_q", "2023Q2")
    monkeypatch.setenv("TWOSECTOR_DATA", str(folder))
    after = exog.paths(end="2025Q4")
    assert after.columns[(after != before).any()].tolist() == ["usd_rub"]
    assert after.loc["2023Q2", "usd_rub"] == pytest.approx(2 * before.loc["2023Q2", "usd_rub"])
    monkeypatch.delenv("TWOSECTOR_DATA")
    pd.testing.assert_frame_equal(exog.paths(end="2025Q4"), before)


@pytest.mark.parametrize("func", [exog.deflator_path, exog.nwf_observations, exog.fiscal_shares])
def test_a_bad_cut_off_quarter_is_one_clear_error(func) -> None:
    with pytest.raises(ScenarioError, match=rf"^exog\.{func.__name__}: end_history: '2024Q9' is not a quarter; "
                       r"allowed: text like '2025Q2'"):
        func("2024Q9")


def test_military_expenditure_is_sipris_total_in_rubles_and_scales_the_budget_laws() -> None:
    milex = exog.military_expenditure()
    usd, fx, chapter = series("milex_sipri_usd"), series("usd_rub_y"), series("defence_spending")
    growth, cpi = series("milex_sipri_growth"), series("cpi_yoy_q")
    year = lambda y: pd.Period(str(y), freq="Y")  # noqa: E731
    # the latest edition's figure: SIPRI converts at the year's average rate, inverted here
    assert milex[2024] == pytest.approx(usd[year(2024)] * fx[year(2024)] / 1000)
    assert milex.index.min() == 2021  # earlier dollar figures are not used
    # one series: each year's nominal growth is SIPRI's real growth times the average CPI inflation
    for y in (2022, 2023, 2024):
        average_cpi = cpi[cpi.index.year == y].mean()
        assert milex[y] / milex[y - 1] == pytest.approx((1 + growth[year(y)] / 100) * (1 + average_cpi / 100))
    # the splice agrees with the 2024 edition's own 2023 level, while the 2023 edition's 2022 level is far
    # below it: SIPRI revised the earlier years (the reason for the splice)
    assert milex[2023] == pytest.approx(usd[year(2023)] * fx[year(2023)] / 1000, rel=0.02)
    assert usd[year(2022)] * fx[year(2022)] / 1000 < 0.9 * milex[2022]
    # wider than the "National defence" chapter, steadier (the chapter more than doubles in 2024)
    assert (milex[[2022, 2023, 2024]].to_numpy() > chapter[[year(y) for y in (2022, 2023, 2024)]].to_numpy()).all()
    assert milex[2024] / milex[2023] < chapter[year(2024)] / chapter[year(2023)]
    # plan years: the law's chapter times the ratio of the last year with both
    plan = series("defence_spending", vintage="plan")
    for y in (2025, 2026, 2027):
        assert milex[y] == pytest.approx(plan[year(y)] * milex[2024] / chapter[year(2024)])


@pytest.mark.parametrize(("cut", "error", "match"), [
    ("2025Q1", ScenarioError, r"end_history 2025Q1 is after the end of the data \(2024Q4\).*up to 2024Q4"),
    ("2019Q4", DataError, r"no defence figure is known by end_history 2019Q4.*first is for 2021\); allowed: 2021Q4"),
])
def test_a_cut_off_outside_the_data_is_a_clear_error(cut: str, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        exog.military_expenditure(cut)
    with pytest.raises(error, match=match if error is ScenarioError else "no defence figure"):
        exog.paths(end_history=cut)


def test_negative_flows_of_people_are_refused() -> None:
    x = exog.paths(end="2030Q4")
    x.loc["2025Q1":, "contract_recruits"] = -0.1
    with pytest.raises(ScenarioError, match=r"'contract_recruits' has negative values \(first at 2025Q1, -0.1\); "
                                            r"allowed: >= 0 \(mn persons per quarter\)"):
        exog.validate_exog(x, pd.Period("2030Q4", freq="Q"))
