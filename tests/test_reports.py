"""Report files: run results as JSON, the batch index page and results table, page templates."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import twosector
from twosector import cli, reports, tables
from twosector.variables import units

# key results of one scenario, as tables.key_results returns them
KEY = {"at": "2027Q4", "strain_index": 4.2, "strain_index_vs_baseline": 1.2, "output_civilian_vs_baseline_pct": -3.5,
       "output_military_vs_baseline_pct": -1.0, "civilian_real_income_vs_baseline_pct": -2.0, "cpi_inflation": 6.1,
       "key_rate": 15.0, "nwf_liquid": 3.3, "budget_balance_gdp": -2.5}


def test_write_results_json(tmp_path):
    assert reports.write_results("") is None
    path = reports.write_results(tmp_path / "r.json", scenario="x", definition={"levers": {}},
                                 key={"a": float("nan"), "b": np.float64(1.5)},
                                 parameters={"end": "2030Q4", "results_path": "r"})
    saved = json.loads(path.read_text())
    assert saved["key_results"] == {"a": None, "b": 1.5}
    assert saved["parameters"] == {"end": "2030Q4"}
    assert saved["data_vintage"].startswith("data to 2024Q4, sha256:")


def test_write_index_one_row_per_distinct_scenario_and_failures_listed(tmp_path):
    from twosector.batch import NOTEBOOK_DIR, Run

    runs = [Run("00_quickstart", NOTEBOOK_DIR / "00_quickstart.ipynb", {"scenario": "broad_front"}),
            Run("03_scenario-broad_front", NOTEBOOK_DIR / "03_scenario.ipynb", {"scenario": "broad_front"}),
            Run("03_scenario-custom", NOTEBOOK_DIR / "03_scenario.ipynb",
                {"scenario": "broad_front", "lever": "tech_controls"}),
            Run("03_scenario-typo", NOTEBOOK_DIR / "03_scenario.ipynb", {"scenario": "brod_front"})]
    chances = {"p_cpi_inflation_above_10": 0.99, "mc_draws": 100, "mc_implausible": 38}  # 03's Monte Carlo
    for run, levers, strain, base in ((runs[0], {"a": 1}, 1.0, None), (runs[1], {"a": 1}, 1.0, 0.96),
                                      (runs[2], {"a": 2}, 2.0, 0.93)):
        mc = {} if base is None else {**chances, "p_cpi_inflation_above_10_baseline": base}
        reports.write_results(tmp_path / "runs" / run.run_id / "results.json", scenario="broad_front",
                              definition={"name": "broad_front", "description": run.run_id, "levers": levers},
                              key={**KEY, "strain_index_vs_baseline": strain, **mc})
        (tmp_path / "runs" / run.run_id / "report.html").write_text("<html></html>")
    status = {r.run_id: {"status": "ok"} for r in runs[:3]}
    status["03_scenario-typo"] = {"status": "failed", "cell": 5, "error": "ScenarioError",
                                  "message": "unknown scenario 'brod_front' <script>alert(1)</script>"}
    index = reports.write_batch_index(tmp_path, runs, status).read_text()
    # the quickstart ran the same levers as 03_scenario-broad_front: one summary row, linking 03's report; the
    # changed-lever run kept the name, so each row says its run
    names = re.findall(r"<tr><td class='l'>([^<]*)</td>", index.split("<h2>Runs</h2>")[0])
    assert names[1:] == ["broad_front (03_scenario-broad_front)", "broad_front (03_scenario-custom)"]
    assert "href='runs/03_scenario-broad_front/report.html'" in index
    assert "href='runs/03_scenario-custom/report.html'" in index
    # every value is HTML-escaped by the template (autoescape): text from a run cannot inject markup
    assert "ScenarioError: unknown scenario &#39;brod_front&#39; &lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert "<script>alert" not in index
    # 38 of 100 draws implausible: the share shown, and the bounds over all draws (0.99 x 62/100, that + 38/100)
    assert "CPI inflation above 10%: 99% [all draws 61-99%] (baseline 96%)" in index
    assert "62 of 100 draws used (38 implausible, 38%, left out; the [all draws] bounds count them" in index
    # level columns are labelled with the variable catalogue's units, differences with their "vs baseline" unit
    for name in ("key_rate", "nwf_liquid"):
        assert f"<th>{name} ({units()[name]})</th>" in index
    assert "<th>output_civilian (% vs baseline)</th>" in index and "<th>strain_index (points vs baseline)</th>" in index
    table = pd.read_csv(tmp_path / "results.csv")
    assert list(table["run_id"]) == [r.run_id for r in runs]
    assert table.set_index("run_id").loc["03_scenario-typo", "status"] == "failed"
    assert table["strain_index (points vs baseline)"].tolist()[:3] == [1.0, 1.0, 2.0]  # units in the headers
    assert "nwf_liquid (trn RUB, end of quarter)" in table and "strain_index_vs_baseline" not in table
    # the first row is the baseline: its own levels at the key quarter, 0 vs itself, no report
    row = re.search(r"<tr><td class='l'>baseline \(reference[^<]*</td>(.*?)</tr>", index).group(1)
    cells = re.findall(r"<td>([^<]*)</td>", row)
    base = twosector.simulate("baseline")
    at = KEY["at"]
    assert cells[0] == f"{base.loc[at, 'strain_index']:,.2f}" and cells[6] == f"{base.loc[at, 'nwf_liquid']:,.2f}"
    assert cells[1:4] == ["0.00", "0.00", "0.00"] and "href" not in row
    # Monte Carlo probabilities: the package's with the baseline's on the same draws and the draws counted;
    # the baseline row gives the baseline's range across the packages' draws
    assert cells[7].startswith("CPI inflation above 10%: 93-96% (on each package")
    assert names[0].startswith("baseline (reference")


def test_a_scenario_name_kept_by_a_run_with_other_parameters_is_told_apart_by_its_run_id(tmp_path):
    from twosector.batch import NOTEBOOK_DIR, Run

    # the grid of the review: 05_ceasefire with its own start and relief still calls its scenario 'ceasefire'
    runs = [Run("03_scenario-ceasefire", NOTEBOOK_DIR / "03_scenario.ipynb", {"scenario": "ceasefire", "draws": 0}),
            Run("cf26", NOTEBOOK_DIR / "05_ceasefire.ipynb", {"start": "2026Q1", "sanction_relief": 0.3})]
    for run, start, strain in ((runs[0], "2025Q3", -1.5), (runs[1], "2026Q1", -0.7)):
        reports.write_results(tmp_path / "runs" / run.run_id / "results.json", scenario="ceasefire",
                              definition={"name": "ceasefire", "levers": {"ceasefire": {"start": start}}},
                              key={**KEY, "strain_index_vs_baseline": strain})
    index = reports.write_batch_index(tmp_path, runs, {r.run_id: {"status": "ok"} for r in runs}).read_text()
    rows = re.findall(r"<tr><td class='l'>([^<]*)</td>(.*?)</tr>", index.split("<h2>Runs</h2>")[0])
    assert [(name, "-1.50" in cells) for name, cells in rows[1:]] == [("ceasefire (03_scenario-ceasefire)", True),
                                                                      ("ceasefire (cf26)", False)]
    assert '"ceasefire (cf26)"' in index  # the bar of the summary chart says the same


def test_pages_are_rendered_with_autoescape():
    page = reports.render("calibration_index.html.j2", end="2024Q4", n_set=12, facts_passed=3, facts_total=4,
                          claims_passed=2, claims_total=2, figures=["fit_<b>"],
                          estimates_table="<table>raw</table>", facts_table=reports._safe("<table>kept</table>"),
                          scoreboard_summary="", scoreboard_table="")
    assert "fit_&lt;b&gt;" in page and "<b>" not in page
    assert "&lt;table&gt;raw&lt;/table&gt;" in page  # plain text is escaped ...
    assert "<table>kept</table>" in page  # ... only fragments marked safe (pandas, plotly) pass as HTML


# ------------------------------------------------------------------------------- one number per quantity

@pytest.fixture(scope="module")
def broad_front_vs_baseline(tmp_path_factory) -> dict[str, dict[str, float]]:
    """Broad front vs baseline at 2027Q4 as the index, the report table, the CLI and the export show it."""
    from twosector.batch import NOTEBOOK_DIR, Run

    folder = tmp_path_factory.mktemp("one_number")
    result, base = twosector.simulate("broad_front"), twosector.simulate("baseline")
    # the index: the key results a notebook saves, shown by write_batch_index
    run = Run("03_scenario", NOTEBOOK_DIR / "03_scenario.ipynb", {"scenario": "broad_front"})
    reports.write_results(folder / "runs" / run.run_id / "results.json", scenario="broad_front",
                          definition={"name": "broad_front", "levers": {}}, key=tables.key_results(result, base))
    page = reports.write_batch_index(folder, [run], {run.run_id: {"status": "ok"}}).read_text()
    headers = re.findall(r"<th>([^<]*)</th>", page.split("<h2>Key results per scenario</h2>")[1].split("</tr>")[0])
    cells = re.findall(r"<td>([^<]*)</td>", page.split("<td class='l'>broad_front</td>")[1].split("</tr>")[0])
    index = {h: float(c.replace(",", "")) for h, c in zip(headers, cells, strict=True)}
    # the report's year-end table
    report = tables.changes(result, base).loc["2027Q4"].to_dict()
    # the command line's summary: the "vs baseline" row under each variable, 2027Q4 column
    lines = capsys_free_output(["simulate", "broad_front"])
    header = next(line for line in lines if "2027Q4" in line).split()
    printed, variable = {}, ""
    for line in lines:
        words = line.split()
        if words and words[0] in cli.SUMMARY_VARIABLES:
            variable = words[0]
        if "vs baseline (" in line and variable:
            unit = line.split("vs baseline (")[1].split(")")[0]
            printed[f"{variable} ({unit} vs baseline)"] = float(words[-len(header) + header.index("2027Q4")])
    # the export (XLSX), differences vs baseline
    target = folder / "broad_front.xlsx"
    assert cli.main(["simulate", "broad_front", "--out", str(target), "--values", "vs-baseline"]) == 0
    export = pd.read_excel(target, index_col=0).loc["2027Q4"].to_dict()
    return {"index": index, "report": report, "cli": printed, "export": export}


def capsys_free_output(argv: list[str]) -> list[str]:
    """The lines ``twosector <argv>`` prints (run in a child process: no pytest capture needed)."""
    done = subprocess.run([sys.executable, "-m", "twosector", *argv], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


@pytest.mark.parametrize("column", ["output_civilian (% vs baseline)", "output_military (% vs baseline)",
                                    "strain_index (points vs baseline)"])
def test_one_vs_baseline_number_in_index_report_cli_and_export(broad_front_vs_baseline, column):
    shown = {where: values[column] for where, values in broad_front_vs_baseline.items()}
    assert len({round(v, 2) for v in shown.values()}) == 1, shown
    assert shown["index"] != 0.0


# ------------------------------------------------------------------------------- plain words, report tables

@pytest.fixture(scope="module")
def runs() -> dict[str, pd.DataFrame]:
    return {name: twosector.simulate(name) for name in ("baseline", "input_sanctions", "skilled_emigration")}


def test_summary_box_is_generated_from_the_results(runs):
    scenario = twosector.load_scenario("input_sanctions")
    summary = reports.scenario_summary(scenario, runs["input_sanctions"], runs["baseline"], at="2027Q4")
    assert list(summary.sections)[:3] == ["What the package does", "Through which channels",
                                          "Main results (vs baseline: % for levels and indices, pp for rates, "
                                          "points for strain)"]
    does = summary.sections["What the package does"][0]
    assert does.startswith("Input sanctions at 50% of the lever's full strength from 2025Q1")  # no "share (0-1)"
    values = twosector.params.default_params()
    # parameters with their values and meanings (the parameter table's descriptions)
    meaning = twosector.params.param_table().loc["input_cut_max", "description"]
    assert f"input_cut_max = {values['input_cut_max']:g} ({meaning}) of the remaining" in does
    # the main results are the key results, with labels, units and the quarter
    key = tables.key_results(runs["input_sanctions"], runs["baseline"], at="2027Q4")
    main = summary.sections["Main results (vs baseline: % for levels and indices, pp for rates, points for strain)"]
    assert f"military output {key['output_military_vs_baseline_pct']:,.2f}%" in main[0] and "2027Q4" in main[0]
    assert not re.search(r"\b(output_military|output_civilian|cpi_inflation|strain_index)\b", str(summary))
    # contributions that round to zero are not listed
    strain = next(x for x in summary.sections["Through which channels"] if x.startswith("Strain on"))
    assert "(+0.00 points)" not in strain and "(0.00 points)" not in strain
    # the NWF ends higher under a package that hurts: explained by its own flows, which add up to the difference
    nwf = next(line for line in summary.sections["Results that need explaining"] if "NWF" in line)
    flows = re.findall(r"([+-][\d.,]+) trn RUB", nwf.split("comes from")[1])
    gap = (runs["input_sanctions"] - runs["baseline"]).loc["2027Q4", "nwf_liquid"]
    assert sum(float(f) for f in flows) == pytest.approx(gap, abs=0.02)
    assert any("substitut" in c for c in summary.sections["Caveats"])  # the caveat of the lever used
    html = summary._repr_html_()
    assert "twosector-summary" in html and "not written by hand" in html and "## " in str(summary)


def test_summary_of_an_oil_package_gives_the_nwf_and_budget_with_their_drivers(runs):
    # the oil lever acts mainly on the NWF: the box said it did nothing, and called a discount "a cap at 10 USD/bbl"
    scenario = twosector.load_scenario("oil_price_cap")
    result = twosector.simulate(scenario)
    summary = reports.scenario_summary(scenario, result, runs["baseline"], at="2027Q4")
    does = summary.sections["What the package does"][0]
    assert "an extra discount of 10 USD/bbl on the realised Urals price" in does and "at 10 USD/bbl" not in does
    main = " ".join(summary.sections["Main results (vs baseline: % for levels and indices, pp for rates, "
                                     "points for strain)"])
    nwf, base = result.loc["2027Q4", "nwf_liquid"], runs["baseline"].loc["2027Q4", "nwf_liquid"]
    assert nwf < base - 1  # the fact the box must carry
    assert (f"Budget and the NWF at the key quarter (2027Q4): the NWF's liquid assets {nwf:,.2f} vs {base:,.2f} "
            f"trn RUB in the baseline ({nwf - base:,.2f} trn RUB, {100 * (nwf / base - 1):,.2f}%)") in main
    oil = (result - runs["baseline"]).loc["2025Q1":"2027Q4", "oil_gas_revenue"].sum()
    assert f"oil and gas revenue {oil:,.2f} trn RUB" in main and "weaker ruble" in main
    assert "-0.00" not in str(summary)
    # a package that leaves the budget alone gets no fiscal line
    calm = runs["baseline"].copy()
    assert not reports._fiscal(calm, runs["baseline"], pd.Period("2027Q4"))


def test_summary_explains_the_sign_of_strain_through_income(runs):
    # the ceasefire: soldiers' pay stops, so household income falls; where civilian households' income rises
    # instead (here set 1% above the baseline), the summary says that the difference is soldiers' pay
    ceasefire = twosector.load_scenario("ceasefire")
    result = twosector.simulate(ceasefire)
    apart = result.copy()
    apart["civilian_real_income"] = runs["baseline"]["civilian_real_income"] * 1.01
    summary = reports.scenario_summary(ceasefire, apart, runs["baseline"], at="2027Q4")
    why = next(x for x in summary.sections["Through which channels"] if x.startswith("Strain through household"))
    gap = tables.vs_baseline(apart, runs["baseline"], ["real_disposable_income", "civilian_real_income"]).loc["2027Q4"]
    assert gap.iloc[0] < 0 < gap.iloc[1]
    assert f"{gap.iloc[0]:,.2f}% vs baseline in 2027Q4: less income, more strain" in why
    assert "civilian households' real income moves the other way, +1.00%: the difference is soldiers' pay" in why
    together = result.copy()  # both incomes fall and strain rises: plain, nothing to explain
    together["civilian_real_income"] = runs["baseline"]["civilian_real_income"] * 0.99
    lines = reports.scenario_summary(ceasefire, together, runs["baseline"], at="2027Q4").sections[
        "Through which channels"]
    assert not any(x.startswith("Strain through household") for x in lines)
    # civilian output falls first, then rises above the baseline: the trough is named with the key quarter
    main = " ".join(summary.sections["Main results (vs baseline: % for levels and indices, pp for rates, "
                                     "points for strain)"])
    path = tables.vs_baseline(result, runs["baseline"], ["output_civilian"]).iloc[:, 0].loc["2025Q1":]
    assert path["2027Q4"] > 0 > path.min()
    assert (f"Civilian output is +{path['2027Q4']:,.2f}% vs baseline in 2027Q4 but {path.min():,.2f}% at its trough "
            f"in {path.idxmin()}") in main
    # income above the baseline lowers strain: said in words (the results of the baseline, income raised)
    higher = runs["baseline"].copy()
    higher["real_disposable_income"] *= 1.02
    higher["strain_income_contribution"] -= 0.3
    higher["strain_index"] -= 0.3
    lines = reports.scenario_summary(ceasefire, higher, runs["baseline"]).sections["Through which channels"]
    assert "household income (-0.30 points)" in lines[1]
    assert lines[2].startswith("Strain through household income falls") and "+2.00% vs baseline" in lines[2]
    assert "more income, less strain" in lines[2]


def test_summary_explains_lower_unemployment_by_the_labour_market_identity(runs):
    scenario = twosector.load_scenario("skilled_emigration")
    summary = reports.scenario_summary(scenario, runs["skilled_emigration"], runs["baseline"])
    line = next(x for x in summary.sections["Results that need explaining"] if x.startswith("Unemployment is lower"))
    diff = (runs["skilled_emigration"] - runs["baseline"]).loc["2027Q4"]
    assert f"the labour force changes by {diff['labour_force']:,.2f} mn" in line


def test_summary_of_the_baseline_has_no_measures(runs):
    summary = reports.scenario_summary(twosector.load_scenario("baseline"), runs["baseline"], runs["baseline"])
    assert summary.sections["What the package does"][0].startswith("No measures beyond the baseline's assumptions")
    assert "Results that need explaining" not in summary.sections


def test_lever_table_has_units_and_meanings_and_no_internal_references():
    table = reports.lever_table(twosector.load_scenario("broad_front"))
    assert table.loc["oil_price_cap", "unit"] == "USD/bbl" and table.loc["input_sanctions", "unit"] == "share (0-1)"
    assert table["meaning"].str.len().min() > 20 and not table.to_string().count("brief")
    ceasefire = reports.lever_table(twosector.load_scenario("ceasefire"))
    assert "demobilisation = 0.5 (share of the war-time army" in ceasefire.loc["ceasefire", "options"]


def test_report_tables_as_csv_and_an_xlsx_that_pandas_reads_back(tmp_path, runs):
    result, base = runs["input_sanctions"], runs["baseline"]
    year_ends = tables.changes(result, base)
    milestones = tables.milestones(result, base)
    written = reports.write_tables(tmp_path / "run" / "results.json", "input sanctions/2",
                                   {"vs_baseline": year_ends, "milestones": milestones})
    folder = tmp_path / "run" / "tables"
    assert [p.name for p in written] == ["input_sanctions_2_vs_baseline.csv", "input_sanctions_2_milestones.csv",
                                         "input_sanctions_2_tables.xlsx"]
    book = pd.read_excel(folder / "input_sanctions_2_tables.xlsx", sheet_name=None, index_col=0)
    assert list(book) == ["vs_baseline", "milestones"]
    pd.testing.assert_frame_equal(book["vs_baseline"], year_ends, check_names=False)
    pd.testing.assert_frame_equal(pd.read_csv(written[0], index_col=0), year_ends, check_names=False)
    assert book["milestones"].loc["civilian output 1% below baseline", "scenario"] == \
        milestones.loc["civilian output 1% below baseline", "scenario"]
    from openpyxl import load_workbook

    sheet = load_workbook(folder / "input_sanctions_2_tables.xlsx")["vs_baseline"]
    formats = {c.number_format for row in sheet.iter_rows(min_row=2, min_col=2) for c in row}
    assert formats and "General" not in formats and all(f.startswith("#,##0") for f in formats)  # shown rounded
    assert not re.search(r"\d[eE][-+]?\d", written[0].read_text())  # plain numbers, no 1e-05
    assert reports.write_tables("", "x", {"a": year_ends}) == []  # a notebook run by hand writes nothing
    # a tables/ folder of the user's is never written into
    (tmp_path / "mine" / "tables").mkdir(parents=True)
    (tmp_path / "mine" / "tables" / "notes.txt").write_text("mine")
    with pytest.raises(twosector.TwosectorError, match="was not written by twosector"):
        reports.write_tables(tmp_path / "mine" / "results.json", "x", {"a": year_ends})
    assert [p.name for p in (tmp_path / "mine" / "tables").iterdir()] == ["notes.txt"]


def test_the_nwf_explanation_names_what_is_true_and_signs_the_draws():
    # it said "although the package hurts the economy" for a ceasefire that raised civilian output, and
    # "draws to finance deficits (less of them) -0.04" when there were more draws
    from twosector.reports import _surprises

    idx = pd.period_range("2025Q1", "2027Q4", freq="Q")
    cols = ["output_civilian", "unemployment_rate", "unemployed", "labour_force", "employment_civilian",
            "employment_military", "nwf_liquid", "strain_index", "nwf_save", "nwf_draw", "nwf_revaluation",
            "nwf_other_flows"]
    base = pd.DataFrame(0.0, index=idx, columns=cols)
    result = base.assign(output_civilian=1.0, nwf_liquid=1.0, strain_index=0.3, nwf_save=0.1, nwf_draw=0.01)
    text = " ".join(_surprises(result, base, pd.Period("2027Q4")))
    assert "although the strain index is higher" in text and "hurts" not in text
    assert "savings from budget surpluses +1.20 trn RUB" in text
    assert "larger draws to finance deficits -0.12 trn RUB" in text.replace("−", "-")
    text = " ".join(_surprises(result.assign(output_civilian=-1.0, nwf_draw=-0.01), base, pd.Period("2027Q4")))
    assert "although civilian output is lower" in text and "smaller draws to finance deficits +0.12" in text


def test_tables_of_several_header_levels_are_written_with_one_header_row(tmp_path):
    # 07_compare's CSVs had three header rows
    frame = pd.DataFrame([[1.5, -2.25]], index=pd.Index(["2027Q4"], name="quarter"),
                         columns=pd.MultiIndex.from_tuples([("output_civilian (% vs baseline)", "broad_front"),
                                                            ("cpi_inflation (pp vs baseline)", "ceasefire")],
                                                           names=["quantity", "package"]))
    written = reports.write_tables(tmp_path / "results.json", "packages", {"year_ends": frame})
    lines = written[0].read_text().splitlines()
    assert len(lines) == 2 and lines[0] == ("quarter,\"output_civilian (% vs baseline), broad_front\","
                                            "\"cpi_inflation (pp vs baseline), ceasefire\"")
    book = pd.read_excel(written[-1], sheet_name="year_ends", index_col=0)
    assert list(book.columns) == ["output_civilian (% vs baseline), broad_front",
                                  "cpi_inflation (pp vs baseline), ceasefire"]


def test_figures_are_named_as_the_tables_of_the_run(tmp_path, monkeypatch):
    # figures were 'cap 15 + tech_budget.png', tables 'cap_15_tech_*.csv'
    from twosector import charts, notebook

    class Figure:
        def show(self) -> None:
            pass

    saved = []
    monkeypatch.setattr(charts, "save", lambda fig, path: saved.append(path.name))
    notebook.show(Figure(), "cap 15 + tech_budget", save=True, folder=tmp_path)
    table = reports.write_tables(tmp_path / "results.json", "cap 15 + tech", {"budget": pd.DataFrame({"a": [1]})})
    assert saved == ["cap_15_tech_budget"] and table[0].name == "cap_15_tech_budget.csv"


def test_summary_of_runs_without_projected_quarters_is_an_error():
    # 03_scenario with end 2024Q4 ended in a KeyError traceback from the summary's turning points
    chosen = twosector.load_scenario("input_sanctions")
    result, base = (twosector.simulate(s, end="2024Q4") for s in (chosen, "baseline"))
    with pytest.raises(twosector.TwosectorError) as err:
        reports.scenario_summary(chosen, result, base, at="2027Q4")
    assert str(err.value) == ("result: the run ends in 2024Q4, before the projection starts (2025Q1); allowed: runs "
                              "simulated to 2025Q1 or later (simulate(..., end=...)), whose projected quarters the "
                              "summary describes")
